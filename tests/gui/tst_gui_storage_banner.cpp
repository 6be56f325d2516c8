// The storage-failure banner of the desktop monitor (ARCHITECTURE "Fail-stop
// storage"): the real window (Main.qml) fed a node snapshot without, then
// with, a storage failure. Hidden while storage is healthy; once failed, a
// red line at the top says what failed, that the node stopped accepting
// changes and that acknowledged data is safe. Saved as
// <build>/screenshots/storage-failed.png (storage-failed-dark.png with
// DELTANODE_THEME=dark).
#include "GuiDriver.h"
#include "Monitor.h"
#include "MonitorWindow.h"
#include <QGuiApplication>
#include <QTemporaryDir>
#include <QtQml/QQmlExtensionPlugin>
#include <QtTest>

Q_IMPORT_QML_PLUGIN(DeltaNodePlugin)

using namespace dn;
using namespace dn::test;

namespace {
NodeSnapshot snapshot(quint64 serial, const QString &storageFailure) {
    NodeSnapshot s;
    s.serial = serial;
    s.takenAtMs = QDateTime::currentMSecsSinceEpoch();
    s.status.peerId = QStringLiteral("12D3KooWStorageBannerTestPeer0000000000000000000000");
    s.status.version = QStringLiteral("test");
    s.status.apiUrl = QStringLiteral("http://127.0.0.1:2528");
    s.status.uptimeSeconds = 3725;
    s.status.contexts = 2;
    s.status.transactions = 1200;
    s.status.storageFailure = storageFailure;
    return s;
}
}  // namespace

class GuiStorageBanner : public QObject {
    Q_OBJECT
private slots:
    void bannerShowsTheFailure();
};

void GuiStorageBanner::bannerShowsTheFailure() {
    MonitorWindow::configureStyle();
    MonitorWindow window(nullptr);  // no node: snapshots are fed by hand
    auto loaded = window.load();
    QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().message));
    QQuickWindow *w = window.window();
    w->resize(1280, 800);
    w->show();
    QVERIFY(QTest::qWaitForWindowExposed(w));
    GuiDriver ui(w);
    Monitor *monitor = window.monitor();

    monitor->applySnapshot(snapshot(1, {}));
    QTRY_VERIFY(monitor->ready());
    QCOMPARE(ui.get("storageBanner", "visible").toBool(), false);

    const QString message = QStringLiteral(
        "a database write failed: IO error: /var/lib/deltanode/db/000012.log: No space left on device");
    monitor->applySnapshot(snapshot(2, message));
    QTRY_COMPARE(ui.get("storageBanner", "visible").toBool(), true);
    const QString text = ui.get("storageBannerText", "text").toString();
    QVERIFY2(text.contains(QLatin1String("Storage failed:")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("No space left on device")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("stopped accepting changes")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("last acknowledged change is safe")), qPrintable(text));
    QTRY_VERIFY(ui.get("storageBanner", "height").toDouble() > 20);

    const bool dark = qgetenv("DELTANODE_THEME") == "dark";
    const QString path = ui.screenshot(dark ? QStringLiteral("storage-failed-dark") : QStringLiteral("storage-failed"));
    QVERIFY(!path.isEmpty());
    qInfo() << "screenshot" << path;
}

DN_GUI_TEST_MAIN(GuiStorageBanner, "tst_gui_storage_banner")

#include "tst_gui_storage_banner.moc"
