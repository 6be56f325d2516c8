// Issue 3, acceptance 6: after a few calls, a real daemon's /metrics passes
// `promtool check metrics` and has a latency histogram for every pipeline
// phase of ARCHITECTURE §13, with samples for transaction and application.
#include "DaemonHarness.h"

#include <QJsonArray>
#include <QMap>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace dn::test;

namespace {

struct Sample {
    QString name;
    QString labels;  // the text between the braces
    double value = 0;
};

// The text exposition format, just enough to find histogram series.
void parseExposition(const QByteArray &text, QMap<QString, QString> *types, QList<Sample> *samples) {
    for (const QByteArray &raw : text.split('\n')) {
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.isEmpty()) continue;
        if (line.startsWith(QLatin1String("# TYPE "))) {
            const QStringList parts = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
            if (parts.size() >= 4) types->insert(parts[2], parts[3]);
            continue;
        }
        if (line.startsWith(QLatin1Char('#'))) continue;
        Sample s;
        const qsizetype brace = line.indexOf(QLatin1Char('{'));
        QString rest;
        if (brace >= 0) {
            const qsizetype close = line.lastIndexOf(QLatin1Char('}'));
            s.name = line.left(brace);
            s.labels = line.mid(brace + 1, close - brace - 1);
            rest = line.mid(close + 1).trimmed();
        } else {
            s.name = line.section(QLatin1Char(' '), 0, 0);
            rest = line.section(QLatin1Char(' '), 1).trimmed();
        }
        s.value = rest.section(QLatin1Char(' '), 0, 0).toDouble();
        samples->append(s);
    }
}

// Whether a series belongs to `phase`: as a label value (phase="transaction")
// or as a word of the metric name (…_transaction_seconds).
bool mentionsPhase(const Sample &s, const QString &phase) {
    const QRegularExpression word(QStringLiteral("(^|[_\"=])%1([_\"]|$)").arg(phase));
    return word.match(s.name).hasMatch() || word.match(s.labels).hasMatch();
}

// The largest _count among histogram series of `phase`, -1 if there is none.
double histogramCount(const QMap<QString, QString> &types, const QList<Sample> &samples, const QString &phase) {
    double best = -1;
    for (const Sample &s : samples) {
        if (!s.name.endsWith(QLatin1String("_count"))) continue;
        if (types.value(s.name.chopped(6)) != QLatin1String("histogram")) continue;
        if (mentionsPhase(s, phase)) best = qMax(best, s.value);
    }
    return best;
}

}  // namespace

class DaemonMetricsTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<Daemon> node_;
    RawHttp http_;
    QString promtool_;

    // promtool's verdict on `text`: empty when it passes, its output otherwise.
    QString promtoolProblems(const QByteArray &text) {
        QProcess p;
        p.start(promtool_, {QStringLiteral("check"), QStringLiteral("metrics")});
        if (!p.waitForStarted(10000)) return QStringLiteral("cannot start promtool: ") + p.errorString();
        p.write(text);
        p.closeWriteChannel();
        if (!p.waitForFinished(30000)) return QStringLiteral("promtool did not finish");
        const QString out = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
        return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0 ? QString() : QStringLiteral("exit %1: %2").arg(p.exitCode()).arg(out);
    }

private slots:
    void initTestCase() {
        promtool_ = QStandardPaths::findExecutable(QStringLiteral("promtool"));
        QVERIFY2(!promtool_.isEmpty(), "promtool not found (Debian package prometheus; scripts/setup installs it)");
        QVERIFY(dir_.isValid());
        node_ = std::make_unique<Daemon>(dir_.filePath(QStringLiteral("node")));
        QString error;
        QVERIFY2(node_->start(&error), qPrintable(error));
        const QString ctx = http_.kvContext(*node_, &error);
        QVERIFY2(!ctx.isEmpty(), qPrintable(error));
        for (int i = 0; i < 5; ++i) {
            const HttpAnswer a = http_.execute(*node_, ctx, QStringLiteral("set"),
                                               QJsonObject{{QStringLiteral("key"), QStringLiteral("k%1").arg(i)}, {QStringLiteral("value"), QStringLiteral("v")}});
            QVERIFY2(a.json().contains(QLatin1String("result")), qPrintable(a.describe()));
        }
        const HttpAnswer g = http_.execute(*node_, ctx, QStringLiteral("get"), QJsonObject{{QStringLiteral("key"), QStringLiteral("k1")}});
        QVERIFY2(g.json().contains(QLatin1String("result")), qPrintable(g.describe()));
    }

    void passesPromtool() {
        const HttpAnswer m = http_.get(*node_, QStringLiteral("/metrics"));
        QVERIFY2(m.status == 200 && !m.body.isEmpty(), qPrintable(m.describe()));
        const QString problems = promtoolProblems(m.body);
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        // The API server's families come from the node's registry too, so
        // they share the prefix (and each family is declared once).
        QVERIFY(m.body.contains("\n# TYPE deltanode_api_http_requests_total counter\n"));
        QCOMPARE(m.body.count("# TYPE deltanode_api_http_requests_total "), 1);
        QVERIFY(!m.body.contains("dn_api_"));

        // The same text through deltactl.
        const CtlResult r = ctl(*node_, {QStringLiteral("metrics")});
        QCOMPARE(r.exitCode, 0);
        const QString viaCtl = promtoolProblems(r.out);
        QVERIFY2(viaCtl.isEmpty(), qPrintable(viaCtl));
    }

    void perPhaseHistograms() {
        const HttpAnswer m = http_.get(*node_, QStringLiteral("/metrics"));
        QMap<QString, QString> types;
        QList<Sample> samples;
        parseExposition(m.body, &types, &samples);
        QVERIFY(!samples.isEmpty());
        // ARCHITECTURE §13's pipeline phases all have a histogram; on one node
        // without peers only some have samples.
        for (const char *phase : {"transaction", "broadcast", "reception", "application", "event_handlers", "websocket"})
            QVERIFY2(histogramCount(types, samples, QLatin1String(phase)) >= 0, phase);
        QVERIFY2(histogramCount(types, samples, QStringLiteral("transaction")) >= 5, m.body.left(4000).constData());
        QVERIFY2(histogramCount(types, samples, QStringLiteral("application")) >= 5, m.body.left(4000).constData());
    }

    void cleanupTestCase() {
        QString error;
        if (node_ && node_->running()) QVERIFY2(node_->stop(&error), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(DaemonMetricsTest)
#include "tst_daemon_metrics.moc"
