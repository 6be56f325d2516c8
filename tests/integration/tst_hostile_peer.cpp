// Hostile peers against honest `deltanode --headless` processes (ARCHITECTURE
// §15). Four daemons share a context: A (admin), B, M and D. A removes D;
// then M and D stop and their data dirs come back as in-process hostile peers
// (HostilePeer.h): D a removed member holding the epoch-0 key, M a member
// that lies. A third, S, is a stranger with a fresh identity that holds the
// current key (as if it leaked).
//
// S and D each try every door: sync heads, deltas and snapshot requests, a
// blob fetch, a delta published on the context topic, and a delta with an
// unknown parent (the path that once led A to ask them for it and take an
// unchecked snapshot). Both deltas now stop at A's gossip gate: a peer on the
// context topic that is no member scores below the graylist threshold, so its
// messages are dropped unread and never reach the engine. M claims A's history is
// pruned: A asks B for the deltas instead; with B out of reach, M's snapshots
// (entries that do not add up to the signed root; another root for A's own
// heads) are refused. Each refusal is counted under its reason on A's
// /metrics, and A's state, heads and root never change.
#include "ClusterHarness.h"
#include "HostilePeer.h"
#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace dn;
using namespace dn::test;
namespace pb = ::deltanode::pb;

namespace {
constexpr int kDeadlineMs = 20000;

double metric(Cluster &c, int i, const QByteArray &series) {
    const QByteArray text = c.get(i, QStringLiteral("/metrics")).body;
    for (const QByteArray &line : text.split('\n'))
        if (line.startsWith(series + ' ')) return line.mid(series.size() + 1).toDouble();
    return 0;  // a labelled series appears once it counted something
}

const QByteArray kSyncRefused = R"(deltanode_not_a_member_refused_total{protocol="sync"})";
const QByteArray kBlobRefused = R"(deltanode_not_a_member_refused_total{protocol="blob"})";
const QByteArray kNotAMember = R"(deltanode_deltas_rejected_total{reason="not_a_member"})";
const QByteArray kSnapshotRefused = R"(deltanode_deltas_rejected_total{reason="snapshot_refused"})";
const QByteArray kDeferred = "deltanode_sync_snapshots_deferred_total";
const QByteArray kGraylisted = R"(deltanode_gossip_router_total{event="graylisted_rpc"})";
const QByteArray kGossipRejected = R"(deltanode_gossip_router_total{event="rejected"})";

// What must not change on an honest node.
struct Seen {
    QString root;
    QJsonArray heads;
    qint64 applied = 0;
    friend bool operator==(const Seen &, const Seen &) = default;
};
Seen seen(Cluster &c, int i, const QString &ctx) {
    const QJsonObject o = c.context(i, ctx);
    return {o.value(QLatin1String("rootHash")).toString(), o.value(QLatin1String("heads")).toArray(),
            qint64(o.value(QLatin1String("appliedCount")).toDouble())};
}

std::vector<Hash32> hashes(const QJsonArray &a) {
    std::vector<Hash32> out;
    for (const QJsonValue &v : a) out.push_back(Hash32::fromBase58(v.toString()).value_or(Hash32{}));
    return out;
}

// Ids of every governance delta `e` holds.
std::vector<Hash32> governanceIds(Engine &e, const Hash32 &ctx) {
    std::vector<Hash32> out;
    auto envs = e.governanceEnvelopes(ctx);
    if (!envs) return out;
    for (const QByteArray &env : *envs)
        if (auto h = peekEnvelope(env)) out.push_back(h->id);
    return out;
}

// The newest epoch key in `e`'s ring.
EpochKey newestKey(Engine &e, const Hash32 &ctx) {
    EpochKey best;
    if (auto ring = e.keyRing(ctx))
        for (const EpochKey &k : ring->all())
            if (best.key.isEmpty() || k.epoch > best.epoch) best = k;
    return best;
}

pb::SyncRequest headsRequest() {
    pb::SyncRequest r;
    r.mutable_heads();
    return r;
}
pb::SyncRequest deltasRequest(const std::vector<Hash32> &ids) {
    pb::SyncRequest r;
    syncwire::addIds(r.mutable_deltas()->mutable_ids(), ids);
    return r;
}
pb::SyncRequest snapshotRequest() {
    pb::SyncRequest r;
    r.mutable_snapshot()->set_cursor(0);
    return r;
}

}  // namespace

