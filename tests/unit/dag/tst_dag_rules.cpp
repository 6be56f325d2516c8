// DagStore rules: duplicates, missing parents, caps, stale cleanup, pruning,
// rejections and the durability callback.
#include "DagTestKit.h"

#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <leveldb/db.h>

using namespace dn;
using namespace dn::test;

namespace {
// A store + host + DAG with a fake clock, fresh for each test.
struct Fixture {
    explicit Fixture(DagLimits limits = {}, const QString &path = {})
        : store(openStore(path.isEmpty() ? dir.path() : path)), dag(*store, testContext(), host, limits) {
        dag.setClock([this] { return now; });
        if (!dag.load({}).ok()) qFatal("load failed");
    }
    AddResult add(const Delta &d) { return dag.add(d, envelopeFor(d)); }
    bool storedPending(const Hash32 &id) { return store->contains(keys::pending(testContext(), id)); }
    bool storedDelta(const Hash32 &id) { return store->contains(keys::delta(testContext(), id)); }

    QTemporaryDir dir;
    std::unique_ptr<Store> store;
    RecordingHost host;
    DagStore dag;
    int64_t now = 1'000'000;
};

std::vector<Delta> chainOf(int n, int tagBase = 0) {
    std::vector<Delta> c{makeDelta({Hash32::zero()}, tagBase)};
    for (int i = 1; i < n; ++i) c.push_back(makeDelta({c.back().id}, tagBase + i));
    return c;
}
}  // namespace

class TstDagRules : public QObject {
    Q_OBJECT
private slots:
    void duplicates();
    void missingParentsReported();
    void pendingCapEvictsOldest();
    void cleanupStaleDropsOnlyOld();
    void pruneKeepsRecentAndSatisfiesLateChildren();
    void malformedParentListsRejected();
    void hostRefusalRejects();
    void durableCallbackAfterWrites();
    void envelopesServed();
};

void TstDagRules::duplicates() {
    Fixture f(DagLimits{10000, 3000, 300000, 2});  // tiny recent set: old ids come from the store
    const auto c = chainOf(6);
    for (const auto &d : c) QCOMPARE(f.add(d).status, AddStatus::Applied);
    QCOMPARE(f.add(c[5]).status, AddStatus::Duplicate);  // head
    QCOMPARE(f.add(c[0]).status, AddStatus::Duplicate);  // old, only in the store
    const Delta orphan = makeDelta({someId(1)}, 100);
    QCOMPARE(f.add(orphan).status, AddStatus::Pending);
    QCOMPARE(f.add(orphan).status, AddStatus::Duplicate);
    QCOMPARE(f.dag.counters().duplicate, uint64_t(3));
    QCOMPARE(f.dag.counters().applied, uint64_t(6));
    QCOMPARE(f.host.order.size(), size_t(6));
    QVERIFY(!f.host.appliedTwice);
    QVERIFY(f.dag.has(c[0].id) && f.dag.isApplied(c[0].id));
    QVERIFY(f.dag.has(orphan.id) && !f.dag.isApplied(orphan.id));
    QVERIFY(f.dag.isApplied(Hash32::zero()));
}

void TstDagRules::missingParentsReported() {
    Fixture f;
    const Delta g = makeDelta({Hash32::zero()}, 0);
    QCOMPARE(f.add(g).status, AddStatus::Applied);
    const Hash32 x = someId(1), y = someId(2);
    const Delta a = makeDelta({g.id, x}, 1);  // one parent present, one absent
    const Delta b = makeDelta({y}, 2);
    const Delta kid = makeDelta({a.id}, 3);   // waits on a pending delta: not "missing"
    for (const Delta *d : {&a, &b, &kid}) QCOMPARE(f.add(*d).status, AddStatus::Pending);
    std::vector<Hash32> expected{x, y};
    std::sort(expected.begin(), expected.end());
    QCOMPARE(f.dag.missingParents(), expected);
    QCOMPARE(f.dag.missingParents(1).size(), size_t(1));
    QVERIFY(f.storedPending(a.id) && f.storedDelta(a.id));
    QVERIFY(!f.dag.get(a.id)->applied);

    const Delta dx = makeDelta({Hash32::zero()}, 99);
    const Delta ax = makeDelta({g.id, dx.id}, 1);  // the same shape with a present parent
    QCOMPARE(f.add(dx).status, AddStatus::Applied);
    QCOMPARE(f.add(ax).status, AddStatus::Applied);
    QCOMPARE(f.dag.missingParents(), expected);  // unrelated pending unaffected
}

void TstDagRules::pendingCapEvictsOldest() {
    Fixture f(DagLimits{3, 3000, 300000, 4096});
    std::vector<Delta> orphans;
    for (int i = 0; i < 5; ++i) {
        orphans.push_back(makeDelta({someId(i)}, i));
        ++f.now;
        QCOMPARE(f.add(orphans.back()).status, AddStatus::Pending);
    }
    QCOMPARE(f.dag.pendingCount(), size_t(3));
    QCOMPARE(f.dag.counters().evicted, uint64_t(2));
    f.store->flush();
    for (int i = 0; i < 5; ++i) {
        const bool kept = i >= 2;
        QCOMPARE(f.dag.has(orphans[i].id), kept);
        QCOMPARE(f.storedPending(orphans[i].id), kept);
        QCOMPARE(f.storedDelta(orphans[i].id), kept);
    }
    std::vector<Hash32> missing{someId(2), someId(3), someId(4)};
    std::sort(missing.begin(), missing.end());
    QCOMPARE(f.dag.missingParents(), missing);
}

