// Convergence property (the acceptance point 3): replicas that receive
// the same deltas in any order (in order, reversed so children arrive before
// their parents, shuffled, shuffled with duplicates) end with identical heads,
// byte-identical state and the same root hash, and that state is the one a
// simple reference model of the CRDT rules predicts.
#include "codec/DeltaCodec.h"
#include "crypto/Sha256.h"
#include "dag/DagStore.h"
#include "state/ContextState.h"
#include "store/Keys.h"
#include "store/Store.h"
#include "storage.pb.h"

#include <QtTest>
#include <algorithm>
#include <map>
#include <random>
#include <set>

using namespace dn;

namespace {

constexpr int kAuthors = 5;
constexpr int kKeys = 20;
constexpr int kDeltas = 1200;

QByteArray keyName(int k) { return "key-" + QByteArray::number(k); }

// Random concurrent history: each author knows a subset of the deltas (closed
// under ancestry) and builds on a random subset of the heads it knows; now and
// then it learns what another author knows. HLCs rise per author but interleave
// and collide across authors; half the time an author's clock has observed its
// parents, half the time not (a refused, drifting remote clock).
struct History {
    Hash32 ctx;
    std::vector<Hash32> authors;
    std::vector<Delta> deltas;  // in creation order: parents before children
    size_t equalTimeAcrossAuthors = 0;
    size_t merges = 0;          // deltas with more than one parent
};

History generate(uint32_t seed) {
    std::mt19937 rng(seed);
    History h;
    h.ctx = sha256("context-" + QByteArray::number(seed));
    for (int a = 0; a < kAuthors; ++a) h.authors.push_back(sha256("author-" + QByteArray::number(a)));
    std::vector<std::vector<char>> known(kAuthors, std::vector<char>(kDeltas, 0));
    std::vector<uint64_t> lastHlc(kAuthors, 0);
    std::map<uint64_t, std::set<int>> authorsAtTime;
    uint64_t globalTime = uint64_t(1700000000) << 32;

    auto headsOf = [&](int a, int count) {
        std::vector<char> hasChild(size_t(count), 0);
        for (int i = 0; i < count; ++i)
            if (known[a][i])
                for (const Hash32 &p : h.deltas[i].body.parents)
                    for (int j = 0; j < i; ++j)  // parents were created earlier
                        if (h.deltas[j].id == p) { hasChild[j] = 1; break; }
        std::vector<int> heads;
        for (int i = 0; i < count; ++i)
            if (known[a][i] && !hasChild[i]) heads.push_back(i);
        return heads;
    };

    for (int n = 0; n < kDeltas; ++n) {
        const int a = n == 0 ? 0 : int(rng() % kAuthors);
        if (n > 0 && rng() % 3 == 0) {  // gossip: learn everything another author knows
            const int from = int(rng() % kAuthors);
            for (int i = 0; i < n; ++i) known[a][i] |= known[from][i];
        }
        DeltaBody body;
        body.contextId = h.ctx;
        body.author = h.authors[a];
        uint64_t parentMax = 0;
        if (n == 0) {
            body.parents = {Hash32::zero()};
        } else {
            std::vector<int> heads = headsOf(a, n);
            if (heads.empty()) heads.push_back(0);  // knows nothing yet: build on genesis
            std::shuffle(heads.begin(), heads.end(), rng);
            const size_t take = 1 + rng() % std::min<size_t>(heads.size(), 3);
            for (size_t i = 0; i < take; ++i) {
                body.parents.push_back(h.deltas[heads[i]].id);
                parentMax = std::max(parentMax, h.deltas[heads[i]].body.hlc);
                known[a][heads[i]] = 1;
            }
            if (take > 1) ++h.merges;
        }
        if (rng() % 2 == 0) globalTime += 0x10000;  // slow clock: many equal times
        uint64_t t = std::max(lastHlc[a] + 1, globalTime);
        if (rng() % 2 == 0) t = std::max(t, parentMax + 1);
        lastHlc[a] = body.hlc = t;
        authorsAtTime[t].insert(a);

        const int actions = 1 + int(rng() % 4);
        for (int i = 0; i < actions; ++i) {
            const QByteArray key = keyName(int(rng() % kKeys));
            const uint32_t r = rng() % 10;
            if (r < 5) body.actions.push_back(Action::put(key, "v" + QByteArray::number(rng() % 100000)));
            else if (r < 7) body.actions.push_back(Action::remove(key));
            else body.actions.push_back(Action::counterAdd(key, int64_t(rng() % 101) - 50));
        }
        Delta d;
        d.body = std::move(body);
        d.bodyBytes = encodeBody(d.body);
        d.id = sha256(d.bodyBytes);
        h.deltas.push_back(std::move(d));
        known[a][n] = 1;
    }
    for (const auto &[t, who] : authorsAtTime)
        if (who.size() > 1) h.equalTimeAcrossAuthors++;
    return h;
}

// The CRDT rules stated directly, order-free: per key the register write with
// the greatest (stamp, position in its delta) wins; counters are plain sums.
struct Expected {
    std::map<QByteArray, std::optional<QByteArray>> registers;
    std::map<QByteArray, int64_t> counters;
    std::vector<Hash32> heads;
};

Expected expectedOf(const History &h) {
    std::map<QByteArray, std::tuple<HlcStamp, size_t, std::optional<QByteArray>>> best;
    Expected e;
    std::set<Hash32> parents, ids;
    for (const Delta &d : h.deltas) {
        ids.insert(d.id);
        for (const Hash32 &p : d.body.parents) parents.insert(p);
        for (size_t i = 0; i < d.body.actions.size(); ++i) {
            const Action &a = d.body.actions[i];
            if (a.kind == Action::Kind::CounterAdd) {
                e.counters[a.key] += a.amount;
                continue;
            }
            auto cand = std::make_tuple(d.body.stamp(), i,
                                        a.kind == Action::Kind::Put ? std::optional(a.value) : std::nullopt);
            auto it = best.find(a.key);
            if (it == best.end() || std::tie(std::get<0>(it->second), std::get<1>(it->second)) <=
                                        std::tie(std::get<0>(cand), std::get<1>(cand)))
                best[a.key] = cand;
        }
    }
    for (const auto &[k, v] : best) e.registers[k] = std::get<2>(v);
    for (const Hash32 &id : ids)
        if (!parents.count(id)) e.heads.push_back(id);
    return e;
}

// A DagHost like the context layer's: merges every action, then records heads
// and root hash in the context record, all in the DAG's batch.
class StateHost : public DagHost {
public:
    explicit StateHost(ContextState &state) : state_(state) {}
    bool applyDelta(const Delta &delta, const std::vector<Hash32> &headsAfter, Batch &batch,
                    QString *) override {
        for (const Action &a : delta.body.actions) state_.apply(a, delta.body.stamp(), batch);
        deltanode::pb::ContextMeta meta;
        for (const Hash32 &h : headsAfter) meta.add_heads(h.data(), 32);
        const Hash32 root = state_.rootHash();
        meta.set_root_hash(root.data(), 32);
        meta.set_applied_count(++appliedCount);
        const std::string bytes = meta.SerializeAsString();
        batch.put(keys::context(state_.contextId()), QByteArray(bytes.data(), qsizetype(bytes.size())));
        if (!applied.insert(delta.id).second) ++doubleApplied;
        return true;
    }
    std::set<Hash32> applied;
    int doubleApplied = 0;
    uint64_t appliedCount = 0;

private:
    ContextState &state_;
};

struct Replica {
    QTemporaryDir dir;
    std::unique_ptr<Store> store;
    std::unique_ptr<ContextState> state;
    std::unique_ptr<StateHost> host;
    std::unique_ptr<DagStore> dag;

