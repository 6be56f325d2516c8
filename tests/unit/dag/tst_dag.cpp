// DagStore ordering: out-of-order delivery, cascades, convergence across
// delivery orders, and restart.
#include "DagTestKit.h"

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>
#include <algorithm>
#include <set>

using namespace dn;
using namespace dn::test;

namespace {
// A random DAG with forks (several children of one delta) and merges
// (deltas with several parents): each delta picks 1-3 parents among the 12
// most recent ones.
std::vector<Delta> branchingDag(int n, quint32 seed) {
    QRandomGenerator rng(seed);
    std::vector<Delta> out;
    out.push_back(makeDelta({Hash32::zero()}, 0));
    for (int i = 1; i < n; ++i) {
        const int window = std::min<int>(12, int(out.size()));
        const int k = std::min<int>(window, 1 + int(rng.bounded(3)));
        std::vector<Hash32> parents;
        while (int(parents.size()) < k) {
            const Hash32 p = out[out.size() - 1 - rng.bounded(window)].id;
            if (std::find(parents.begin(), parents.end(), p) == parents.end()) parents.push_back(p);
        }
        out.push_back(makeDelta(std::move(parents), i));
    }
    return out;
}

std::vector<Hash32> expectedHeads(const std::vector<Delta> &all) {
    std::set<Hash32> referenced;
    for (const auto &d : all)
        for (const auto &p : d.body.parents) referenced.insert(p);
    std::vector<Hash32> heads;
    for (const auto &d : all)
        if (!referenced.count(d.id)) heads.push_back(d.id);
    std::sort(heads.begin(), heads.end());
    return heads;
}
}  // namespace

class TstDag : public QObject {
    Q_OBJECT
private slots:
    void reverseChainCascadesInOneCall();
    void randomOrdersConverge();
    void restartKeepsHeadsAndPending();
    void restartFinishesInterruptedCascade();
};

void TstDag::reverseChainCascadesInOneCall() {
    constexpr int kLen = 10000;
    QTemporaryDir dir;
    auto store = openStore(dir.path());
    RecordingHost host;
    DagStore dag(*store, testContext(), host);
    QVERIFY(dag.load({}).ok());

    std::vector<Delta> chain;
    chain.push_back(makeDelta({Hash32::zero()}, 0));
    for (int i = 1; i < kLen; ++i) chain.push_back(makeDelta({chain.back().id}, i));

    for (int i = kLen - 1; i >= 1; --i) {
        const AddResult r = dag.add(chain[i], envelopeFor(chain[i]));
        QCOMPARE(r.status, AddStatus::Pending);
        QVERIFY(r.applied.empty());
    }
    QCOMPARE(dag.pendingCount(), size_t(kLen - 1));
    QCOMPARE(dag.missingParents(), std::vector<Hash32>{chain[0].id});  // the only absent parent
    QVERIFY(dag.heads().empty());
    QVERIFY(host.order.empty());

    // The last add releases the whole chain. Run it on a thread with a small
    // stack: a recursive cascade 10 000 deep would overflow it.
    AddResult last;
    QThread *t = QThread::create([&] { last = dag.add(chain[0], envelopeFor(chain[0])); });
    t->setStackSize(256 * 1024);
    t->start();
    QVERIFY(t->wait(QDeadlineTimer(120000)));
    delete t;

    QCOMPARE(last.status, AddStatus::Applied);
    QCOMPARE(last.applied.size(), size_t(kLen));
    for (int i = 0; i < kLen; ++i) QCOMPARE(last.applied[i], chain[i].id);
    QCOMPARE(dag.heads(), std::vector<Hash32>{chain.back().id});
    QCOMPARE(dag.pendingCount(), size_t(0));
    QVERIFY(dag.missingParents().empty());
    QCOMPARE(host.order.size(), size_t(kLen));
    QVERIFY(!host.parentAfterChild);
    QVERIFY(!host.appliedTwice);
    QCOMPARE(host.cascadedNotes, kLen - 1);
    QCOMPARE(dag.counters().applied, uint64_t(kLen));
    QCOMPARE(dag.counters().pending, uint64_t(kLen - 1));

    // On disk: every delta applied with its envelope, no pending index left,
    // and the heads in the meta match.
    QCOMPARE(countPrefix(*store, keys::pendingPrefix(testContext())), size_t(0));
    QCOMPARE(countPrefix(*store, keys::deltaPrefix(testContext())), size_t(kLen));
    const auto mid = dag.get(chain[kLen / 2].id);
    QVERIFY(mid && mid->applied && !mid->pruned);
    QCOMPARE(mid->body, chain[kLen / 2].bodyBytes);
    QCOMPARE(mid->envelope, envelopeFor(chain[kLen / 2]));
    QCOMPARE(storedHeads(*store), dag.heads());
}