void TstDagRules::cleanupStaleDropsOnlyOld() {
    Fixture f;
    const Delta oldOne = makeDelta({someId(1)}, 1);
    const Delta young = makeDelta({someId(2)}, 2);
    const Delta kidOfOld = makeDelta({oldOne.id}, 3);
    QCOMPARE(f.add(oldOne).status, AddStatus::Pending);
    f.now += 200'000;
    QCOMPARE(f.add(young).status, AddStatus::Pending);
    QCOMPARE(f.add(kidOfOld).status, AddStatus::Pending);
    QCOMPARE(f.dag.cleanupStale(f.now), size_t(0));  // nobody older than 300 s yet
    f.now += 100'001;                                 // oldOne: 300.001 s; the others: 100.001 s
    QCOMPARE(f.dag.cleanupStale(f.now), size_t(1));
    QVERIFY(!f.dag.has(oldOne.id));
    QVERIFY(f.dag.has(young.id) && f.dag.has(kidOfOld.id));
    QCOMPARE(f.dag.counters().stale, uint64_t(1));
    f.store->flush();
    QVERIFY(!f.storedPending(oldOne.id) && !f.storedDelta(oldOne.id));
    // The dropped delta is what its child now misses.
    QVERIFY(f.dag.missingParents() == std::vector<Hash32>({std::min(oldOne.id, someId(2)), std::max(oldOne.id, someId(2))}));
}

void TstDagRules::pruneKeepsRecentAndSatisfiesLateChildren() {
    QTemporaryDir dir;
    const auto c = chainOf(50);
    std::vector<Hash32> heads;
    {
        Fixture f({}, dir.path());
        for (const auto &d : c) QCOMPARE(f.add(d).status, AddStatus::Applied);
        // Everything was received just now: a peer may still need it.
        QCOMPARE(f.dag.prune(10, f.now), size_t(0));
        f.now += 300'001;
        QCOMPARE(f.dag.prune(10, f.now), size_t(39));  // 50 - head - 10 retained
        QCOMPARE(f.dag.prune(10, f.now), size_t(0));   // idempotent
        f.store->flush();
        for (int i = 0; i < 50; ++i) {
            const auto rec = f.dag.get(c[i].id);
            QVERIFY(rec && rec->applied);
            QCOMPARE(rec->pruned, i < 39);
            QCOMPARE(rec->body.isEmpty(), i < 39);
        }
        QCOMPARE(f.dag.envelopes({c[0].id, c[45].id}, 0), std::vector<QByteArray>{envelopeFor(c[45])});
        heads = f.dag.heads();
    }  // reopen so nothing is answered from memory (heads, recent ids)
    auto store = openStore(dir.path());
    RecordingHost host;
    DagStore dag(*store, testContext(), host);
    QVERIFY(dag.load(heads).ok());
    QVERIFY(dag.isApplied(c[3].id) && dag.has(c[3].id));
    QCOMPARE(dag.add(c[3], envelopeFor(c[3])).status, AddStatus::Duplicate);
    // A concurrent branch off deep, pruned history still applies.
    const Delta late = makeDelta({c[3].id}, 1000);
    const AddResult r = dag.add(late, envelopeFor(late));
    QCOMPARE(r.status, AddStatus::Applied);
    std::vector<Hash32> expected{c.back().id, late.id};
    std::sort(expected.begin(), expected.end());
    QCOMPARE(dag.heads(), expected);
}

void TstDagRules::malformedParentListsRejected() {
    Fixture f;
    const Delta g = makeDelta({Hash32::zero()}, 0);
    QCOMPARE(f.add(g).status, AddStatus::Applied);

    const Delta parentless = makeDelta({}, 1);
    AddResult r = f.add(parentless);
    QCOMPARE(r.status, AddStatus::Rejected);
    QVERIFY2(r.error.contains("no parents"), qPrintable(r.error));

    const Delta twice = makeDelta({g.id, g.id}, 2);
    r = f.add(twice);
    QCOMPARE(r.status, AddStatus::Rejected);
    QVERIFY2(r.error.contains("same parent twice"), qPrintable(r.error));

    Delta selfParent = makeDelta({g.id}, 3);
    selfParent.body.parents.push_back(selfParent.id);
    r = f.add(selfParent);
    QCOMPARE(r.status, AddStatus::Rejected);
    QVERIFY2(r.error.contains("itself"), qPrintable(r.error));

    Hash32 otherCtx;
    otherCtx.bytes.fill(0x11);
    r = f.add(makeDelta({g.id}, 4, otherCtx));
    QCOMPARE(r.status, AddStatus::Rejected);

    QCOMPARE(f.dag.counters().rejected, uint64_t(4));
    QCOMPARE(f.dag.pendingCount(), size_t(0));
    QCOMPARE(f.host.order.size(), size_t(1));
    QVERIFY(!f.dag.has(parentless.id) && !f.storedDelta(parentless.id));
}

