// The monitor's snapshot-fed models (issue 5, acceptance 4): contexts, peers
// and the blob cache update with row-level inserts, removes, moves and
// dataChanged — never a reset — and under a source producing 1 000 changes a
// second the notifications the models emit arrive in at most 4 batches a
// second.
#include "BlobCacheModel.h"
#include "ContextsModel.h"
#include "DagModel.h"
#include "EventLogModel.h"
#include "FilterSortModel.h"
#include "ModelTestUtil.h"
#include "Monitor.h"
#include "PeersModel.h"
#include "SnapshotFeed.h"
#include <QAbstractItemModelTester>
#include <QTimer>
#include <QtTest>
#include <algorithm>

using namespace dn;
using namespace dn::test;

class ModelsTest : public QObject {
    Q_OBJECT
private slots:
    void contextsUpdateRowByRow();
    void contextsReorderMovesRows();
    void peersSortedProxyFollowsRows();
    void blobCacheRowsAndStats();
    void coalescesToFourHzUnderLoad();
    void dagIncrementalReadsKeepHeadsRight();
    void dagTrimsOldestInLargeChunks();
    void dagOrdersParentsFirstAndAssignsLanes();
    void dagStateChangesInPlaceInRuns();
    void dagOtherContextStartsOver();
};

namespace {

// A chain of `n` deltas d<from>…d<from+n-1>, each the child of the one before
// (d<from-1> for the first); the last is the head.
QVector<DagDeltaView> chain(int from, int n) {
    QVector<DagDeltaView> out;
    for (int i = from; i < from + n; ++i) {
        DagDeltaView d;
        d.id = QStringLiteral("d%1").arg(i);
        if (i > 0) d.parents = {QStringLiteral("d%1").arg(i - 1)};
        d.hlc = quint64(i + 1);
        d.applied = true;
        d.isHead = i == from + n - 1;
        out.push_back(d);
    }
    return out;
}

DagDeltaView delta(const QString &id, const QStringList &parents, bool applied = true, bool isHead = false) {
    DagDeltaView d;
    d.id = id;
    d.parents = parents;
    d.applied = applied;
    d.isHead = isHead;
    return d;
}

QVariantList rows(std::initializer_list<int> r) {
    QVariantList out;
    for (int i : r) out.push_back(i);
    return out;
}

}  // namespace

void ModelsTest::dagIncrementalReadsKeepHeadsRight() {
    DagModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    Recorder rec(&m);
    m.merge(QStringLiteral("ctx"), chain(0, 100));
    QCOMPARE(m.rowCount(), 100);
    QCOMPARE(m.headCount(), 1);
    // An incremental read carries only the new deltas: the old head d99 is
    // not in it, yet it must stop being a head (its row changes in place).
    rec.clear();
    m.merge(QStringLiteral("ctx"), chain(100, 10));
    QCOMPARE(m.rowCount(), 110);
    QCOMPARE(rec.inserted, 10);
    QCOMPARE(rec.resets, 0);
    QCOMPARE(m.headCount(), 1);
    QVERIFY(!m.data(m.index(m.rowOf(QStringLiteral("d99"))), DagModel::IsHeadRole).toBool());
    QVERIFY(m.data(m.index(m.rowOf(QStringLiteral("d109"))), DagModel::IsHeadRole).toBool());
    // Re-reading what is known changes nothing.
    rec.clear();
    m.merge(QStringLiteral("ctx"), chain(100, 10));
    QCOMPARE(rec.notifications(), 0);
}

void ModelsTest::dagTrimsOldestInLargeChunks() {
    DagModel m;
    Recorder rec(&m);
    int next = 0;
    auto add = [&](int n) {
        m.merge(QStringLiteral("ctx"), chain(next, n));
        next += n;
    };
    add(DagModel::kMaxRows);
    // Up to half the cap again is kept before the oldest rows go, in one chunk.
    rec.clear();
    for (int i = 0; i < 50; ++i) add(DagModel::kMaxRows / 100);
    QCOMPARE(m.rowCount(), DagModel::kMaxRows + DagModel::kMaxRows / 2);
    QCOMPARE(rec.removed, 0);
    add(1);
    QCOMPARE(m.rowCount(), DagModel::kMaxRows);
    QCOMPARE(rec.removed, DagModel::kMaxRows / 2 + 1);
    QCOMPARE(m.rowOf(QStringLiteral("d%1").arg(next - DagModel::kMaxRows - 1)), -1);  // the oldest are gone
    QCOMPARE(m.rowOf(QStringLiteral("d%1").arg(next - 1)), DagModel::kMaxRows - 1);
    QCOMPARE(m.headCount(), 1);
}

