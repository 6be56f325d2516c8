// Issue 4, acceptance 4: twenty nodes on one machine joined by a random
// sparse bootstrap graph (each node dials one or two earlier nodes, so the
// graph is connected but far from complete). Each node joins with an
// invitation from the node it bootstrapped from, so no node needs a direct
// connection to the creator. Every delta written anywhere reaches every
// member, and all converge to one root hash.
#include "ClusterHarness.h"
#include <QElapsedTimer>
#include <QtTest>
#include <random>

using namespace dn::test;

namespace {
constexpr int kNodes = 20;
constexpr int kDeadlineMs = 45000;
}  // namespace

class TestClusterTwenty : public QObject {
    Q_OBJECT
private slots:
    void twentyNodesConverge();
};

void TestClusterTwenty::twentyNodesConverge() {
    Cluster c;
    QString err;
    std::mt19937 rng(20);  // a fixed graph: a failure can be replayed
    std::vector<int> inviter(kNodes, -1);
    QVERIFY2(c.start(&err), qPrintable(err));
    int edges = 0;
    for (int i = 1; i < kNodes; ++i) {
        std::vector<int> boot{int(rng() % unsigned(i))};
        if (i > 2 && rng() % 3 == 0) {
            const int extra = int(rng() % unsigned(i));
            if (extra != boot[0]) boot.push_back(extra);
        }
        edges += int(boot.size());
        inviter[size_t(i)] = boot[0];
        QVERIFY2(c.start(&err, boot), qPrintable(err));
    }
    qInfo("%d nodes, %d bootstrap edges (a complete graph has %d)", kNodes, edges, kNodes * (kNodes - 1) / 2);

    const QString ctx = c.createKvContext(0, &err);
    QVERIFY2(!ctx.isEmpty(), qPrintable(err));
    QElapsedTimer t;
    t.start();
    // Whoever invites must be an admin: a node that will invite others is
    // promoted by node 0 once it joined.
    std::vector<bool> invites(kNodes, false);
    for (int i = 1; i < kNodes; ++i) invites[size_t(inviter[size_t(i)])] = true;
    for (int i = 1; i < kNodes; ++i) {
        const QString inv = c.invite(inviter[size_t(i)], ctx, &err, 1);
        QVERIFY2(!inv.isEmpty(), qPrintable(err));
        QVERIFY2(c.join(i, inv, &err), qPrintable(err));
        if (invites[size_t(i)]) QVERIFY2(c.promote(0, i, ctx, &err), qPrintable(err));
    }
    qInfo("19 joins in %lld ms", t.elapsed());
    // Joins were sequential, so everything joined has everything so far.
    QVERIFY(Cluster::waitFor([&] { return !c.commonRoot(ctx, c.all()).isEmpty(); }, kDeadlineMs));

    // Every node writes; every write must reach every member.
    t.restart();
    for (int i = 0; i < kNodes; ++i) QVERIFY(c.set(i, ctx, QStringLiteral("from-%1").arg(i), QStringLiteral("hello %1").arg(i), &err));
    QString root;
    QVERIFY2(Cluster::waitFor([&] { return !(root = c.commonRoot(ctx, c.all())).isEmpty(); }, kDeadlineMs),
             "the twenty nodes did not converge");
    qInfo("converged %lld ms after the first of %d writes", t.elapsed(), kNodes);
    const qint64 applied = c.applied(0, ctx);
    QVERIFY(applied >= 1 + (kNodes - 1) + kNodes);  // genesis, member.adds (and promotions), writes
    for (int i = 0; i < kNodes; ++i) {
        QCOMPARE(c.applied(i, ctx), applied);
        // Spot-check the values themselves on every node (a different key each).
        const int k = (i * 7 + 3) % kNodes;
        QCOMPARE(c.value(i, ctx, QStringLiteral("from-%1").arg(k)), QStringLiteral("hello %1").arg(k));
    }
    // The graph stayed sparse: nobody is connected to everybody.
    int maxPeers = 0;
    for (int i = 0; i < kNodes; ++i) maxPeers = std::max(maxPeers, int(c.peers(i).size()));
    QVERIFY2(maxPeers < kNodes - 1, qPrintable(QStringLiteral("a node has %1 peers").arg(maxPeers)));
}

QTEST_GUILESS_MAIN(TestClusterTwenty)
#include "tst_cluster_twenty.moc"