class TestHostilePeer : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void strangerAndRemovedMemberChangeNothing_data();
    void strangerAndRemovedMemberChangeNothing();
    void lyingMemberIsNotBelieved();

private:
    Cluster c_;
    QString ctx_;
    Hash32 ctxId_, appId_;
    PeerId a_;
    std::unique_ptr<HostilePeer> m_, d_, s_;
    QTemporaryDir strangerDir_;
};

void TestHostilePeer::initTestCase() {
    QLoggingCategory::setFilterRules(QStringLiteral("dn.*.debug=false\ndn.*.info=false"));
    QVERIFY(c_.valid());
    QString err;
    QVERIFY2(c_.start(&err), qPrintable(err));
    for (int i = 1; i <= 3; ++i) QVERIFY2(c_.start(&err, {0}), qPrintable(err));
    ctx_ = c_.createKvContext(0, &err);
    QVERIFY2(!ctx_.isEmpty(), qPrintable(err));
    for (int i = 1; i <= 3; ++i) QVERIFY2(c_.join(i, c_.invite(0, ctx_, &err, 1), &err), qPrintable(err));
    for (int i = 0; i < 5; ++i) QVERIFY(c_.set(i % 3, ctx_, QStringLiteral("k%1").arg(i), QStringLiteral("v%1").arg(i), &err));
    QVERIFY(Cluster::waitFor([&] { return !c_.commonRoot(ctx_, {0, 1, 2, 3}).isEmpty(); }, kDeadlineMs));
    // Honest members never penalise each other, joins included: a joiner's
    // first messages that outrun its membership are ignored, not punished
    // (a penalty once kept joiners out of the mesh for ~10 s).
    for (int i = 0; i < 4; ++i)
        for (const QJsonValue &p : c_.get(i, QStringLiteral("/admin-api/peers")).json().value(QLatin1String("peers")).toArray())
            QVERIFY2(p.toObject().value(QLatin1String("score")).toDouble() >= 0,
                     qPrintable(QStringLiteral("node %1 scores an honest peer %2").arg(i).arg(QString::fromUtf8(QJsonDocument(p.toObject()).toJson()))));
    // A removes D; D learns it (its removal reaches it as evidence).
    const HttpAnswer removed = c_.del(0, QStringLiteral("/admin-api/contexts/%1/members/%2").arg(ctx_, c_.peerId(3)));
    QVERIFY2(removed.status == 200, qPrintable(removed.describe()));
    QVERIFY(Cluster::waitFor([&] { return c_.role(3, ctx_) == QLatin1String("none"); }, kDeadlineMs));
    QVERIFY(Cluster::waitFor([&] {
        return !c_.commonRoot(ctx_, {0, 1, 2}).isEmpty() && c_.context(2, ctx_).value(QLatin1String("epoch")).toInt() == 1;
    }, kDeadlineMs));
    const QJsonObject info = c_.context(0, ctx_);
    ctxId_ = Hash32::fromBase58(ctx_).value();
    appId_ = Hash32::fromBase58(info.value(QLatin1String("applicationId")).toString()).value();
    a_ = PeerId::fromBase58(c_.peerId(0)).value();

    // M and D stop; their data dirs come back as hostile peers.
    QVERIFY2(c_.stop(2, &err), qPrintable(err));
    QVERIFY2(c_.stop(3, &err), qPrintable(err));
    m_ = HostilePeer::open(c_.node(2).dataDir, &err);
    QVERIFY2(m_, qPrintable(err));
    d_ = HostilePeer::open(c_.node(3).dataDir, &err);
    QVERIFY2(d_, qPrintable(err));
    QVERIFY(!d_->engine().isMember(ctxId_, d_->engine().identity().publicKey()));
    // S: a fresh identity holding every key M holds.
    QVERIFY(strangerDir_.isValid());
    s_ = HostilePeer::open(strangerDir_.path(), &err);
    QVERIFY2(s_, qPrintable(err));
    QFile wasm(wasmPath("kv_store"));
    QVERIFY(wasm.open(QIODevice::ReadOnly));
    QVERIFY(s_->engine().installApp(wasm.readAll(), QStringLiteral("kv_store")));
    Engine::JoinGrant leaked;
    leaked.keys = m_->engine().keyRing(ctxId_)->all();
    QVERIFY(s_->engine().joinContext(ctxId_, appId_, leaked, QStringLiteral("leaked")));
}

