// ContextState (DESIGN §5): LWW registers and tombstones, PN-counters, the
// incremental order-independent root hash, tombstone GC and persistence.
#include "state/ContextState.h"
#include "state/RootHash.h"
#include "store/Store.h"

#include <QtTest>
#include <algorithm>
#include <random>

using namespace dn;

namespace {

Hash32 id(uint8_t n) {
    Hash32 h;
    h.bytes[0] = n;
    h.bytes[31] = 0xA5;
    return h;
}
HlcStamp at(uint64_t t, uint8_t author) { return {t, id(author)}; }

std::unique_ptr<Store> openStore(const QString &dir) {
    auto r = Store::open(dir);
    if (!r) qFatal("cannot open store: %s", qPrintable(r.error().message));
    return std::move(r.value());
}

// Applies one action in its own committed batch, like the DAG does per delta.
bool applyOne(Store &store, ContextState &s, const Action &a, const HlcStamp &st) {
    Batch b;
    const bool changed = s.apply(a, st, b);
    store.commitSync(std::move(b));
    return changed;
}

struct Op {
    Action action;
    HlcStamp stamp;
};

// Random operations on a small key set so that keys collide often.
std::vector<Op> randomOps(uint32_t seed, int n, int keys = 12, int authors = 4) {
    std::mt19937 rng(seed);
    std::vector<Op> ops;
    for (int i = 0; i < n; ++i) {
        const QByteArray key = "k" + QByteArray::number(int(rng() % keys));
        const HlcStamp st = at(1000 + rng() % 200, uint8_t(1 + rng() % authors));
        switch (rng() % 4) {
        case 0: case 1: ops.push_back({Action::put(key, "v" + QByteArray::number(int(rng() % 1000))), st}); break;
        case 2: ops.push_back({Action::remove(key), st}); break;
        default: ops.push_back({Action::counterAdd(key, int64_t(rng() % 21) - 10), st}); break;
        }
    }
    return ops;
}

}  // namespace

class TstState : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void newerPutWinsInEitherOrder();
    void equalTimeTieBreaksByAuthor();
    void laterActionOfSameDeltaWins();
    void removeVersusPut();
    void tombstoneBeatsOlderPutArrivingLater();
    void countersSumAuthorsIncludingNegative();
    void registerAndCounterDoNotCollide();
    void rootHashMatchesRecomputation();
    void rootHashIndependentOfApplyOrder();
    void readsSeeUncommittedBatchDespiteTinyCache();
    void rollbackForgetsDroppedBatch();
    void gcTombstonesRemovesOnlyOldOnes();
    void snapshotMergeReproducesReplica();
    void forEachVisitsLiveEntries();
    void persistsAcrossReopen();
    void applyCostStaysSmall();

private:
    QTemporaryDir *dir_ = nullptr;
    std::unique_ptr<Store> store_;
    const Hash32 ctx_ = id(0xC0);
};

void TstState::init() {
    dir_ = new QTemporaryDir;
    QVERIFY(dir_->isValid());
    store_ = openStore(dir_->path());
}

void TstState::cleanup() {
    store_.reset();
    delete dir_;
    dir_ = nullptr;
}

void TstState::newerPutWinsInEitherOrder() {
    ContextState a(*store_, id(1)), b(*store_, id(2));
    QVERIFY(applyOne(*store_, a, Action::put("k", "old"), at(10, 1)));
    QVERIFY(applyOne(*store_, a, Action::put("k", "new"), at(20, 1)));
    QVERIFY(applyOne(*store_, b, Action::put("k", "new"), at(20, 1)));
    QVERIFY(!applyOne(*store_, b, Action::put("k", "old"), at(10, 1)));  // loses, nothing visible changes
    QCOMPARE(a.get("k"), std::optional<QByteArray>("new"));
    QCOMPARE(b.get("k"), std::optional<QByteArray>("new"));
    QCOMPARE(a.rootHash(), b.rootHash());
    QVERIFY(!a.rootHash().isZero());
}