void ModelsTest::dagOrdersParentsFirstAndAssignsLanes() {
    DagModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // Clock skew: children come before their parents in the batch.
    m.merge(QStringLiteral("ctx"), {delta("c", {"b"}), delta("b", {"a"}), delta("a", {})});
    QCOMPARE(m.rowOf(QStringLiteral("a")), 0);
    QCOMPARE(m.rowOf(QStringLiteral("b")), 1);
    QCOMPARE(m.rowOf(QStringLiteral("c")), 2);
    QCOMPARE(m.data(m.index(2), DagModel::ParentsRole).toList(), rows({1}));
    QCOMPARE(m.data(m.index(2), DagModel::GenerationRole).toInt(), 3);
    QCOMPARE(m.laneCount(), 1);
    // Two children of c: the first continues c's lane, the second branches;
    // their merge continues the first lane and frees the second.
    m.merge(QStringLiteral("ctx"), {delta("x", {"c"}), delta("y", {"c"})});
    QCOMPARE(m.data(m.index(m.rowOf("x")), DagModel::LaneRole).toInt(), 0);
    QCOMPARE(m.data(m.index(m.rowOf("y")), DagModel::LaneRole).toInt(), 1);
    m.merge(QStringLiteral("ctx"), {delta("m", {"x", "y"}, true, true)});
    const QModelIndex merged = m.index(m.rowOf("m"));
    QCOMPARE(m.data(merged, DagModel::LaneRole).toInt(), 0);
    QCOMPARE(m.data(merged, DagModel::GenerationRole).toInt(), 5);
    QCOMPARE(m.data(merged, DagModel::ParentsRole).toList(), rows({3, 4}));
    QCOMPARE(m.maxGeneration(), 5);
    // A new branch takes the lane the merge freed instead of opening a third.
    m.merge(QStringLiteral("ctx"), {delta("z", {"x"})});
    QCOMPARE(m.data(m.index(m.rowOf("z")), DagModel::LaneRole).toInt(), 1);
    QCOMPARE(m.laneCount(), 2);
    // A parent this model never saw (trimmed, or beyond the read): no edge.
    m.merge(QStringLiteral("ctx"), {delta("orphan", {"unknown"})});
    QCOMPARE(m.data(m.index(m.rowOf("orphan")), DagModel::ParentsRole).toList(), QVariantList{});
    QCOMPARE(m.data(m.index(m.rowOf("orphan")), DagModel::GenerationRole).toInt(), 1);
}

void ModelsTest::dagStateChangesInPlaceInRuns() {
    DagModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVector<DagDeltaView> pending = chain(0, 6);
    for (DagDeltaView &d : pending) d.applied = false;
    m.merge(QStringLiteral("ctx"), pending);
    QCOMPARE(m.data(m.index(0), DagModel::KindRole).toInt(), int(DagModel::Pending));
    // d0, d1, d2 and d4 got applied: two runs of rows, one dataChanged each.
    Recorder rec(&m);
    QVector<DagDeltaView> reread = pending;
    for (int i : {4, 0, 2, 1}) reread[i].applied = true;
    std::reverse(reread.begin(), reread.end());
    m.merge(QStringLiteral("ctx"), reread);
    QCOMPARE(rec.inserted, 0);
    QCOMPARE(rec.changed, 4);
    QCOMPARE(rec.changeSignals, 2);
    QCOMPARE(m.data(m.index(1), DagModel::KindRole).toInt(), int(DagModel::Remote));
    QCOMPARE(m.data(m.index(3), DagModel::KindRole).toInt(), int(DagModel::Pending));
}

void ModelsTest::dagOtherContextStartsOver() {
    DagModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.merge(QStringLiteral("one"), chain(0, 5));
    QSignalSpy switched(&m, &DagModel::contextIdChanged);
    m.merge(QStringLiteral("two"), chain(10, 3));
    QCOMPARE(switched.size(), 1);
    QCOMPARE(m.contextId(), QStringLiteral("two"));
    QCOMPARE(m.rowCount(), 3);
    QCOMPARE(m.rowOf(QStringLiteral("d0")), -1);
    QCOMPARE(m.rowOf(QStringLiteral("d10")), 0);
    QCOMPARE(m.laneCount(), 1);
    QCOMPARE(m.maxGeneration(), 3);
}