void TestHostilePeer::strangerAndRemovedMemberChangeNothing_data() {
    QTest::addColumn<QString>("who");
    QTest::newRow("stranger with the leaked key") << QStringLiteral("S");
    QTest::newRow("removed member") << QStringLiteral("D");
}

void TestHostilePeer::strangerAndRemovedMemberChangeNothing() {
    QFETCH(QString, who);
    HostilePeer &h = who == QLatin1String("S") ? *s_ : *d_;
    const Seen a0 = seen(c_, 0, ctx_), b0 = seen(c_, 1, ctx_);
    QVERIFY(!a0.root.isEmpty());
    const double sync0 = metric(c_, 0, kSyncRefused), blob0 = metric(c_, 0, kBlobRefused);
    const double member0 = metric(c_, 0, kNotAMember), snap0 = metric(c_, 0, kSnapshotRefused);
    const QByteArray key0 = *h.engine().contextKey(ctxId_);  // epoch 0: what sync requests prove
    // A pulls from a former member on connect: what it answers is "pruned".
    h.setAnswer([](const pb::SyncRequest &req) {
        pb::SyncResponse r;
        // Heads: none (so the connect-time sync ends without a failure that
        // would put h in backoff and skip the parent pull below).
        if (req.has_heads()) r.mutable_heads();
        else if (req.has_deltas()) r.mutable_deltas()->mutable_pruned()->CopyFrom(req.deltas().ids());
        else r.mutable_error()->set_code("internal");
        return r;
    });
    QVERIFY(h.dial(c_.node(0).p2p, kDeadlineMs));

    // Sync heads, deltas and a snapshot: each refused as not_a_member.
    for (const pb::SyncRequest &req : {headsRequest(), deltasRequest(hashes(a0.heads)), snapshotRequest()}) {
        const auto r = h.ask(a_, ctxId_, req, key0, kDeadlineMs);
        QVERIFY2(r && r->has_error(), "expected a SyncError");
        QCOMPARE(QString::fromStdString(r->error().code()), QStringLiteral("not_a_member"));
        QVERIFY(r->error().evidence_size() == 0 || who == QLatin1String("D"));  // only a removed member gets its removal
    }
    QVERIFY(Cluster::waitFor([&] { return metric(c_, 0, kSyncRefused) == sync0 + 3; }, kDeadlineMs));

    // The app module over the blob protocol.
    const auto blob = h.fetchApp(a_, ctxId_, appId_, key0, kDeadlineMs);
    QVERIFY(!blob);
    QCOMPARE(blob.error().code, ErrorCode::NotAMember);
    QVERIFY(Cluster::waitFor([&] { return metric(c_, 0, kBlobRefused) == blob0 + 1; }, kDeadlineMs));

    // A delta of its own on A's heads, and one on a parent nobody has, on
    // the topic: dropped at A's gossip gate (graylisted, or rejected if it
    // came before its subscription was scored), never seen by the engine.
    const EpochKey k = newestKey(h.engine(), ctxId_);
    const std::vector<Hash32> gov = governanceIds(m_->engine(), ctxId_);
    QVERIFY(!gov.empty());
    const double dropped0 = metric(c_, 0, kGraylisted) + metric(c_, 0, kGossipRejected);
    const QByteArray onTop = h.forgeDelta(ctxId_, hashes(a0.heads), gov, k.epoch, k.key, who.toUtf8());
    QVERIFY2(h.publish(ctxId_, a_, onTop, kDeadlineMs), "A never saw the hostile peer on the topic");
    const QByteArray orphan = h.forgeDelta(ctxId_, {Hash32::fromBytes(QByteArray(32, char(0x5a))).value()}, gov, k.epoch, k.key, "orphan");
    QVERIFY(h.publish(ctxId_, a_, orphan, kDeadlineMs));
    QVERIFY(Cluster::waitFor([&] { return metric(c_, 0, kGraylisted) + metric(c_, 0, kGossipRejected) >= dropped0 + 2; },
                             kDeadlineMs));
    QCOMPARE(metric(c_, 0, kNotAMember), member0);  // the engine never saw them
    QCOMPARE(metric(c_, 0, kSnapshotRefused), snap0);
    QCOMPARE(h.snapshotRequests(), 0);

    // Nothing changed on A or B.
    QCOMPARE(seen(c_, 0, ctx_), a0);
    QCOMPARE(seen(c_, 1, ctx_), b0);
    QCOMPARE(c_.value(0, ctx_, QStringLiteral("hostile")), QString());
    QCOMPARE(c_.value(1, ctx_, QStringLiteral("hostile")), QString());
    h.host().disconnect(a_);
}