void TstState::equalTimeTieBreaksByAuthor() {
    ContextState a(*store_, id(1)), b(*store_, id(2));
    applyOne(*store_, a, Action::put("k", "from7"), at(50, 7));
    applyOne(*store_, a, Action::put("k", "from3"), at(50, 3));
    applyOne(*store_, b, Action::put("k", "from3"), at(50, 3));
    applyOne(*store_, b, Action::put("k", "from7"), at(50, 7));
    QCOMPARE(a.get("k"), std::optional<QByteArray>("from7"));  // larger author key wins the tie
    QCOMPARE(b.get("k"), std::optional<QByteArray>("from7"));
    QCOMPARE(a.canonicalDump(), b.canonicalDump());
}

void TstState::laterActionOfSameDeltaWins() {
    ContextState s(*store_, ctx_);
    Batch b;  // one delta: same stamp, several actions on one key, one batch
    QVERIFY(s.apply(Action::put("k", "first"), at(5, 1), b));
    QVERIFY(s.apply(Action::put("k", "second"), at(5, 1), b));
    QCOMPARE(s.get("k"), std::optional<QByteArray>("second"));  // before the commit too
    QVERIFY(s.apply(Action::remove("k"), at(5, 1), b));
    QVERIFY(s.apply(Action::put("k", "third"), at(5, 1), b));
    store_->commitSync(std::move(b));
    QCOMPARE(s.get("k"), std::optional<QByteArray>("third"));
    QCOMPARE(s.rootHash(), s.recomputeRootHash());
}

void TstState::removeVersusPut() {
    // Remove newer than Put: removed, whichever arrives first.
    for (bool removeFirst : {false, true}) {
        ContextState s(*store_, id(removeFirst ? 10 : 11));
        const Op put{Action::put("k", "v"), at(10, 1)}, rem{Action::remove("k"), at(11, 2)};
        for (const Op &op : removeFirst ? std::vector<Op>{rem, put} : std::vector<Op>{put, rem})
            applyOne(*store_, s, op.action, op.stamp);
        QCOMPARE(s.get("k"), std::nullopt);
        QVERIFY(s.rootHash().isZero());
    }
    // Put newer than Remove: present, whichever arrives first.
    for (bool removeFirst : {false, true}) {
        ContextState s(*store_, id(removeFirst ? 12 : 13));
        const Op put{Action::put("k", "v"), at(12, 1)}, rem{Action::remove("k"), at(11, 2)};
        for (const Op &op : removeFirst ? std::vector<Op>{rem, put} : std::vector<Op>{put, rem})
            applyOne(*store_, s, op.action, op.stamp);
        QCOMPARE(s.get("k"), std::optional<QByteArray>("v"));
        QCOMPARE(s.rootHash(), s.recomputeRootHash());
    }
    // Removing an absent key stores a tombstone but changes nothing visible.
    ContextState s(*store_, id(14));
    QVERIFY(!applyOne(*store_, s, Action::remove("ghost"), at(3, 1)));
    QVERIFY(s.rootHash().isZero());
    QVERIFY(!s.canonicalDump().isEmpty());
}

void TstState::tombstoneBeatsOlderPutArrivingLater() {
    ContextState s(*store_, ctx_);
    QVERIFY(applyOne(*store_, s, Action::put("k", "v1"), at(10, 1)));
    QVERIFY(applyOne(*store_, s, Action::remove("k"), at(20, 1)));
    QVERIFY(!applyOne(*store_, s, Action::put("k", "late"), at(15, 9)));  // concurrent but older
    QCOMPARE(s.get("k"), std::nullopt);
    QVERIFY(applyOne(*store_, s, Action::put("k", "newer"), at(21, 1)));
    QCOMPARE(s.get("k"), std::optional<QByteArray>("newer"));
}

