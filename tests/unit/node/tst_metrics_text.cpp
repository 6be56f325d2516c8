// Prometheus text of the node: the registry's format rules (escaping,
// cumulative buckets, +Inf = _count), and `promtool check metrics` on what a
// node with some traffic serves, with samples in the per-phase histograms.
#include "NodeTestUtil.h"
#include "context/Engine.h"
#include "metrics/MetricsRegistry.h"
#include "node/Node.h"
#include "node/NodeTimers.h"
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace dn;
using namespace dn::test;

namespace {
// promtool's verdict on `text`: empty when it passes, else its complaint.
QString promtoolProblems(const QString &promtool, const QByteArray &text) {
    QProcess p;
    p.start(promtool, {QStringLiteral("check"), QStringLiteral("metrics")});
    if (!p.waitForStarted(10000)) return QStringLiteral("promtool did not start");
    p.write(text);
    p.closeWriteChannel();
    if (!p.waitForFinished(30000)) return QStringLiteral("promtool did not finish");
    const QString out = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError()).trimmed();
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0 || !out.isEmpty())
        return QStringLiteral("exit %1: %2").arg(p.exitCode()).arg(out);
    return {};
}
}  // namespace

class TestMetricsText : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private slots:
    void countersGaugesAndEscaping() {
        MetricsRegistry m;
        m.family("t_events_total", MetricsRegistry::Type::Counter, "Events.\nSecond line \\ backslash.");
        m.counter("t_events_total", {{"kind", "a\"b\\c\nd"}}).fetch_add(3);
        m.counter("t_events_total", {{"kind", "plain"}}).fetch_add(1);
        m.counter("t_events_total", {{"kind", "plain"}}).fetch_add(1);  // same series
        m.family("t_level", MetricsRegistry::Type::Gauge, "Level.");
        double level = 2.5;
        m.value("t_level", {}, [&] { return level; });
        m.family("t_empty_total", MetricsRegistry::Type::Counter, "No samples: not rendered.");
        const QByteArray text = m.render();
        QVERIFY(text.contains("# HELP t_events_total Events.\\nSecond line \\\\ backslash.\n"));
        QVERIFY(text.contains("# TYPE t_events_total counter\n"));
        QVERIFY(text.contains("t_events_total{kind=\"a\\\"b\\\\c\\nd\"} 3\n"));
        QVERIFY(text.contains("t_events_total{kind=\"plain\"} 2\n"));
        QVERIFY(text.contains("t_level 2.5\n"));
        QVERIFY(!text.contains("t_empty_total"));
        level = 7;
        QVERIFY(m.render().contains("t_level 7\n"));
    }

    void histogramsAreCumulative() {
        MetricsRegistry m;
        m.family("t_latency_seconds", MetricsRegistry::Type::Histogram, "Latency.");
        Histogram &h = m.histogram("t_latency_seconds", {{"phase", "x"}});
        for (int64_t us : {1, 3, 100, 5'000'000}) h.record(us);
        const QByteArray text = m.render();
        QCOMPARE(sampleValue(text, R"(t_latency_seconds_bucket{phase="x",le="2e-06"})"), 1.0);
        QCOMPARE(sampleValue(text, R"(t_latency_seconds_bucket{phase="x",le="4e-06"})"), 2.0);
        QCOMPARE(sampleValue(text, R"(t_latency_seconds_bucket{phase="x",le="0.000128"})"), 3.0);
        QCOMPARE(sampleValue(text, R"(t_latency_seconds_bucket{phase="x",le="4.194304"})"), 3.0);
        QCOMPARE(sampleValue(text, R"(t_latency_seconds_bucket{phase="x",le="8.388608"})"), 4.0);
        QCOMPARE(sampleValue(text, R"(t_latency_seconds_bucket{phase="x",le="+Inf"})"), 4.0);
        QCOMPARE(sampleValue(text, R"(t_latency_seconds_count{phase="x"})"), 4.0);
        QVERIFY(qAbs(sampleValue(text, R"(t_latency_seconds_sum{phase="x"})") - 5.000104) < 1e-9);
        // Bucket counts never decrease along `le`.
        double last = 0;
        int buckets = 0;
        for (const QByteArray &line : text.split('\n')) {
            if (!line.startsWith("t_latency_seconds_bucket")) continue;
            const double v = line.mid(line.lastIndexOf(' ') + 1).toDouble();
            QVERIFY(v >= last);
            last = v;
            ++buckets;
        }
        QCOMPARE(buckets, int(MetricsRegistry::exportedBuckets().size()) + 1);
    }

    void nodeMetricsPassPromtool() {
        const QString promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
        auto n = Node::open(nodeConfig(tmp_.filePath(QStringLiteral("node"))));
        QVERIFY(n);
        Node &node = **n;
        auto app = node.engine().installApp(wasm("kv_store"), QStringLiteral("kv"));
        QVERIFY(app);
        auto ctx = node.engine().createContextSync(app->id, QStringLiteral("m"));
        QVERIFY(ctx);
        int mutations = 0;
        connect(&node, &NodeServices::stateMutated, this, [&] { ++mutations; });
        for (int i = 0; i < 5; ++i)
            QVERIFY(node.engine().executeSync(ctx->id, "set", QStringLiteral(R"({"key":"k%1","value":"v"})").arg(i).toUtf8()));
        QVERIFY(!node.engine().executeSync(ctx->id, "no_such_method", "{}"));
        node.recordWebsocketLatency(250);
        QTRY_VERIFY_WITH_TIMEOUT(mutations >= 5, 5000);
        for (const QString &t : node.timers().names()) node.timers().runNow(t);
        QTRY_VERIFY_WITH_TIMEOUT(!node.backgroundBusy(), 5000);

        const QByteArray text = node.metricsText();
        for (const char *phase : {"transaction", "application", "end_to_end", "websocket"})
            QVERIFY2(sampleValue(text, QByteArray(R"(deltanode_phase_latency_seconds_count{phase=")") + phase + "\"}") >= 1,
                     phase);
        for (const char *phase : {"broadcast", "reception", "event_handlers"})
            QCOMPARE(sampleValue(text, QByteArray(R"(deltanode_phase_latency_seconds_count{phase=")") + phase + "\"}"), 0.0);
        QVERIFY(sampleValue(text, R"(deltanode_phase_latency_seconds_count{phase="transaction"})") >= 5);
        QVERIFY(sampleValue(text, "deltanode_transactions_total") >= 5);
        QCOMPARE(sampleValue(text, "deltanode_failed_calls_total"), 1.0);
        QVERIFY(sampleValue(text, R"(deltanode_deltas_total{status="applied"})") >= 6);
        QCOMPARE(sampleValue(text, R"(deltanode_deltas_rejected_total{reason="bad_signature"})"), 0.0);
        QCOMPARE(sampleValue(text, "deltanode_contexts"), 1.0);
        QCOMPARE(sampleValue(text, "deltanode_applications"), 1.0);
        QCOMPARE(sampleValue(text, "deltanode_peers"), 0.0);
        QVERIFY(sampleValue(text, "process_resident_memory_bytes") > 1e6);
        for (const QString &t : node.timers().names())
            QCOMPARE(sampleValue(text, QStringLiteral(R"(deltanode_timer_runs_total{timer="%1"})").arg(t).toUtf8()), 1.0);

        if (promtool.isEmpty()) QSKIP("promtool is not installed (scripts/setup installs the prometheus package)");
        const QString problems = promtoolProblems(promtool, text);
        QVERIFY2(problems.isEmpty(), qPrintable(problems + QStringLiteral("\n") + QString::fromUtf8(text.left(3000))));
        // The check can fail: a broken exposition is refused.
        QVERIFY(!promtoolProblems(promtool, "deltanode_bad_counter 1\n# TYPE deltanode_bad_counter counter\n").isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestMetricsText)
#include "tst_metrics_text.moc"
