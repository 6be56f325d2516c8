// How the monitor writes sizes, durations, times and counts (dn::Format), and
// that QML reaches the same functions through the `Format` singleton.
#include "Format.h"
#include <QDateTime>
#include <QLocale>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QtTest>

void qml_register_types_DeltaNode();  // the DeltaNode module's types, registered on import

using namespace dn;

class FormatTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }
    void bytes() {
        QCOMPARE(Format::bytes(0), QStringLiteral("0 B"));
        QCOMPARE(Format::bytes(1023), QStringLiteral("1023 B"));
        QCOMPARE(Format::bytes(1536), QStringLiteral("1.50 KiB"));
        QCOMPARE(Format::bytes(12.5 * 1024 * 1024), QStringLiteral("12.5 MiB"));
        QCOMPARE(Format::bytes(3.0 * 1024 * 1024 * 1024 * 1024 * 1024), QStringLiteral("3072.0 TiB"));
        QCOMPARE(Format::byteRate(2048), QStringLiteral("2.00 KiB/s"));
    }
    void durations() {
        QCOMPARE(Format::duration(42.9), QStringLiteral("42 s"));
        QCOMPARE(Format::duration(185), QStringLiteral("3 min 5 s"));
        QCOMPARE(Format::duration(2 * 3600 + 10 * 60 + 7), QStringLiteral("2 h 10 min"));
        QCOMPARE(Format::duration(4 * 86400 + 3600 + 59), QStringLiteral("4 d 1 h"));
        QCOMPARE(Format::micros(999), QStringLiteral("999 µs"));
        QCOMPARE(Format::micros(1500), QStringLiteral("1.50 ms"));
        QCOMPARE(Format::micros(25'000), QStringLiteral("25.0 ms"));
        QCOMPARE(Format::micros(2'500'000), QStringLiteral("2.50 s"));
    }
    void countsAndTimes() {
        QCOMPARE(Format::count(1234567.4), QStringLiteral("1234567"));
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        QCOMPARE(Format::count(1234567), QStringLiteral("1,234,567"));
        QLocale::setDefault(QLocale::c());
        const qint64 ms = QDateTime(QDate(2026, 3, 4), QTime(5, 6, 7, 89)).toMSecsSinceEpoch();
        QCOMPARE(Format::clockTime(ms), QStringLiteral("05:06:07"));
        QCOMPARE(Format::clockTimeMillis(ms), QStringLiteral("05:06:07.089"));
        // NTP64: seconds above, the fraction below; its low 16 bits count.
        const quint64 hlc = (quint64(ms / 1000) << 32) | (quint64(0x8000'0000u) + 7);
        QCOMPARE(Format::hlcTime(hlc), QStringLiteral("2026-03-04 05:06:07.500 · counter 7"));
    }
    void reachableFromQml() {
        // Linked in the way the module's plugin does it, so that the import finds them.
        volatile auto registration = &qml_register_types_DeltaNode;
        Q_UNUSED(registration);
        QQmlEngine engine;
        QQmlComponent c(&engine);
        c.setData("import QtQml\nimport DeltaNode\nQtObject {\n"
                  "  property string size: Format.bytes(1536)\n"
                  "  property string rate: Format.byteRate(2048)\n"
                  "  property string took: Format.micros(1500)\n"
                  "  property string up: Format.duration(185)\n"
                  "  property string n: Format.count(42)\n}",
                  QUrl());
        std::unique_ptr<QObject> o(c.create());
        QVERIFY2(o, qPrintable(c.errorString()));
        QCOMPARE(o->property("size").toString(), QStringLiteral("1.50 KiB"));
        QCOMPARE(o->property("rate").toString(), QStringLiteral("2.00 KiB/s"));
        QCOMPARE(o->property("took").toString(), QStringLiteral("1.50 ms"));
        QCOMPARE(o->property("up").toString(), QStringLiteral("3 min 5 s"));
        QCOMPARE(o->property("n").toString(), QStringLiteral("42"));
    }
};

QTEST_GUILESS_MAIN(FormatTest)
#include "tst_format.moc"