void TstState::countersSumAuthorsIncludingNegative() {
    ContextState s(*store_, ctx_);
    QCOMPARE(s.counter("c"), int64_t(0));
    QVERIFY(applyOne(*store_, s, Action::counterAdd("c", 5), at(1, 1)));
    QVERIFY(applyOne(*store_, s, Action::counterAdd("c", -8), at(2, 2)));
    QVERIFY(applyOne(*store_, s, Action::counterAdd("c", 3), at(3, 3)));
    QVERIFY(applyOne(*store_, s, Action::counterAdd("c", -1), at(4, 1)));
    QVERIFY(!applyOne(*store_, s, Action::counterAdd("c", 0), at(5, 1)));
    QCOMPARE(s.counter("c"), int64_t(5 - 8 + 3 - 1));
    // The same adds in another order (each delta once) give the same entry.
    ContextState t(*store_, id(0xC1));
    applyOne(*store_, t, Action::counterAdd("c", -1), at(4, 1));
    applyOne(*store_, t, Action::counterAdd("c", 3), at(3, 3));
    applyOne(*store_, t, Action::counterAdd("c", 5), at(1, 1));
    applyOne(*store_, t, Action::counterAdd("c", -8), at(2, 2));
    QCOMPARE(t.counter("c"), int64_t(-1));
    QCOMPARE(t.rootHash(), s.rootHash());
    QCOMPARE(t.canonicalDump(), s.canonicalDump());
    // A net-zero counter is still an entry (its per-author totals are state).
    applyOne(*store_, t, Action::counterAdd("c", 1), at(9, 4));
    QCOMPARE(t.counter("c"), int64_t(0));
    QVERIFY(!t.rootHash().isZero());
}

void TstState::registerAndCounterDoNotCollide() {
    ContextState s(*store_, ctx_);
    applyOne(*store_, s, Action::put("x", "register"), at(1, 1));
    applyOne(*store_, s, Action::counterAdd("x", 42), at(2, 1));
    applyOne(*store_, s, Action::remove("x"), at(3, 1));  // removes the register only
    QCOMPARE(s.get("x"), std::nullopt);
    QCOMPARE(s.counter("x"), int64_t(42));
    QCOMPARE(s.rootHash(), s.recomputeRootHash());
}

void TstState::rootHashMatchesRecomputation() {
    for (uint32_t seed : {1u, 2u, 3u}) {
        ContextState s(*store_, id(uint8_t(seed)), {}, 8);  // tiny cache: exercise eviction
        std::mt19937 rng(seed);
        const auto ops = randomOps(seed, 600);
        Batch b;
        for (const Op &op : ops) {
            s.apply(op.action, op.stamp, b);
            if (rng() % 3 == 0) store_->commitSync(std::exchange(b, Batch{}));  // 1-3 actions per batch
        }
        store_->commitSync(std::move(b));
        QCOMPARE(s.rootHash(), s.recomputeRootHash());
        // And a fresh instance over the same store agrees on every value.
        ContextState again(*store_, id(uint8_t(seed)), s.rootHash());
        for (int k = 0; k < 12; ++k) {
            const QByteArray key = "k" + QByteArray::number(k);
            QCOMPARE(again.get(key), s.get(key));
            QCOMPARE(again.counter(key), s.counter(key));
        }
    }
}

void TstState::rootHashIndependentOfApplyOrder() {
    // Distinct stamps per op, as every delta has its own (hlc, author).
    auto ops = randomOps(77, 400);
    for (size_t i = 0; i < ops.size(); ++i) ops[i].stamp.time = 1000 + (i * 7919) % 401 * 3 + i % 3;
    std::sort(ops.begin(), ops.end(), [](const Op &x, const Op &y) { return x.stamp < y.stamp; });
    QVERIFY(std::adjacent_find(ops.begin(), ops.end(), [](const Op &x, const Op &y) {
                return x.stamp == y.stamp;
            }) == ops.end());
    QByteArray dump0;
    Hash32 root0;
    for (int order = 0; order < 4; ++order) {
        std::vector<Op> o = ops;
        if (order == 1) std::reverse(o.begin(), o.end());
        if (order >= 2) std::shuffle(o.begin(), o.end(), std::mt19937(order));
        ContextState s(*store_, id(uint8_t(40 + order)));
        for (const Op &op : o) applyOne(*store_, s, op.action, op.stamp);
        if (order == 0) {
            dump0 = s.canonicalDump();
            root0 = s.rootHash();
            QVERIFY(!root0.isZero());
            continue;
        }
        QCOMPARE(s.rootHash(), root0);
        QCOMPARE(s.canonicalDump(), dump0);
    }
}

