#pragma once
// Drives the monitor's QML like a person would, through objectNames: finds
// items (also inside popups and list delegates), sets properties, emits
// clicked(), and saves screenshots into the build tree.
#include "GuiTestDisplay.h"
#include <QDir>
#include <QGuiApplication>
#include <QTemporaryDir>
#include <QImage>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSet>
#include <QtTest>
#include <functional>

namespace dn::test {

class GuiDriver {
public:
    explicit GuiDriver(QQuickWindow *window) : window_(window) {}

    // The first object named `name`, searching QObject children and visual
    // children (delegates and popup contents are only the latter).
    QObject *find(const QString &name) const {
        QSet<const QObject *> seen;
        QObject *found = nullptr;
        std::function<void(QObject *)> walk = [&](QObject *o) {
            if (!o || found || seen.contains(o)) return;
            seen.insert(o);
            if (o->objectName() == name) {
                found = o;
                return;
            }
            for (QObject *c : o->children()) walk(c);
            if (auto *item = qobject_cast<QQuickItem *>(o))
                for (QQuickItem *c : item->childItems()) walk(c);
        };
        walk(window_);
        walk(window_->contentItem()->parentItem());  // the root item: content and the popup overlay
        return found;
    }
    QList<QObject *> findAll(const QString &name) const {
        QSet<const QObject *> seen;
        QList<QObject *> out;
        std::function<void(QObject *)> walk = [&](QObject *o) {
            if (!o || seen.contains(o)) return;
            seen.insert(o);
            if (o->objectName() == name) out << o;
            for (QObject *c : o->children()) walk(c);
            if (auto *item = qobject_cast<QQuickItem *>(o))
                for (QQuickItem *c : item->childItems()) walk(c);
        };
        walk(window_);
        walk(window_->contentItem()->parentItem());
        return out;
    }
    // The object, or (with a warning, so the check using it fails) a blank one.
    QObject *must(const QString &name) const {
        if (QObject *o = find(name)) return o;
        qWarning("no QML object named %s", qPrintable(name));
        static QObject missing;
        return &missing;
    }
    QVariant get(const QString &name, const char *property) const { return must(name)->property(property); }
    void set(const QString &name, const char *property, const QVariant &value) const {
        QVERIFY2(must(name)->setProperty(property, value), qPrintable(name + QLatin1Char('.') + property));
    }
    // What a click on a Button ends in: its clicked() signal.
    bool click(const QString &name) const {
        QObject *o = must(name);
        if (!o->property("enabled").toBool()) return false;
        return QMetaObject::invokeMethod(o, "clicked");
    }
    void page(int index) const {
        QTest::keyClick(window_, Qt::Key(Qt::Key_1 + index), Qt::ControlModifier);
    }
    // A PNG of the window into <build>/screenshots/<name>.png.
    QString screenshot(const QString &name) const {
        const QString dir = QStringLiteral(DN_BINARY_DIR "/screenshots");
        QDir().mkpath(dir);
        const QString path = dir + QLatin1Char('/') + name + QStringLiteral(".png");
        const QImage image = window_->grabWindow();
        if (image.isNull() || !image.save(path)) return {};
        return path;
    }
    QQuickWindow *window() const { return window_; }

private:
    QQuickWindow *window_;
};

}  // namespace dn::test

// main() of a GUI test: the display first (it picks the platform before the
// application exists), window settings in a throwaway config directory so
// they stay out of the user's, then the test object.
#define DN_GUI_TEST_MAIN(TestClass, appName)                                                          \
    int main(int argc, char **argv) {                                                                 \
        dn::test::GuiTestDisplay display;                                                             \
        QTemporaryDir config;                                                                         \
        qputenv("XDG_CONFIG_HOME", config.path().toLocal8Bit());                                      \
        QGuiApplication app(argc, argv);                                                              \
        QGuiApplication::setOrganizationName(QStringLiteral("deltanode-tests"));                      \
        QGuiApplication::setApplicationName(QStringLiteral(appName));                                 \
        TestClass test;                                                                               \
        return QTest::qExec(&test, argc, argv);                                                       \
    }