void TstDagRules::hostRefusalRejects() {
    Fixture f;
    const Delta g = makeDelta({Hash32::zero()}, 0);
    const Delta bad = makeDelta({g.id}, 1);
    const Delta kid = makeDelta({bad.id}, 2);
    QCOMPARE(f.add(g).status, AddStatus::Applied);
    f.host.refuse.insert(bad.id);
    const AddResult r = f.add(bad);
    QCOMPARE(r.status, AddStatus::Rejected);
    QVERIFY2(r.error.contains("refused by the test host"), qPrintable(r.error));
    QVERIFY(r.applied.empty());
    QVERIFY(!f.dag.isApplied(bad.id) && !f.dag.has(bad.id));
    QCOMPARE(f.dag.heads(), std::vector<Hash32>{g.id});
    f.store->flush();
    QVERIFY(!f.storedDelta(bad.id));
    QVERIFY(!f.store->contains(keys::state(testContext(), bad.id.toByteArray())));  // its batch was dropped
    QCOMPARE(f.dag.counters().rejected, uint64_t(1));

    // Its child waits and reports it missing. A refused *cascaded* child is
    // dropped while the rest of the cascade goes on.
    QCOMPARE(f.add(kid).status, AddStatus::Pending);
    QCOMPARE(f.dag.missingParents(), std::vector<Hash32>{bad.id});
    const Delta p = makeDelta({g.id}, 10);
    const Delta refusedKid = makeDelta({p.id}, 11);
    const Delta goodKid = makeDelta({p.id}, 12);
    f.host.refuse.insert(refusedKid.id);
    QCOMPARE(f.add(refusedKid).status, AddStatus::Pending);
    QCOMPARE(f.add(goodKid).status, AddStatus::Pending);
    const AddResult rp = f.add(p);
    QCOMPARE(rp.status, AddStatus::Applied);
    QCOMPARE(rp.applied, (std::vector<Hash32>{p.id, goodKid.id}));
    QVERIFY(!f.dag.has(refusedKid.id));
    f.store->flush();
    QVERIFY(!f.storedDelta(refusedKid.id) && !f.storedPending(refusedKid.id));
    QCOMPARE(f.dag.counters().rejected, uint64_t(2));
}

void TstDagRules::durableCallbackAfterWrites() {
    Fixture f;
    std::atomic<int> okCount{0}, failCount{0};
    auto cb = [&](bool ok) { ok ? ++okCount : ++failCount; };
    const Delta g = makeDelta({Hash32::zero()}, 0);
    const Delta a = makeDelta({g.id}, 1);
    QCOMPARE(f.dag.add(a, {}, cb).status, AddStatus::Pending);
    QCOMPARE(f.dag.add(g, {}, cb).status, AddStatus::Applied);
    QCOMPARE(f.dag.add(g, {}, cb).status, AddStatus::Duplicate);
    QCOMPARE(f.dag.add(makeDelta({}, 5), {}, cb).status, AddStatus::Rejected);
    QTRY_COMPARE_WITH_TIMEOUT(okCount.load() + failCount.load(), 4, 10000);
    QCOMPARE(okCount.load(), 3);
    QCOMPARE(failCount.load(), 1);
    // Acknowledged means on disk: nothing of it is still only in the overlay.
    QVERIFY(f.store->durableSeq() > 0);
    std::string raw;
    const QByteArray k = keys::delta(testContext(), a.id);
    QVERIFY(f.store->db()->Get({}, leveldb::Slice(k.constData(), size_t(k.size())), &raw).ok());
}

void TstDagRules::envelopesServed() {
    Fixture f(DagLimits{10000, 3, 300000, 4096});
    const auto c = chainOf(5);
    for (const auto &d : c) QCOMPARE(f.add(d).status, AddStatus::Applied);
    const Delta orphan = makeDelta({someId(7)}, 70);
    QCOMPARE(f.add(orphan).status, AddStatus::Pending);
    QCOMPARE(f.dag.envelopes({c[0].id, someId(9), orphan.id}, 10),
             (std::vector<QByteArray>{envelopeFor(c[0]), envelopeFor(orphan)}));
    QCOMPARE(f.dag.envelopes({c[0].id, c[1].id, c[2].id, c[3].id}, 0).size(), size_t(3));  // maxQuery
    QCOMPARE(f.dag.envelopes({c[0].id, c[1].id, c[2].id}, 2).size(), size_t(2));
    const auto info = f.dag.get(c[2].id);
    QVERIFY(info && info->applied && !info->pruned);
    QCOMPARE(info->receivedAtMs, f.now);
    QCOMPARE(info->body, c[2].bodyBytes);
    QVERIFY(!f.dag.get(someId(9)));
}

QTEST_GUILESS_MAIN(TstDagRules)
#include "tst_dag_rules.moc"
