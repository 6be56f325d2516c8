// Issue 4, acceptance 2: a node stopped while the others write catches up
// through sync once restarted, without any new write; and when the history
// it needs was pruned on every peer, it catches up by snapshot.
#include "ClusterHarness.h"
#include <QtTest>

using namespace dn::test;

namespace {
constexpr int kDeadlineMs = 30000;

double metric(Cluster &c, int i, const QByteArray &series) {
    const QByteArray text = c.get(i, QStringLiteral("/metrics")).body;
    for (const QByteArray &line : text.split('\n'))
        if (line.startsWith(series + ' ')) return line.mid(series.size() + 1).toDouble();
    return -1;
}
}  // namespace

class TestClusterCatchup : public QObject {
    Q_OBJECT
private slots:
    void restartedNodeCatchesUp();
};

void TestClusterCatchup::restartedNodeCatchesUp() {
    Cluster c;
    QString err;
    for (int i = 0; i < 3; ++i) QVERIFY2(c.start(&err, i ? std::vector<int>{0} : std::vector<int>{}), qPrintable(err));
    const QString ctx = c.createKvContext(0, &err);
    QVERIFY2(!ctx.isEmpty(), qPrintable(err));
    const QString inv = c.invite(0, ctx, &err);
    QVERIFY2(c.join(1, inv, &err), qPrintable(err));
    QVERIFY2(c.join(2, inv, &err), qPrintable(err));
    QVERIFY(Cluster::waitFor([&] { return !c.commonRoot(ctx, {0, 1, 2}).isEmpty(); }, kDeadlineMs));

    // 1. C is away while A and B write.
    QVERIFY2(c.stop(2, &err), qPrintable(err));
    for (int k = 0; k < 20; ++k) QVERIFY(c.set(k % 2, ctx, QStringLiteral("while-away-%1").arg(k), QStringLiteral("v%1").arg(k), &err));
    QVERIFY(Cluster::waitFor([&] { return !c.commonRoot(ctx, {0, 1}).isEmpty(); }, kDeadlineMs));
    const QString rootAB = c.root(0, ctx);
    QVERIFY2(c.start(&err, {0}, {}, 2), qPrintable(err));
    // No new write: the reconnection sync alone brings it up to date.
    QVERIFY2(Cluster::waitFor([&] { return c.root(2, ctx) == rootAB; }, kDeadlineMs),
             qPrintable(QStringLiteral("C's root %1, A's %2").arg(c.root(2, ctx), rootAB)));
    QCOMPARE(c.value(2, ctx, QStringLiteral("while-away-19")), QStringLiteral("v19"));
    QCOMPARE(c.applied(2, ctx), c.applied(0, ctx));
    // Sync brought them (gossip may also offer recent ones by IHAVE, later).
    QVERIFY(metric(c, 2, "deltanode_sync_deltas_fetched_total") >= 1);
    QCOMPARE(metric(c, 2, "deltanode_sync_snapshots_total"), 0.0);

    // 2. C is away again; A and B write, then prune all but the newest history.
    QVERIFY2(c.stop(2, &err), qPrintable(err));
    for (int k = 0; k < 30; ++k) QVERIFY(c.set(k % 2, ctx, QStringLiteral("pruned-%1").arg(k), QStringLiteral("p%1").arg(k), &err));
    QVERIFY(Cluster::waitFor([&] { return !c.commonRoot(ctx, {0, 1}).isEmpty(); }, kDeadlineMs));
    for (int i : {0, 1}) {
        const HttpAnswer p = c.post(i, QStringLiteral("/admin-api/contexts/%1/prune").arg(ctx),
                                    {{QStringLiteral("retain"), 2}, {QStringLiteral("minAgeSeconds"), 0}});
        QCOMPARE(p.status, 200);
        QVERIFY2(p.json().value(QLatin1String("pruned")).toDouble() >= 30, qPrintable(p.describe()));
    }
    const QString rootPruned = c.root(0, ctx);
    QVERIFY2(c.start(&err, {0}, {}, 2), qPrintable(err));
    QVERIFY2(Cluster::waitFor([&] { return c.root(2, ctx) == rootPruned; }, kDeadlineMs),
             qPrintable(QStringLiteral("C's root %1, A's %2").arg(c.root(2, ctx), rootPruned)));
    QCOMPARE(metric(c, 2, "deltanode_sync_snapshots_total"), 1.0);
    QCOMPARE(c.value(2, ctx, QStringLiteral("pruned-0")), QStringLiteral("p0"));
    QCOMPARE(c.value(2, ctx, QStringLiteral("while-away-3")), QStringLiteral("v3"));
    // Life goes on after the checkpoint: writes flow both ways.
    QVERIFY(c.set(2, ctx, QStringLiteral("after"), QStringLiteral("snapshot"), &err));
    QVERIFY(c.set(0, ctx, QStringLiteral("also"), QStringLiteral("after"), &err));
    QVERIFY(Cluster::waitFor([&] { return !c.commonRoot(ctx, {0, 1, 2}).isEmpty(); }, kDeadlineMs));
    QCOMPARE(c.value(1, ctx, QStringLiteral("after")), QStringLiteral("snapshot"));
    QCOMPARE(c.value(2, ctx, QStringLiteral("also")), QStringLiteral("after"));
    for (int i = 0; i < 3; ++i) QVERIFY2(c.stop(i, &err), qPrintable(err));
}

QTEST_GUILESS_MAIN(TestClusterCatchup)
#include "tst_cluster_catchup.moc"