void ModelsTest::contextsUpdateRowByRow() {
    ContextsModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    Recorder rec(&m);

    m.setContexts({context("A", 1), context("B", 1)});
    QCOMPARE(rec.inserted, 2);
    QCOMPARE(m.rowCount(), 2);

    rec.clear();
    m.setContexts({context("A", 1), context("B", 2)});  // B got a delta
    QCOMPARE(rec.changed, 1);
    QCOMPARE(rec.changeSignals, 1);
    QCOMPARE(rec.inserted + rec.removed + rec.moved, 0);
    QCOMPARE(m.data(m.index(1), ContextsModel::AppliedRole).toDouble(), 2.0);

    rec.clear();
    m.setContexts({context("A", 1), context("C", 0), context("B", 2)});  // C inserted in the middle
    QCOMPARE(rec.inserted, 1);
    QCOMPARE(rec.changed, 0);
    QCOMPARE(m.data(m.index(1), ContextsModel::IdRole).toString(), QStringLiteral("C"));

    rec.clear();
    m.setContexts({context("C", 0), context("B", 2)});  // A deleted
    QCOMPARE(rec.removed, 1);
    QCOMPARE(rec.inserted + rec.changed + rec.moved, 0);

    rec.clear();
    m.setContexts({context("C", 0), context("B", 2)});  // nothing changed: nothing emitted
    QCOMPARE(rec.notifications(), 0);

    m.setContexts({});
    QCOMPARE(m.rowCount(), 0);
    QCOMPARE(rec.resets, 0);
}

void ModelsTest::contextsReorderMovesRows() {
    ContextsModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    Recorder rec(&m);
    m.setContexts({context("A", 1), context("B", 1), context("C", 1), context("D", 1)});
    rec.clear();
    m.setContexts({context("D", 1), context("A", 1), context("B", 5), context("C", 1)});
    QCOMPARE(rec.moved, 1);  // D moved to the front, nothing re-inserted
    QCOMPARE(rec.inserted + rec.removed, 0);
    QCOMPARE(rec.changed, 1);
    QStringList order;
    for (int i = 0; i < m.rowCount(); ++i) order << m.data(m.index(i), ContextsModel::IdRole).toString();
    QCOMPARE(order, (QStringList{"D", "A", "B", "C"}));
    QCOMPARE(rec.resets, 0);
}

void ModelsTest::peersSortedProxyFollowsRows() {
    PeersModel m;
    FilterSortModel sorted;
    sorted.setSource(&m);
    sorted.setSortRoleName(QStringLiteral("bytesIn"));
    sorted.setDescending(true);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(&sorted, QAbstractItemModelTester::FailureReportingMode::QtTest);
    Recorder rec(&m), proxyRec(&sorted);

    m.setPeers({peer("p1", 100), peer("p2", 300), peer("p3", 200)});
    QCOMPARE(rec.inserted, 3);
    auto order = [&] {
        QStringList ids;
        for (int i = 0; i < sorted.rowCount(); ++i) ids << sorted.get(i).value("peerId").toString();
        return ids;
    };
    QCOMPARE(order(), (QStringList{"p2", "p3", "p1"}));

    rec.clear();
    m.setPeers({peer("p1", 500), peer("p2", 300), peer("p3", 200)});  // p1 got traffic
    QCOMPARE(rec.changed, 1);
    QCOMPARE(rec.inserted + rec.removed, 0);
    QCOMPARE(order(), (QStringList{"p1", "p2", "p3"}));

    rec.clear();
    m.setPeers({peer("p1", 500), peer("p3", 200), peer("p4", 50)});  // p2 left, p4 came
    QCOMPARE(rec.removed, 1);
    QCOMPARE(rec.inserted, 1);
    QCOMPARE(order(), (QStringList{"p1", "p3", "p4"}));

    sorted.sortBy(QStringLiteral("peerId"));  // a header click
    QCOMPARE(order(), (QStringList{"p1", "p3", "p4"}));
    sorted.sortBy(QStringLiteral("peerId"));  // again: reversed
    QCOMPARE(order(), (QStringList{"p4", "p3", "p1"}));
    QCOMPARE(rec.resets, 0);
    QCOMPARE(proxyRec.resets, 0);
}

void ModelsTest::blobCacheRowsAndStats() {
    BlobCacheModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    Recorder rec(&m);
    QSignalSpy stats(&m, &BlobCacheModel::statsChanged);

    BlobCacheView v;
    v.items = {blob("b1", 1000), blob("b2", 2000)};
    v.entries = 2;
    v.bytes = 3000;
    v.hits = 3;
    v.misses = 1;
    m.setCache(v, 5000);
    QCOMPARE(rec.inserted, 2);
    QCOMPARE(stats.count(), 1);
    QCOMPARE(m.hitRate(), 0.75);
    QCOMPARE(m.data(m.index(0), BlobCacheModel::AgeRole).toDouble(), 4.0);  // inserted at 1 s, now 5 s

    rec.clear();
    m.setCache(v, 5400);  // same second: no row changes, no stats change
    QCOMPARE(rec.notifications(), 0);
    QCOMPARE(stats.count(), 1);

    rec.clear();
    v.items = {blob("b2", 2000, 1), blob("b3", 10)};  // b1 evicted, b2 hit, b3 cached
    v.evictedIdle = 1;
    m.setCache(v, 5400);
    QCOMPARE(rec.removed, 1);
    QCOMPARE(rec.inserted, 1);
    QCOMPARE(rec.changed, 1);
    QCOMPARE(stats.count(), 2);
    QCOMPARE(m.evictedIdle(), 1.0);
    QCOMPARE(m.rowCount(), 2);
    QCOMPARE(rec.resets, 0);
}