    bool open(const Hash32 &ctx) {
        auto s = Store::open(dir.path());
        if (!s) return false;
        store = std::move(s.value());
        std::vector<Hash32> heads;
        Hash32 root;
        if (auto raw = store->get(keys::context(ctx))) {
            deltanode::pb::ContextMeta meta;
            if (!meta.ParseFromArray(raw->constData(), int(raw->size()))) return false;
            for (const std::string &h : meta.heads()) heads.push_back(*Hash32::fromBytes(QByteArray::fromStdString(h)));
            root = *Hash32::fromBytes(QByteArray::fromStdString(meta.root_hash()));
        }
        state = std::make_unique<ContextState>(*store, ctx, root);
        host = std::make_unique<StateHost>(*state);
        dag = std::make_unique<DagStore>(*store, ctx, *host);
        return dag->load(heads).ok();
    }
    void close() {
        dag.reset();
        host.reset();
        state.reset();
        store.reset();
    }
};

// Delivery orders; every one respects nothing about causality except order 0.
std::vector<int> deliveryOrder(int kind, int n, std::mt19937 &rng) {
    std::vector<int> order(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) order[size_t(i)] = i;
    switch (kind) {
    case 0: break;                                         // causal order
    case 1: std::reverse(order.begin(), order.end()); break;  // children before parents
    case 2: std::shuffle(order.begin(), order.end(), rng); break;
    default:                                               // shuffled, a third delivered twice
        for (int i = 0; i < n; i += 3) order.push_back(i);
        std::shuffle(order.begin(), order.end(), rng);
        break;
    }
    return order;
}

}  // namespace

class TstConvergence : public QObject {
    Q_OBJECT
private slots:
    void replicasConverge_data();
    void replicasConverge();
};