void TestHostilePeer::lyingMemberIsNotBelieved() {
    HostilePeer &m = *m_;
    const Seen a0 = seen(c_, 0, ctx_);
    const double snap0 = metric(c_, 0, kSnapshotRefused), deferred0 = metric(c_, 0, kDeferred);
    const Hash32 fake = Hash32::fromBytes(QByteArray(32, char(0x33))).value();
    std::optional<ContextSnapshot> served;
    m.setAnswer([&](const pb::SyncRequest &req) {
        pb::SyncResponse r;
        if (req.has_heads()) {
            syncwire::addIds(r.mutable_heads()->mutable_heads(), {fake});
            r.mutable_heads()->set_applied_count(1000);
        } else if (req.has_deltas()) {
            r.mutable_deltas()->mutable_pruned()->CopyFrom(req.deltas().ids());
        } else if (req.has_snapshot() && served) {
            pb::SnapshotPage *page = r.mutable_snapshot();
            for (const StateEntry &e : served->entries) syncwire::toWire(e, page->add_entries());
            syncwire::addIds(page->mutable_covered(), served->covered);
            syncwire::addIds(page->mutable_heads(), served->heads);
            page->set_root_hash(syncwire::bytes(served->rootHash));
            page->set_done(true);
            page->set_epoch(served->epoch);
            for (const QByteArray &g : served->governance) page->add_governance(g.toStdString());
            page->set_signature(syncwire::bytes(m.engine().identity().key().sign(
                snapshotMessage(ctxId_, served->epoch, served->heads, served->rootHash, served->covered))));
        } else {
            r.mutable_error()->set_code("internal");
        }
        return r;
    });

    // B is there: A asks B for the "pruned" deltas rather than take M's word.
    QVERIFY(m.dial(c_.node(0).p2p, kDeadlineMs));
    QVERIFY(Cluster::waitFor([&] { return metric(c_, 0, kDeferred) > deferred0; }, kDeadlineMs));
    QCOMPARE(m.snapshotRequests(), 0);

    // Without B, A has only M to ask, and M serves snapshots.
    m.host().disconnect(a_);
    QVERIFY(c_.block(0, c_.peerId(1), true));
    auto truth = m.engine().exportSnapshot(ctxId_);
    QVERIFY(truth);
    QVERIFY(!truth->entries.empty());
    const auto refusedOnReconnect = [&](const ContextSnapshot &snap, double expected) {
        served = snap;
        const int asked = m.snapshotRequests();
        if (!m.dial(c_.node(0).p2p, kDeadlineMs)) return false;
        const bool ok = Cluster::waitFor([&] { return m.snapshotRequests() > asked && metric(c_, 0, kSnapshotRefused) == expected; },
                                         kDeadlineMs);
        m.host().disconnect(a_);
        Cluster::waitFor([&] { return !m.host().isConnected(a_); }, kDeadlineMs);
        return ok;
    };
    // Entries that do not add up to the root M signed.
    ContextSnapshot lie = *truth;
    lie.entries.front().value = "forged";
    QVERIFY(refusedOnReconnect(lie, snap0 + 1));
    // A consistent lie about A's own heads.
    lie.rootHash = syncwire::rootOf(lie.entries);
    lie.heads = hashes(a0.heads);
    QVERIFY(refusedOnReconnect(lie, snap0 + 2));
    QCOMPARE(seen(c_, 0, ctx_), a0);
    QCOMPARE(c_.value(0, ctx_, QStringLiteral("k0")), QStringLiteral("v0"));
    QVERIFY(c_.block(0, c_.peerId(1), false));
}

QTEST_GUILESS_MAIN(TestHostilePeer)
#include "tst_hostile_peer.moc"