void ModelsTest::coalescesToFourHzUnderLoad() {
    // A fake node: every millisecond one more delta on a context, traffic on
    // the peers, a blob now and then, and a new context or peer occasionally.
    Monitor monitor(nullptr);
    SnapshotFeed *feed = monitor.feed();
    QCOMPARE(feed->minIntervalMs(), 250);
    Recorder contexts(monitor.contexts()), peers(monitor.peers()), blobs(monitor.blobCache());

    NodeSnapshot s;
    s.status.peerId = QStringLiteral("12D3KooWtest");
    s.contexts = {context("A", 0), context("B", 0)};
    s.peers = {peer("p1", 0), peer("p2", 0)};
    quint64 tick = 0;
    QElapsedTimer run;
    QTimer source;
    source.setTimerType(Qt::PreciseTimer);
    source.setInterval(1);
    // Timers on a loaded machine fire late, so each wake-up produces the
    // changes due by now: 1 000 a second, each pushed on its own.
    auto produce = [&] {
        ++tick;
        s.serial = tick;
        s.takenAtMs = QDateTime::currentMSecsSinceEpoch();
        s.contexts[tick % 2].applied += 1;
        s.contexts[tick % 2].rootHash = QStringLiteral("root%1").arg(tick);
        s.status.deltasApplied = tick;
        s.peers[tick % 2].bytesIn += 100;
        if (tick % 200 == 0) s.contexts.push_back(context(QStringLiteral("C%1").arg(tick), 0));
        if (tick % 300 == 0) s.peers.push_back(peer(QStringLiteral("p%1").arg(tick), 0));
        if (tick % 50 == 0) s.blobCache.items.push_front(blob(QStringLiteral("blob%1").arg(tick), tick));
        s.newEvents = {EventView{tick, s.takenAtMs, s.contexts[0].id, QStringLiteral("d"), QStringLiteral("Inserted"), {}}};
        feed->push(s);
    };
    connect(&source, &QTimer::timeout, [&] {
        const qint64 due = std::min<qint64>(run.elapsed(), 2000);
        while (qint64(tick) < due) produce();
        if (run.elapsed() >= 2000) source.stop();
    });
    run.start();
    source.start();
    QTRY_VERIFY_WITH_TIMEOUT(!source.isActive(), 10000);
    const qint64 elapsed = run.elapsed();
    // The last state reaches the models (the trailing batch).
    QTRY_COMPARE_WITH_TIMEOUT(monitor.deltasApplied(), double(tick), 2000);
    QTRY_COMPARE_WITH_TIMEOUT(monitor.contexts()->rowCount(), int(s.contexts.size()), 2000);
    QCOMPARE(monitor.contexts()->find("A")->applied, s.contexts[0].applied);
    QCOMPARE(monitor.peers()->rowCount(), int(s.peers.size()));
    QCOMPARE(monitor.blobCache()->rowCount(), int(s.blobCache.items.size()));
    QCOMPARE(monitor.events()->rowCount(), std::min<int>(int(tick), EventLogModel::kCapacity));
    QCOMPARE(tick, quint64(2000));

    // Group the notifications of all three models into batches: everything a
    // batch changes is emitted within one call, so within a few ms.
    QVector<qint64> times = contexts.times + peers.times + blobs.times;
    std::sort(times.begin(), times.end());
    QVector<qint64> batches;
    for (qint64 t : times)
        if (batches.isEmpty() || t - batches.back() > 50) batches.push_back(t);
    qInfo() << "source changes:" << tick << "in" << elapsed << "ms; model notifications:" << times.size()
            << "in" << batches.size() << "batches";
    QVERIFY(batches.size() >= 4);
    const qint64 span = times.back() - times.front();
    QVERIFY2(batches.size() <= span / 250 + 1,
             qPrintable(QStringLiteral("%1 batches in %2 ms").arg(batches.size()).arg(span)));
    for (int i = 1; i < batches.size(); ++i)
        QVERIFY2(batches[i] - batches[i - 1] >= 240,
                 qPrintable(QStringLiteral("batches %1 ms apart").arg(batches[i] - batches[i - 1])));
    QCOMPARE(contexts.resets + peers.resets + blobs.resets, 0);
}

QTEST_GUILESS_MAIN(ModelsTest)
#include "tst_models.moc"