void TstConvergence::replicasConverge_data() {
    QTest::addColumn<uint32_t>("seed");
    for (uint32_t seed : {1u, 7u, 42u, 2024u}) QTest::newRow(qPrintable(QString::number(seed))) << seed;
}

void TstConvergence::replicasConverge() {
    QFETCH(uint32_t, seed);
    const History h = generate(seed);
    QCOMPARE(h.deltas.size(), size_t(kDeltas));
    QVERIFY2(h.equalTimeAcrossAuthors > 10, "the history must contain equal HLC times across authors");
    QVERIFY2(h.merges > 50, "the history must contain concurrent branches that merge");
    const Expected expected = expectedOf(h);
    QVERIFY2(expected.heads.size() >= 1, "no heads");
    qInfo("seed %u: %zu deltas, %zu merges, %zu HLC times shared by several authors, %zu final heads", seed,
          h.deltas.size(), h.merges, h.equalTimeAcrossAuthors, expected.heads.size());

    constexpr int kReplicas = 4;
    std::vector<std::unique_ptr<Replica>> replicas;
    std::mt19937 rng(seed * 31 + 5);
    for (int r = 0; r < kReplicas; ++r) {
        auto rep = std::make_unique<Replica>();
        QVERIFY(rep->dir.isValid());
        QVERIFY(rep->open(h.ctx));
        for (int i : deliveryOrder(r, kDeltas, rng)) {
            const AddResult res = rep->dag->add(h.deltas[size_t(i)], QByteArray());
            QVERIFY2(res.status != AddStatus::Rejected, qPrintable(res.error));
        }
        QCOMPARE(rep->dag->pendingCount(), size_t(0));
        QCOMPARE(rep->host->applied.size(), size_t(kDeltas));
        QCOMPARE(rep->host->doubleApplied, 0);
        replicas.push_back(std::move(rep));
    }
    QVERIFY(replicas[1]->dag->counters().pending > size_t(kDeltas / 2));  // reversed: mostly pending first
    QVERIFY(replicas[3]->dag->counters().duplicate > 0);

    const Replica &ref = *replicas[0];
    const QByteArray dump = ref.state->canonicalDump();
    QVERIFY(!dump.isEmpty());
    QCOMPARE(ref.dag->heads(), expected.heads);
    QCOMPARE(ref.state->rootHash(), ref.state->recomputeRootHash());
    for (int k = 0; k < kKeys; ++k) {
        const QByteArray key = keyName(k);
        const auto reg = expected.registers.find(key);
        QCOMPARE(ref.state->get(key), reg == expected.registers.end() ? std::nullopt : reg->second);
        const auto ctr = expected.counters.find(key);
        QCOMPARE(ref.state->counter(key), ctr == expected.counters.end() ? int64_t(0) : ctr->second);
    }
    for (int r = 1; r < kReplicas; ++r) {
        const Replica &rep = *replicas[size_t(r)];
        QCOMPARE(rep.dag->heads(), ref.dag->heads());
        QCOMPARE(rep.state->rootHash(), ref.state->rootHash());
        QVERIFY2(rep.state->canonicalDump() == dump, qPrintable(QStringLiteral("replica %1 state differs").arg(r)));
    }

    // Reopen: close replica 2's store, reopen from disk only (heads and root
    // from the context record) and check nothing was lost.
    Replica &re = *replicas[2];
    re.close();
    QVERIFY(re.open(h.ctx));
    QCOMPARE(re.dag->heads(), ref.dag->heads());
    QCOMPARE(re.state->rootHash(), ref.state->rootHash());
    QCOMPARE(re.state->recomputeRootHash(), ref.state->rootHash());
    QCOMPARE(re.state->canonicalDump(), dump);
    QCOMPARE(re.dag->add(h.deltas[5], QByteArray()).status, AddStatus::Duplicate);

    // And both keep converging: a merge delta on top of every head.
    DeltaBody body;
    body.contextId = h.ctx;
    body.parents = ref.dag->heads();
    body.author = h.authors[1];
    body.hlc = h.deltas.back().body.hlc + 1;
    body.actions = {Action::put(keyName(0), "after-reopen"), Action::counterAdd(keyName(1), 1000)};
    Delta top{{}, body, encodeBody(body)};
    top.id = sha256(top.bodyBytes);
    for (Replica *rep : {replicas[0].get(), &re}) {
        QCOMPARE(rep->dag->add(top, QByteArray()).status, AddStatus::Applied);
        QCOMPARE(rep->dag->heads(), std::vector<Hash32>{top.id});
        QCOMPARE(rep->state->get(keyName(0)), std::optional<QByteArray>("after-reopen"));
    }
    QCOMPARE(re.state->rootHash(), replicas[0]->state->rootHash());
    QCOMPARE(re.state->canonicalDump(), replicas[0]->state->canonicalDump());
}

QTEST_GUILESS_MAIN(TstConvergence)
#include "tst_convergence.moc"
