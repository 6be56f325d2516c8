// The sync and blob protocols between real engines over real libp2p hosts on
// loopback: catching up by deltas (full and parents-only), by snapshot when
// history is pruned (and later deltas applying on top, counters not counted
// twice), refusal of a requester without the context key, and app/blob
// transfer with verification; a lying member's snapshots (ARCHITECTURE §15).
#include "MemberTestUtil.h"
#include "TestUtil.h"
#include "blob/BlobStore.h"
#include "context/Engine.h"
#include "crypto/Random.h"
#include "net/Host.h"
#include "net/Stream.h"
#include "sync/BlobFetch.h"
#include "sync/BlobServer.h"
#include "sync/BlockingJobs.h"
#include "sync/SyncManager.h"
#include "sync/SyncServer.h"
#include "sync/SyncWire.h"
#include "sync.pb.h"
#include "trust/SnapshotProof.h"

#include <QTemporaryDir>
#include <QtTest>
#include <memory>

using namespace dn;
namespace pb = ::deltanode::pb;

namespace {

constexpr int kTimeoutMs = 20000;

// One node without the Node class: engine, host, sync and blob service.
struct Peer {
    QTemporaryDir dir;
    std::unique_ptr<Engine> engine;
    std::unique_ptr<Host> host;
    std::unique_ptr<BlockingJobs> jobs;
    std::unique_ptr<SyncServer> server;
    std::unique_ptr<BlobServer> blobs;
    std::unique_ptr<SyncManager> sync;
    Multiaddr addr;

    // `serve` false: no sync server (a test answers the protocol itself).
    explicit Peer(SyncConfig config = {}, bool serve = true) {
        Engine::Options o;
        o.dataDir = dir.path();
        o.workers = 1;
        auto e = Engine::open(o);
        if (!e) qFatal("engine: %s", qPrintable(e.error().message));
        engine = std::move(*e);
        host = std::make_unique<Host>(engine->identity().key());
        jobs = std::make_unique<BlockingJobs>(2);
        server = std::make_unique<SyncServer>(host.get(), engine.get(), jobs.get());
        blobs = std::make_unique<BlobServer>(host.get(), engine.get());
        sync = std::make_unique<SyncManager>(host.get(), engine.get(), jobs.get(), config);
        if (serve) server->start();
        blobs->start();
        addr = *host->listen(*Multiaddr::parse(u"/ip4/127.0.0.1/tcp/0"));
    }
    ~Peer() {
        sync.reset();
        jobs->stop();
        engine->flush();
    }
    const PeerId &id() const { return host->peerId(); }
    ContextInfo info(const Hash32 &ctx) const { return engine->context(ctx).value_or(ContextInfo{}); }
};

bool link(Peer &a, Peer &b) {
    bool done = false, ok = false;
    a.host->dial(b.addr, [&](Result<Connection *> r) {
        done = true;
        ok = r.ok();
    });
    return QTest::qWaitFor([&] { return done; }, kTimeoutMs) && ok;
}

std::optional<SyncOutcome> syncNow(Peer &from, Peer &with, const Hash32 &ctx) {
    std::optional<SyncOutcome> out;
    from.sync->request(ctx, with.id(), SyncManager::Trigger::Manual, [&](const SyncOutcome &o) { out = o; });
    if (!QTest::qWaitFor([&] { return out.has_value(); }, kTimeoutMs)) return std::nullopt;
    return out;
}

Hash32 install(Peer &p, const char *app) {
    auto r = p.engine->installApp(test::readWasm(app), app);
    if (!r) qFatal("install: %s", qPrintable(r.error().message));
    return r->id;
}

void set(Peer &p, const Hash32 &ctx, int i) {
    auto r = p.engine->executeSync(ctx, "set", QStringLiteral(R"({"key":"k%1","value":"v%1"})").arg(i).toUtf8());
    QVERIFY2(r, r ? "" : qPrintable(r.error().message));
}

// A member that lies: it answers /deltanode/sync/1.0.0 with whatever
// `answer` makes of each request, and counts snapshot requests.
struct Liar {
    Peer &peer;
    std::function<pb::SyncResponse(const pb::SyncRequest &)> answer;
    std::vector<std::unique_ptr<FramedStream>> streams;
    int snapshotRequests = 0;

