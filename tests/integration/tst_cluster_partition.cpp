// Issue 4, acceptance 3: six nodes split into two groups (every node blocks
// every node of the other group through the admin API), both groups write,
// then the partition is healed (unblock, which redials at once): all six
// converge to one root hash within 1 s of healing.
#include "ClusterHarness.h"
#include <QElapsedTimer>
#include <QtTest>

using namespace dn::test;

namespace {
constexpr int kDeadlineMs = 30000;
constexpr qint64 kHealBudgetMs = 1000;  // ARCHITECTURE §14: convergence after heal ≤ 1 s
}  // namespace

class TestClusterPartition : public QObject {
    Q_OBJECT
private slots:
    void partitionAndHeal();
};

void TestClusterPartition::partitionAndHeal() {
    Cluster c;
    QString err;
    // A full mesh: every node dials every node started before it.
    for (int i = 0; i < 6; ++i) {
        std::vector<int> boot;
        for (int j = 0; j < i; ++j) boot.push_back(j);
        QVERIFY2(c.start(&err, boot), qPrintable(err));
    }
    const QString ctx = c.createKvContext(0, &err);
    QVERIFY2(!ctx.isEmpty(), qPrintable(err));
    const QString inv = c.invite(0, ctx, &err);
    for (int i = 1; i < 6; ++i) QVERIFY2(c.join(i, inv, &err), qPrintable(err));
    QVERIFY(Cluster::waitFor([&] { return !c.commonRoot(ctx, c.all()).isEmpty(); }, kDeadlineMs));

    const std::vector<int> left{0, 1, 2}, right{3, 4, 5};
    auto crossConnected = [&] {
        for (int i = 0; i < 6; ++i) {
            const auto &other = i < 3 ? right : left;
            for (const QJsonValue &v : c.peers(i)) {
                const QJsonObject p = v.toObject();
                if (p.value(QLatin1String("blocked")).toBool()) continue;
                for (int j : other)
                    if (p.value(QLatin1String("peerId")).toString() == c.node(j).peerId) return true;
            }
        }
        return false;
    };
    // Partition.
    for (int l : left)
        for (int r : right) {
            QVERIFY(c.block(l, c.node(r).peerId, true));
            QVERIFY(c.block(r, c.node(l).peerId, true));
        }
    QVERIFY(Cluster::waitFor([&] { return !crossConnected(); }, kDeadlineMs));

    // Both sides write, including the same keys.
    for (int k = 0; k < 5; ++k)
        for (int i = 0; i < 6; ++i)
            QVERIFY(c.set(i, ctx, QStringLiteral("k%1").arg(k), QStringLiteral("node%1").arg(i), &err));
    QVERIFY(Cluster::waitFor([&] { return !c.commonRoot(ctx, left).isEmpty() && !c.commonRoot(ctx, right).isEmpty(); },
                             kDeadlineMs));
    QVERIFY2(c.commonRoot(ctx, left) != c.commonRoot(ctx, right), "the groups did not diverge: the partition leaked");

    // Heal, and time convergence from the moment the partition is gone.
    QElapsedTimer sinceFirstUnblock;
    sinceFirstUnblock.start();
    for (int l : left)
        for (int r : right) {
            QVERIFY(c.block(l, c.node(r).peerId, false));
            QVERIFY(c.block(r, c.node(l).peerId, false));
        }
    QElapsedTimer sinceHealed;
    sinceHealed.start();
    QString root;
    QVERIFY2(Cluster::waitFor([&] { return !(root = c.commonRoot(ctx, c.all())).isEmpty(); }, kDeadlineMs),
             "the cluster did not converge after healing");
    const qint64 healedMs = sinceHealed.elapsed();
    qInfo("converged %lld ms after the partition was healed (%lld ms after the first unblock)", healedMs,
          sinceFirstUnblock.elapsed());
    QVERIFY2(healedMs <= kHealBudgetMs, qPrintable(QStringLiteral("converged only after %1 ms").arg(healedMs)));
    for (int k = 0; k < 5; ++k) {
        const QString v = c.value(0, ctx, QStringLiteral("k%1").arg(k));
        for (int i = 1; i < 6; ++i) QCOMPARE(c.value(i, ctx, QStringLiteral("k%1").arg(k)), v);
    }
    // The mesh re-forms: every node is connected to the other side again.
    QVERIFY(Cluster::waitFor(crossConnected, kDeadlineMs));
}

QTEST_GUILESS_MAIN(TestClusterPartition)
#include "tst_cluster_partition.moc"
