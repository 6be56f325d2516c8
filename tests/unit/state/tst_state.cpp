// ContextState (ARCHITECTURE §5) merge rules: LWW registers and tombstones,
// PN-counters, and the incremental order-independent root hash.
#include "StateTestUtil.h"
#include "state/ContextState.h"
#include "store/Store.h"

#include <QtTest>
#include <algorithm>
#include <random>

using namespace dn;
using namespace dn::statetest;

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

QTEST_GUILESS_MAIN(TstState)
#include "tst_state.moc"