    explicit Liar(Peer &p) : peer(p) {
        peer.host->setStreamHandler(syncwire::kSyncProtocol, [this](Stream *s) {
            streams.push_back(std::make_unique<FramedStream>(s, syncwire::kMaxSyncFrame));
            FramedStream *io = streams.back().get();
            io->start({[this, io](const QByteArray &f) {
                           pb::SyncRequest req;
                           if (!req.ParseFromArray(f.constData(), int(f.size()))) return io->reset(QStringLiteral("bad"));
                           if (req.has_snapshot()) ++snapshotRequests;
                           io->send(answer(req));
                       },
                       {}, {}, {}});
        });
    }
};

// The one page of `snap`, signed by `signer` over what it claims.
pb::SyncResponse snapshotPage(const Hash32 &ctx, const ContextSnapshot &snap, const Ed25519Key &signer) {
    pb::SyncResponse r;
    pb::SnapshotPage *page = r.mutable_snapshot();
    for (const StateEntry &e : snap.entries) syncwire::toWire(e, page->add_entries());
    syncwire::addIds(page->mutable_covered(), snap.covered);
    syncwire::addIds(page->mutable_heads(), snap.heads);
    page->set_root_hash(syncwire::bytes(snap.rootHash));
    page->set_done(true);
    page->set_epoch(snap.epoch);
    for (const QByteArray &g : snap.governance) page->add_governance(g.toStdString());
    page->set_signature(syncwire::bytes(signer.sign(snapshotMessage(ctx, snap.epoch, snap.heads, snap.rootHash, snap.covered))));
    return r;
}

}  // namespace