void TstDag::randomOrdersConverge() {
    const std::vector<Delta> all = branchingDag(500, 42);
    const std::vector<Hash32> heads = expectedHeads(all);
    QVERIFY(heads.size() > 1);  // the generator really forks
    QVERIFY(std::any_of(all.begin(), all.end(), [](const Delta &d) { return d.body.parents.size() > 1; }));
    std::set<Hash32> allIds;
    for (const auto &d : all) allIds.insert(d.id);

    for (quint32 seed = 1; seed <= 24; ++seed) {
        std::vector<const Delta *> order;
        for (const auto &d : all) order.push_back(&d);
        std::shuffle(order.begin(), order.end(), QRandomGenerator(seed));

        QTemporaryDir dir;
        auto store = openStore(dir.path());
        RecordingHost host;
        DagStore dag(*store, testContext(), host);
        QVERIFY(dag.load({}).ok());
        size_t appliedByCalls = 0;
        for (const Delta *d : order) {
            const AddResult r = dag.add(*d, envelopeFor(*d));
            QVERIFY(r.status == AddStatus::Applied || r.status == AddStatus::Pending);
            appliedByCalls += r.applied.size();
        }
        const QByteArray where = "seed " + QByteArray::number(seed);
        QVERIFY2(dag.heads() == heads, where);
        QVERIFY2(dag.pendingCount() == 0, where);
        QVERIFY2(appliedByCalls == all.size(), where);
        QVERIFY2(host.order.size() == all.size(), where);
        QVERIFY2(std::set<Hash32>(host.order.begin(), host.order.end()) == allIds, where);
        QVERIFY2(!host.appliedTwice, where);
        QVERIFY2(!host.parentAfterChild, where);
        store->flush();
        QVERIFY2(storedHeads(*store) == heads, where);
    }
}

void TstDag::restartKeepsHeadsAndPending() {
    QTemporaryDir dir;
    const Delta g = makeDelta({Hash32::zero()}, 1);
    const Delta a = makeDelta({g.id}, 2);
    const Delta b = makeDelta({g.id}, 3);        // fork: a and b are both heads
    const Delta x = makeDelta({a.id, b.id}, 4);  // merge; delivered only after the restart
    const Delta c = makeDelta({x.id}, 5);        // pending on x
    const Delta e = makeDelta({c.id, a.id}, 6);  // pending on c
    std::vector<Hash32> headsBefore;
    {
        auto store = openStore(dir.path());
        RecordingHost host;
        DagStore dag(*store, testContext(), host);
        QVERIFY(dag.load({}).ok());
        for (const Delta *d : {&g, &a, &b}) QCOMPARE(dag.add(*d, envelopeFor(*d)).status, AddStatus::Applied);
        QCOMPARE(dag.add(c, envelopeFor(c)).status, AddStatus::Pending);
        QCOMPARE(dag.add(e, envelopeFor(e)).status, AddStatus::Pending);
        headsBefore = dag.heads();
        QCOMPARE(headsBefore.size(), size_t(2));
    }  // DagStore, then Store (which drains its queue)

    auto store = openStore(dir.path());
    RecordingHost host;
    host.knownBefore = {g.id, a.id, b.id};
    DagStore dag(*store, testContext(), host);
    QVERIFY(dag.load(storedHeads(*store)).ok());
    QCOMPARE(dag.heads(), headsBefore);
    QCOMPARE(dag.pendingCount(), size_t(2));
    QCOMPARE(dag.missingParents(), std::vector<Hash32>{x.id});
    QVERIFY(dag.has(c.id) && !dag.isApplied(c.id));
    QVERIFY(dag.isApplied(g.id));  // from the store: not a head, not recent
    QCOMPARE(dag.add(c, envelopeFor(c)).status, AddStatus::Duplicate);
    QVERIFY(host.order.empty());

    const AddResult r = dag.add(x, envelopeFor(x));
    QCOMPARE(r.status, AddStatus::Applied);
    QCOMPARE(r.applied, (std::vector<Hash32>{x.id, c.id, e.id}));
    QCOMPARE(dag.heads(), std::vector<Hash32>{e.id});
    QCOMPARE(dag.pendingCount(), size_t(0));
    QVERIFY(!host.parentAfterChild);
    QCOMPARE(dag.get(c.id)->envelope, envelopeFor(c));  // the pending record kept the wire bytes
    QCOMPARE(countPrefix(*store, keys::pendingPrefix(testContext())), size_t(0));
}

void TstDag::restartFinishesInterruptedCascade() {
    // A crash between a parent's batch and its released child's batch leaves
    // an applied parent and a still-pending child; load() must apply it.
    QTemporaryDir dir;
    const Delta g = makeDelta({Hash32::zero()}, 1);
    const Delta p = makeDelta({g.id}, 2);
    const Delta c = makeDelta({p.id}, 3);
    {
        auto store = openStore(dir.path());
        RecordingHost host;
        DagStore dag(*store, testContext(), host);
        QVERIFY(dag.load({}).ok());
        QCOMPARE(dag.add(g, {}).status, AddStatus::Applied);
        QCOMPARE(dag.add(c, {}).status, AddStatus::Pending);
    }
    {
        // What p's own batch would have written.
        auto store = openStore(dir.path());
        Batch b;
        StoredDeltaInfo rec;
        rec.body = p.bodyBytes;
        rec.applied = true;
        b.put(keys::delta(testContext(), p.id), encodeDeltaRecord(rec));
        b.put(keys::context(testContext()), p.id.toByteArray());
        QVERIFY(store->commitSync(std::move(b)));
    }
    auto store = openStore(dir.path());
    RecordingHost host;
    host.knownBefore = {g.id, p.id};
    DagStore dag(*store, testContext(), host);
    QVERIFY(dag.load(storedHeads(*store)).ok());
    QCOMPARE(host.order, std::vector<Hash32>{c.id});
    QCOMPARE(host.cascadedNotes, 1);
    QCOMPARE(dag.heads(), std::vector<Hash32>{c.id});
    QCOMPARE(dag.pendingCount(), size_t(0));
    store->flush();
    QCOMPARE(countPrefix(*store, keys::pendingPrefix(testContext())), size_t(0));
    QVERIFY(dag.get(c.id)->applied);
}

QTEST_GUILESS_MAIN(TstDag)
#include "tst_dag.moc"