void TstState::readsSeeUncommittedBatchDespiteTinyCache() {
    ContextState s(*store_, ctx_, {}, 4);
    Batch b;
    for (int i = 0; i < 100; ++i) s.apply(Action::put("k" + QByteArray::number(i), "a"), at(1, 1), b);
    for (int i = 0; i < 100; ++i) s.apply(Action::counterAdd("k" + QByteArray::number(i), 2), at(1, 1), b);
    // 200 entries written, none committed; the cache had to keep them all.
    for (int i = 0; i < 100; ++i) {
        QCOMPARE(s.get("k" + QByteArray::number(i)), std::optional<QByteArray>("a"));
        s.apply(Action::counterAdd("k" + QByteArray::number(i), 3), at(1, 1), b);
    }
    store_->commitSync(std::move(b));
    for (int i = 0; i < 100; ++i) QCOMPARE(s.counter("k" + QByteArray::number(i)), int64_t(5));
    QCOMPARE(s.rootHash(), s.recomputeRootHash());
}

void TstState::rollbackForgetsDroppedBatch() {
    ContextState s(*store_, ctx_);
    applyOne(*store_, s, Action::put("k", "kept"), at(1, 1));
    const Hash32 before = s.rootHash();
    {
        Batch dropped;
        s.apply(Action::put("k", "lost"), at(2, 1), dropped);
        s.apply(Action::counterAdd("n", 1), at(2, 1), dropped);
        QCOMPARE(s.get("k"), std::optional<QByteArray>("lost"));
    }
    s.rollback(before);
    QCOMPARE(s.get("k"), std::optional<QByteArray>("kept"));
    QCOMPARE(s.counter("n"), int64_t(0));
    QCOMPARE(s.rootHash(), s.recomputeRootHash());
}

void TstState::gcTombstonesRemovesOnlyOldOnes() {
    ContextState s(*store_, ctx_);
    for (int i = 0; i < 10; ++i) {
        const QByteArray key = "k" + QByteArray::number(i);
        applyOne(*store_, s, Action::put(key, "v"), at(100 + i, 1));
        if (i % 2 == 0) applyOne(*store_, s, Action::remove(key), at(200 + i, 1));  // stamps 200..208
    }
    const Hash32 root = s.rootHash();
    Batch b;
    QCOMPARE(s.gcTombstones(205, 2, b), size_t(2));  // capped by max
    store_->commitSync(std::move(b));
    Batch c;
    QCOMPARE(s.gcTombstones(205, 100, c), size_t(1));  // 200, 202, 204 were older than 205
    store_->commitSync(std::move(c));
    Batch d;
    QCOMPARE(s.gcTombstones(205, 100, d), size_t(0));
    QVERIFY(d.empty());
    size_t tombstones = 0, live = 0, tooOld = 0;
    s.forEachWithTombstones([&](const StateEntry &e) {
        (e.isLive() ? live : tombstones)++;
        if (!e.isLive() && e.stamp.time < 205) ++tooOld;
        return true;
    });
    QCOMPARE(tooOld, size_t(0));
    QCOMPARE(tombstones, size_t(2));
    QCOMPARE(live, size_t(5));
    QCOMPARE(s.rootHash(), root);  // tombstones never counted
    QCOMPARE(s.rootHash(), s.recomputeRootHash());
    QCOMPARE(s.get("k0"), std::nullopt);
    QCOMPARE(s.get("k1"), std::optional<QByteArray>("v"));
}

void TstState::snapshotMergeReproducesReplica() {
    // dst saw only the first third of what src saw; merging src's snapshot
    // (tombstones included) must make it byte-identical to src.
    const auto ops = randomOps(5, 300);
    ContextState src(*store_, id(1)), dst(*store_, id(2));
    for (const Op &op : ops) applyOne(*store_, src, op.action, op.stamp);
    for (size_t i = 0; i < ops.size() / 3; ++i) applyOne(*store_, dst, ops[i].action, ops[i].stamp);
    QVERIFY(dst.canonicalDump() != src.canonicalDump());
    Batch b;
    src.forEachWithTombstones([&](const StateEntry &e) {
        dst.merge(e, b);
        return true;
    });
    store_->commitSync(std::move(b));
    QCOMPARE(dst.canonicalDump(), src.canonicalDump());
    QCOMPARE(dst.rootHash(), src.rootHash());
    QCOMPARE(dst.rootHash(), dst.recomputeRootHash());
    // Merging is idempotent: a second pass changes and writes nothing.
    Batch again;
    int changed = 0;
    src.forEachWithTombstones([&](const StateEntry &e) {
        changed += dst.merge(e, again) ? 1 : 0;
        return true;
    });
    QCOMPARE(changed, 0);
    QVERIFY(again.empty());
}