class TestSync : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QLoggingCategory::setFilterRules(QStringLiteral("dn.*.debug=false\ndn.*.info=false")); }

    void catchesUpByDeltas() {
        Peer a, b;
        const Hash32 app = install(a, "kv_store");
        install(b, "kv_store");
        auto ctx = a.engine->createContextSync(app, "notes");
        QVERIFY(ctx);
        for (int i = 0; i < 30; ++i) set(a, ctx->id, i);
        QVERIFY(test::joinWithKeysOf(*a.engine, *b.engine, ctx->id, app));
        QVERIFY(link(b, a));
        auto out = syncNow(b, a, ctx->id);
        QVERIFY(out);
        QCOMPARE(syncStatusName(out->status), QStringLiteral("fetched"));
        QCOMPARE(out->deltasFetched, quint64(32));  // genesis + 30 + b's member.add
        QTRY_COMPARE_WITH_TIMEOUT(b.info(ctx->id).rootHash, a.info(ctx->id).rootHash, kTimeoutMs);
        QCOMPARE(b.info(ctx->id).heads, a.info(ctx->id).heads);
        // Nothing new: the next sync converges at once.
        out = syncNow(b, a, ctx->id);
        QVERIFY(out);
        QCOMPARE(syncStatusName(out->status), QStringLiteral("converged"));
        // New writes on both sides; each pulls the other's.
        set(a, ctx->id, 100);
        set(b, ctx->id, 200);
        QVERIFY(syncNow(b, a, ctx->id));
        QVERIFY(syncNow(a, b, ctx->id));
        QTRY_COMPARE_WITH_TIMEOUT(b.info(ctx->id).rootHash, a.info(ctx->id).rootHash, kTimeoutMs);
        QCOMPARE(a.info(ctx->id).heads.size(), size_t(2));
        QCOMPARE(a.server->counters().refused, quint64(0));
    }

    void pullsMissingParents() {
        Peer a, b;
        const Hash32 app = install(a, "kv_store");
        install(b, "kv_store");
        auto ctx = a.engine->createContextSync(app, "p");
        QVERIFY(ctx);
        QVERIFY(test::joinWithKeysOf(*a.engine, *b.engine, ctx->id, app));
        QVERIFY(link(b, a));
        for (int i = 0; i < 5; ++i) set(a, ctx->id, i);
        // b saw only a's newest delta (as from gossip): it waits for parents.
        const Hash32 head = a.info(ctx->id).heads.front();
        auto env = a.engine->envelopes(ctx->id, {head});
        QVERIFY(env && env->size() == 1);
        auto r = b.engine->receiveSync(env->front());
        QVERIFY(r);
        QVERIFY(r->status == ReceiveResult::Status::Pending);
        QCOMPARE(r->missingParents.size(), size_t(1));
        b.sync->pullParents(ctx->id, a.id(), r->missingParents);
        QTRY_COMPARE_WITH_TIMEOUT(b.info(ctx->id).rootHash, a.info(ctx->id).rootHash, kTimeoutMs);
        QCOMPARE(b.info(ctx->id).pendingCount, size_t(0));
        QCOMPARE(b.sync->counters().parentPulls, quint64(1));
    }

    void snapshotWhenHistoryIsPruned() {
        Peer a, c;
        const Hash32 app = install(a, "counter");
        install(c, "counter");
        auto ctx = a.engine->createContextSync(app, "count");
        QVERIFY(ctx);
        for (int i = 0; i < 20; ++i) QVERIFY(a.engine->executeSync(ctx->id, "increment", R"({"by":2})"));
        auto pruned = a.engine->prune(ctx->id, 2, 0);
        QVERIFY(pruned);
        QVERIFY(*pruned >= 15);
        QVERIFY(test::joinWithKeysOf(*a.engine, *c.engine, ctx->id, app));
        QVERIFY(link(c, a));
        auto out = syncNow(c, a, ctx->id);
        QVERIFY(out);
        QCOMPARE(syncStatusName(out->status), QStringLiteral("snapshot"));
        QCOMPARE(c.info(ctx->id).rootHash, a.info(ctx->id).rootHash);
        QCOMPARE(c.info(ctx->id).heads, a.info(ctx->id).heads);
        auto check = c.engine->verify(ctx->id);  // heads are checkpoint markers now
        QVERIFY2(check && check->ok, check ? qPrintable(check->problem) : "verify failed");
        auto v = c.engine->executeSync(ctx->id, "get", "{}");
        QVERIFY(v);
        QCOMPARE(v->output, QByteArray("40"));
        // History after the checkpoint applies on top; a covered delta
        // arriving late is a duplicate, so nothing counts twice.
        QVERIFY(a.engine->executeSync(ctx->id, "increment", R"({"by":5})"));
        out = syncNow(c, a, ctx->id);
        QVERIFY(out);
        QCOMPARE(syncStatusName(out->status), QStringLiteral("fetched"));
        QCOMPARE(c.engine->executeSync(ctx->id, "get", "{}")->output, QByteArray("45"));
        QCOMPARE(c.info(ctx->id).rootHash, a.info(ctx->id).rootHash);
        // Writes on the snapshot member reach the other side.
        QVERIFY(c.engine->executeSync(ctx->id, "increment", R"({"by":1})"));
        QVERIFY(syncNow(a, c, ctx->id));
        QCOMPARE(a.engine->executeSync(ctx->id, "get", "{}")->output, QByteArray("46"));
        QCOMPARE(c.sync->counters().snapshots, quint64(1));
        check = c.engine->verify(ctx->id);
        QVERIFY2(check && check->ok, check ? qPrintable(check->problem) : "verify failed");
    }

    void refusesWithoutTheContextKey() {
        Peer a, x;
        const Hash32 app = install(a, "kv_store");
        install(x, "kv_store");
        auto ctx = a.engine->createContextSync(app, "secret");
        QVERIFY(ctx);
        // x claims the context with a wrong key: its requests do not prove it.
        Engine::JoinGrant wrong;
        wrong.keys = {{0, randomBytes(32), {}}};
        QVERIFY(x.engine->joinContext(ctx->id, app, wrong, {}));
        QVERIFY(link(x, a));
        auto out = syncNow(x, a, ctx->id);
        QVERIFY(out);
        QCOMPARE(syncStatusName(out->status), QStringLiteral("failed"));
        QVERIFY2(out->error.contains(QLatin1String("unauthorized")), qPrintable(out->error));
        QCOMPARE(a.server->counters().refused, quint64(1));
        QVERIFY(x.info(ctx->id).heads.empty());
        // A failure backs the peer off for periodic syncs.
        QVERIFY(x.sync->backoffRemainingS(a.id()) > 0);
        QVERIFY(!x.sync->request(ctx->id, a.id(), SyncManager::Trigger::Tick));
        // Asking about a context the server does not have is not a failure.
        Peer y;
        install(y, "kv_store");
        auto other = y.engine->createContextSync(install(y, "kv_store"), "other");
        QVERIFY(other);
        QVERIFY(link(y, a));
        out = syncNow(y, a, other->id);
        QVERIFY(out);
        QCOMPARE(syncStatusName(out->status), QStringLiteral("not_member"));
        QCOMPARE(y.sync->backoffRemainingS(a.id()), qint64(0));
    }

    void badInputIsRefusedAndCounted() {
        Peer a, x;
        const Hash32 app = install(a, "kv_store");
        install(x, "kv_store");
        auto ctx = a.engine->createContextSync(app, "target");
        QVERIFY(ctx);
        QVERIFY(link(x, a));
        // Raw bytes on a stream of `protocol`; true once the server reset it.
        auto attack = [&](const QString &protocol, const QByteArray &bytes) {
            QPointer<Stream> s;
            bool opened = false;
            x.host->newStream(a.id(), {protocol}, [&](Result<Stream *> r) {
                opened = true;
                if (r) s = *r;
            });
            if (!QTest::qWaitFor([&] { return opened; }, kTimeoutMs) || !s) return false;
            bool reset = false;
            QObject::connect(s, &Stream::wasReset, s, [&] { reset = true; });
            s->write(bytes);
            return QTest::qWaitFor([&] { return reset || !s; }, kTimeoutMs);
        };
        const QByteArray huge("\xff\xff\xff\xff\x7f", 5);  // a length far over the bound
        const QByteArray junk = QByteArray("\x05", 1) + QByteArray("\xff\xff\xff\xff\xff", 5);  // not a SyncRequest
        QVERIFY(attack(QStringLiteral("/deltanode/sync/1.0.0"), huge));
        QVERIFY(attack(QStringLiteral("/deltanode/sync/1.0.0"), junk));
        QCOMPARE(a.server->counters().badFrames, quint64(2));
        QVERIFY(attack(QStringLiteral("/deltanode/blob/1.0.0"), huge));
        QVERIFY(attack(QStringLiteral("/deltanode/blob/1.0.0"), junk));
        QCOMPARE(a.blobs->counters().badRequests, quint64(2));
        // The connection and the server keep serving: a proper sync works.
        QVERIFY(x.host->isConnected(a.id()));
        QVERIFY(test::joinWithKeysOf(*a.engine, *x.engine, ctx->id, app));
        auto out = syncNow(x, a, ctx->id);
        QVERIFY(out && out->ok());
        QCOMPARE(x.info(ctx->id).rootHash, a.info(ctx->id).rootHash);
    }

    // ARCHITECTURE §15: holding a key is not membership; a removed member
    // is refused; a snapshot counts only when a member signed it.
    void membersOnlyAndSignedSnapshots() {
        Peer a, b, x;
        const Hash32 app = install(a, "kv_store");
        install(b, "kv_store");
        install(x, "kv_store");
        auto ctx = a.engine->createContextSync(app, "members");
        QVERIFY(ctx);
        for (int i = 0; i < 5; ++i) set(a, ctx->id, i);
        QVERIFY(test::joinWithKeysOf(*a.engine, *b.engine, ctx->id, app));
        QVERIFY(test::joinWithKeysOf(*a.engine, *x.engine, ctx->id, app, /*add=*/false));  // keys, no member.add
        QVERIFY(link(b, a));
        QVERIFY(link(x, a));
        // x proves the key but is nobody: refused and counted; nothing reaches it.
        auto out = syncNow(x, a, ctx->id);
        QVERIFY(out);
        QCOMPARE(syncStatusName(out->status), QStringLiteral("failed"));
        QVERIFY2(out->error.contains(QLatin1String("not_a_member")), qPrintable(out->error));
        QCOMPARE(a.server->counters().notMember, quint64(1));
        QVERIFY(x.info(ctx->id).heads.empty());
        std::optional<Result<BlobInfo>> blob;
        BlobFetch f(x.host.get(), x.engine.get(), ctx->id, *a.engine->contextKey(ctx->id), a.id(), BlobFetch::Target::App, app);
        f.start([&](Result<BlobInfo> r) { blob = std::move(r); });
        QTRY_VERIFY_WITH_TIMEOUT(blob.has_value(), kTimeoutMs);
        QVERIFY(!*blob);
        QCOMPARE(blob->error().code, ErrorCode::NotAMember);
        QCOMPARE(a.blobs->counters().notMember, quint64(1));
        // b is a member and syncs; once removed, it is refused too.
        out = syncNow(b, a, ctx->id);
        QVERIFY(out && out->ok());
        QCOMPARE(b.info(ctx->id).rootHash, a.info(ctx->id).rootHash);
        QVERIFY(test::removeMember(*a.engine, ctx->id, b.engine->identity().publicKey()));
        set(a, ctx->id, 100);
        out = syncNow(b, a, ctx->id);
        QVERIFY(out);
        QVERIFY2(out->error.contains(QLatin1String("not_a_member")), qPrintable(out->error));
        QCOMPARE(a.server->counters().notMember, quint64(2));
        // What a wrote after the removal does not open on b (a new epoch).
        auto env = a.engine->envelopes(ctx->id, a.info(ctx->id).heads);
        QVERIFY(env && env->size() == 1);
        auto r = b.engine->receiveSync(env->front());
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::UnknownEpoch);

        // Snapshots: a fresh member imports a's signed snapshot; the same
        // with a broken signature, or signed by a non-member, is refused.
        Peer c;
        install(c, "kv_store");
        QVERIFY(test::joinWithKeysOf(*a.engine, *c.engine, ctx->id, app));
        auto snap = a.engine->exportSnapshot(ctx->id);
        QVERIFY(snap);
        snap->servedBy = a.engine->identity().publicKey();
        ContextSnapshot forged = *snap;
        forged.signature[3] = char(forged.signature[3] ^ 1);
        auto refused = c.engine->importSnapshot(ctx->id, forged);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::SnapshotRefused);
        ContextSnapshot byStranger = *snap;
        byStranger.servedBy = x.engine->identity().publicKey();
        byStranger.signature = x.engine->identity().key().sign(
            snapshotMessage(ctx->id, snap->epoch, snap->heads, snap->rootHash, snap->covered));
        refused = c.engine->importSnapshot(ctx->id, byStranger);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::SnapshotRefused);
        QVERIFY(c.info(ctx->id).heads.empty());
        QCOMPARE(c.engine->rejects().count(RejectReason::SnapshotRefused), 2u);
        auto imported = c.engine->importSnapshot(ctx->id, *snap);
        QVERIFY2(imported, imported ? "" : qPrintable(imported.error().message));
        QCOMPARE(c.info(ctx->id).rootHash, a.info(ctx->id).rootHash);
        // The snapshot brought the governance: c knows b was removed.
        QVERIFY(!c.engine->isMember(ctx->id, b.engine->identity().publicKey()));
        QVERIFY(c.engine->isMember(ctx->id, c.engine->identity().publicKey()));
    }

    // A member m claims history c lacks is pruned. While a, another member,
    // is connected, c asks a for the deltas instead of taking m's word; with
    // a gone, m's snapshot is taken only if it adds up to its root, agrees
    // with the root a announced for the same heads, and does not contradict
    // c's own heads.
    void snapshotOnlyOnAnHonestMembersWord() {
        Peer a, c;
        Peer m(SyncConfig{}, /*serve=*/false);
        const Hash32 app = install(a, "kv_store");
        install(c, "kv_store");
        install(m, "kv_store");
        auto ctx = a.engine->createContextSync(app, "liars");
        QVERIFY(ctx);
        for (int i = 0; i < 5; ++i) set(a, ctx->id, i);
        QVERIFY(test::joinWithKeysOf(*a.engine, *m.engine, ctx->id, app));
        QVERIFY(test::joinWithKeysOf(*a.engine, *c.engine, ctx->id, app));
        QVERIFY(link(c, a));
        QVERIFY(link(c, m));
        QVERIFY(syncNow(c, a, ctx->id));  // c knows the members now
        QCOMPARE(c.info(ctx->id).rootHash, a.info(ctx->id).rootHash);

        const Hash32 fake = Hash32::fromBytes(randomBytes(32)).value();
        std::optional<ContextSnapshot> served;  // what m answers a snapshot request with
        Liar liar(m);
        liar.answer = [&](const pb::SyncRequest &req) {
            pb::SyncResponse r;
            if (req.has_heads()) {
                syncwire::addIds(r.mutable_heads()->mutable_heads(), {fake});
                r.mutable_heads()->set_applied_count(7);
            } else if (req.has_deltas()) {
                r.mutable_deltas()->mutable_pruned()->CopyFrom(req.deltas().ids());
            } else if (served) {
                r = snapshotPage(ctx->id, *served, m.engine->identity().key());
            }
            return r;
        };

        // 1. a is there: c fetches a's new deltas from it, no snapshot.
        for (int i = 10; i < 13; ++i) set(a, ctx->id, i);
        auto out = syncNow(c, m, ctx->id);
        QVERIFY(out);
        QCOMPARE(syncStatusName(out->status), QStringLiteral("fetched"));
        QCOMPARE(c.sync->counters().snapshotsDeferred, quint64(1));
        QCOMPARE(c.sync->counters().snapshots, quint64(0));
        QCOMPARE(liar.snapshotRequests, 0);
        QCOMPARE(c.info(ctx->id).rootHash, a.info(ctx->id).rootHash);

        // a goes away and writes on; c has only m to ask.
        c.host->disconnect(a.id());
        QTRY_VERIFY_WITH_TIMEOUT(!c.host->isConnected(a.id()), kTimeoutMs);
        for (int i = 20; i < 23; ++i) set(a, ctx->id, i);
        const ContextInfo before = c.info(ctx->id);
        auto truth = a.engine->exportSnapshot(ctx->id);
        QVERIFY(truth);
        auto refusedWith = [&](const ContextSnapshot &snap, const char *why) {
            served = snap;
            auto o = syncNow(c, m, ctx->id);
            if (!o || o->status != SyncOutcome::Status::Failed || !o->error.contains(QLatin1String(why))) {
                qWarning() << "expected a refusal with" << why << "got" << (o ? o->error : QStringLiteral("no outcome"));
                return false;
            }
            return c.info(ctx->id).rootHash == before.rootHash && c.info(ctx->id).heads == before.heads;
        };
        int refusals = 0;
        // 2. Entries that do not add up to the root m signed.
        ContextSnapshot lie = *truth;
        QVERIFY(!lie.entries.empty());
        lie.entries.front().value = "forged";
        QVERIFY(refusedWith(lie, "do not add up to its root"));
        ++refusals;
        // 3. Consistent, signed by a member, but a announced another root
        //    for these heads (as its heartbeat would).
        lie.rootHash = syncwire::rootOf(lie.entries);
        std::vector<Hash32> sortedHeads = truth->heads;
        std::sort(sortedHeads.begin(), sortedHeads.end());
        c.sync->setRootSource([&](const Hash32 &id, const std::vector<Hash32> &heads, const PeerId &except) -> std::optional<Hash32> {
            if (id == ctx->id && heads == sortedHeads && except != a.id()) return truth->rootHash;
            return std::nullopt;
        });
        QVERIFY(refusedWith(lie, "another member announced root"));
        ++refusals;
        // 4. c's own heads with another root.
        ContextSnapshot own = lie;
        own.heads = before.heads;
        QVERIFY(refusedWith(own, "our own heads"));
        ++refusals;
        QCOMPARE(c.engine->rejects().count(RejectReason::SnapshotRefused), uint64_t(refusals));
        QCOMPARE(c.sync->counters().snapshots, quint64(0));

        // 5. The truth, served by the same member, is taken.
        served = *truth;
        out = syncNow(c, m, ctx->id);
        QVERIFY(out);
        QCOMPARE(syncStatusName(out->status), QStringLiteral("snapshot"));
        QCOMPARE(c.info(ctx->id).rootHash, a.info(ctx->id).rootHash);
        QCOMPARE(c.sync->counters().snapshots, quint64(1));

        // A non-member claiming "pruned" is refused before any snapshot
        // request: its word is not taken at all.
        QVERIFY(test::removeMember(*a.engine, ctx->id, m.engine->identity().publicKey()));
        QVERIFY(link(c, a));
        QVERIFY(syncNow(c, a, ctx->id));  // c learns m is out
        QVERIFY(!c.engine->isMember(ctx->id, m.engine->identity().publicKey()));
        c.host->disconnect(a.id());
        QTRY_VERIFY_WITH_TIMEOUT(!c.host->isConnected(a.id()), kTimeoutMs);
        const int asked = liar.snapshotRequests;
        out = syncNow(c, m, ctx->id);
        QVERIFY(out);
        QVERIFY2(out->error.contains(QLatin1String("snapshot_refused")) && out->error.contains(QLatin1String("not a member")),
                 qPrintable(out->error));
        QCOMPARE(liar.snapshotRequests, asked);
        QCOMPARE(c.engine->rejects().count(RejectReason::SnapshotRefused), uint64_t(refusals + 1));
    }

    void fetchesAppsAndBlobs() {
        Peer a, d;
        const Hash32 app = install(a, "kv_store");
        auto ctx = a.engine->createContextSync(app, "blobs");
        QVERIFY(ctx);
        const QByteArray key = *a.engine->contextKey(ctx->id);
        QVERIFY(test::addMember(*a.engine, ctx->id, d.engine->identity().publicKey()));
        QVERIFY(link(d, a));
        auto fetch = [&](BlobFetch::Target target, const Hash32 &id, const QByteArray &withKey) {
            std::optional<Result<BlobInfo>> out;
            BlobFetch f(d.host.get(), d.engine.get(), ctx->id, withKey, a.id(), target, id);
            f.start([&](Result<BlobInfo> r) { out = std::move(r); });
            if (!QTest::qWaitFor([&] { return out.has_value(); }, kTimeoutMs)) return Result<BlobInfo>(Error{ErrorCode::Timeout, "no answer"});
            return std::move(*out);
        };
        // The app module by app id: stored, and it installs as that app.
        auto got = fetch(BlobFetch::Target::App, app, key);
        QVERIFY2(got, got ? "" : qPrintable(got.error().message));
        auto bytes = d.engine->blobs().get(got->id);
        QVERIFY(bytes);
        auto installed = d.engine->installApp(*bytes, "fetched");
        QVERIFY(installed);
        QCOMPARE(installed->id, app);
        // A multi-chunk blob by id, byte for byte.
        const QByteArray big = randomBytes(BlobStore::kChunkSize * 2 + 12345);
        auto stored = a.engine->blobs().put(big);
        QVERIFY(stored);
        got = fetch(BlobFetch::Target::Blob, stored->id, key);
        QVERIFY2(got, got ? "" : qPrintable(got.error().message));
        QCOMPARE(got->id, stored->id);
        QCOMPARE(got->chunks, 3);
        QCOMPARE(*d.engine->blobs().get(stored->id), big);
        // Unknown blob, wrong key, an app that is not the context's.
        QCOMPARE(fetch(BlobFetch::Target::Blob, Hash32{}, key).error().code, ErrorCode::NotFound);
        QCOMPARE(fetch(BlobFetch::Target::Blob, stored->id, randomBytes(32)).error().code, ErrorCode::Unauthorized);
        QCOMPARE(fetch(BlobFetch::Target::App, stored->id, key).error().code, ErrorCode::NotFound);
        QCOMPARE(a.blobs->counters().served, quint64(2));
    }
};

QTEST_GUILESS_MAIN(TestSync)
#include "tst_sync.moc"