void TstState::forEachVisitsLiveEntries() {
    ContextState s(*store_, ctx_);
    applyOne(*store_, s, Action::put("b", "2"), at(1, 1));
    applyOne(*store_, s, Action::put("a", "1"), at(1, 1));
    applyOne(*store_, s, Action::put("gone", "x"), at(1, 1));
    applyOne(*store_, s, Action::remove("gone"), at(2, 1));
    applyOne(*store_, s, Action::counterAdd("a", 7), at(3, 2));
    QStringList seen;
    s.forEach([&](const StateEntry &e) {
        seen << QString::fromLatin1(e.key + (e.isCounter ? "=#" + QByteArray::number(e.counter)
                                                            : "=" + e.value));
        return true;
    });
    QCOMPARE(seen, QStringList({"a=1", "b=2", "a=#7"}));
    int visited = 0;
    s.forEach([&](const StateEntry &) { return ++visited < 2; });  // stops when asked
    QCOMPARE(visited, 2);
    applyOne(*store_, s, Action::put("ab", "3"), at(4, 1));
    applyOne(*store_, s, Action::counterAdd("ac", 1), at(4, 1));
    QStringList prefixed;
    s.forEach("a", [&](const StateEntry &e) {
        prefixed << QString::fromLatin1(e.key) + (e.isCounter ? "#" : "");
        return true;
    });
    QCOMPARE(prefixed, QStringList({"a", "ab", "a#", "ac#"}));
}

void TstState::persistsAcrossReopen() {
    Hash32 root;
    QByteArray dump;
    {
        ContextState s(*store_, ctx_);
        for (const Op &op : randomOps(9, 300)) applyOne(*store_, s, op.action, op.stamp);
        root = s.rootHash();
        dump = s.canonicalDump();
    }
    store_.reset();
    store_ = openStore(dir_->path());
    ContextState s(*store_, ctx_, root);
    QCOMPARE(s.rootHash(), root);
    QCOMPARE(s.recomputeRootHash(), root);
    QCOMPARE(s.canonicalDump(), dump);
    applyOne(*store_, s, Action::put("k0", "after-reopen"), at(1u << 20, 1));
    QCOMPARE(s.get("k0"), std::optional<QByteArray>("after-reopen"));
    QCOMPARE(s.rootHash(), s.recomputeRootHash());
}

void TstState::applyCostStaysSmall() {
    // DESIGN §14 targets <= 50 us median per merged Put incl. the batch write;
    // the bound here is loose (shared machines) and catches an O(state) apply.
    ContextState s(*store_, ctx_);
    constexpr int kN = 20000;
    std::vector<qint64> ns;
    ns.reserve(kN);
    QElapsedTimer t;
    Batch b;
    for (int i = 0; i < kN; ++i) {
        const Action a = Action::put("key-" + QByteArray::number(i % 5000), QByteArray(100, 'x'));
        t.start();
        s.apply(a, at(uint64_t(i + 1), 1), b);
        ns.push_back(t.nsecsElapsed());
        if (i % 64 == 63) store_->commit(std::exchange(b, Batch{}));
    }
    store_->commitSync(std::move(b));
    std::nth_element(ns.begin(), ns.begin() + kN / 2, ns.end());
    qInfo("apply Put median: %.1f us", double(ns[kN / 2]) / 1000.0);
    QVERIFY2(ns[kN / 2] < 1000 * 1000, "median apply over 1 ms");
    QCOMPARE(s.rootHash(), s.recomputeRootHash());
}

QTEST_GUILESS_MAIN(TstState)
#include "tst_state.moc"
