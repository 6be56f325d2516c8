// Resource limits of the sync and blob servers (ARCHITECTURE §16, "P2P
// resource limits") against real engines over real hosts on loopback: one
// peer gets at most its share of the slots while another still gets one, a
// silent stream is reset after the idle timeout, and request frames are held
// to 64 KiB until the peer has proved it is a member.
#include "MemberTestUtil.h"
#include "TestUtil.h"
#include "context/Engine.h"
#include "net/Host.h"
#include "net/Stream.h"
#include "net/Varint.h"
#include "sync.pb.h"
#include "sync/BlobServer.h"
#include "sync/BlockingJobs.h"
#include "sync/FramedStream.h"
#include "sync/SyncServer.h"
#include "sync/SyncWire.h"

#include <QTemporaryDir>
#include <QtTest>
#include <memory>

using namespace dn;
namespace pb = ::deltanode::pb;

namespace {

constexpr int kTimeoutMs = 20000;

struct Node {
    QTemporaryDir dir;
    std::unique_ptr<Engine> engine;
    std::unique_ptr<Host> host;
    std::unique_ptr<BlockingJobs> jobs;
    std::unique_ptr<SyncServer> server;
    std::unique_ptr<BlobServer> blobs;
    Multiaddr addr;

    explicit Node(ServerLimits syncLimits = SyncServer::kDefaultLimits, ServerLimits blobLimits = BlobServer::kDefaultLimits) {
        Engine::Options o;
        o.dataDir = dir.path();
        o.workers = 1;
        auto e = Engine::open(o);
        if (!e) qFatal("engine: %s", qPrintable(e.error().message));
        engine = std::move(*e);
        HostConfig hc;
        hc.pingIntervalMs = 0;
        host = std::make_unique<Host>(engine->identity().key(), hc);
        jobs = std::make_unique<BlockingJobs>(2);
        server = std::make_unique<SyncServer>(host.get(), engine.get(), jobs.get());
        server->setLimits(syncLimits);
        server->start();
        blobs = std::make_unique<BlobServer>(host.get(), engine.get());
        blobs->setLimits(blobLimits);
        blobs->start();
        addr = *host->listen(*Multiaddr::parse(u"/ip4/127.0.0.1/tcp/0"));
    }
    ~Node() {
        jobs->stop();
        engine->flush();
    }
    const PeerId &id() const { return host->peerId(); }
};

bool link(Node &from, Node &to) {
    std::optional<bool> ok;
    from.host->dial(to.addr, [&](Result<Connection *> r) { ok = r.ok(); });
    return QTest::qWaitFor([&] { return ok.has_value(); }, kTimeoutMs) && *ok;
}

// A client stream: opened, framed, its frames and its end collected.
struct Client {
    std::unique_ptr<FramedStream> io;
    QList<QByteArray> frames;
    bool ended = false;
    QString why;

    static std::unique_ptr<Client> open(Node &from, const PeerId &to, const QString &protocol) {
        std::optional<Result<Stream *>> r;
        from.host->newStream(to, {protocol}, [&](Result<Stream *> s) { r = std::move(s); });
        if (!QTest::qWaitFor([&] { return r.has_value(); }, kTimeoutMs) || !*r) return nullptr;
        auto c = std::make_unique<Client>();
        c->io = std::make_unique<FramedStream>(r->value(), syncwire::kMaxSyncFrame);
        Client *raw = c.get();
        c->io->start({[raw](const QByteArray &f) { raw->frames.append(f); }, [raw] { raw->ended = true; },
                      [raw](const QString &w) {
                          raw->ended = true;
                          raw->why = w;
                      },
                      {}});
        return c;
    }
    bool answered() { return QTest::qWaitFor([this] { return !frames.isEmpty() || ended; }, kTimeoutMs) && !frames.isEmpty(); }
    bool wasReset() {
        return QTest::qWaitFor([this] { return ended; }, kTimeoutMs) && frames.isEmpty() && why.contains(QStringLiteral("reset"));
    }
};

pb::SyncRequest headsFor(const Hash32 &ctx) {
    pb::SyncRequest req;
    req.set_context_id(syncwire::bytes(ctx));
    req.set_auth(std::string(32, '\0'));
    req.mutable_heads();
    return req;
}

pb::BlobRequest blobFor(const Hash32 &ctx) {
    pb::BlobRequest req;
    req.set_context_id(syncwire::bytes(ctx));
    req.set_auth(std::string(32, '\0'));
    req.set_blob_id(std::string(32, '\1'));
    return req;
}

Hash32 someContext() {
    Hash32 h;
    h.bytes.fill(7);
    return h;
}

bool hasDrop(const Host &h, DropReason reason, const PeerId &peer) {
    for (const DropRecord &d : h.drops())
        if (d.reason == reason && d.peer == peer) return true;
    return false;
}

// The largest request a member sends: kMaxIdsPerRequest ids and as many have.
pb::SyncRequest largestDeltasRequest(int ids, int have) {
    pb::SyncRequest req;
    req.set_context_id(std::string(32, 'c'));
    req.set_auth(std::string(32, 'a'));
    for (int i = 0; i < ids; ++i) req.mutable_deltas()->add_ids(std::string(32, char(i)));
    for (int i = 0; i < have; ++i) req.mutable_deltas()->add_have(std::string(32, char(i)));
    return req;
}

}  // namespace

class TestSyncLimits : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QLoggingCategory::setFilterRules(QStringLiteral("dn.*.debug=false\ndn.*.info=false")); }

    // The bounds in SyncWire.h hold what honest peers send.
    void requestBoundsFitHonestRequests() {
        using namespace syncwire;
        const qsizetype largest = frame(largestDeltasRequest(kMaxIdsPerRequest, kMaxIdsPerRequest)).size();
        QCOMPARE(largest, qsizetype(68075));
        QVERIFY(largest <= kMaxSyncRequestFrame);
        const qsizetype first = frame(largestDeltasRequest(kMaxIdsBeforeAuth - kMaxHeads, kMaxHeads)).size();
        QVERIFY2(first <= kMaxRequestBeforeAuth, qPrintable(QString::number(first)));
        pb::BlobRequest blob = blobFor(someContext());
        blob.set_app_id(std::string(32, 'x'));
        QVERIFY(frame(blob).size() <= kMaxBlobRequestFrame);
    }

    // One peer holds its four sync sessions; its fifth stream is reset,
    // while another peer is still served.
    void syncSlotsPerPeer() {
        Node a, b, c;
        QVERIFY(link(b, a));
        QVERIFY(link(c, a));
        std::vector<std::unique_ptr<Client>> held;
        for (int i = 0; i < 4; ++i) {
            held.push_back(Client::open(b, a.id(), syncwire::kSyncProtocol));
            QVERIFY(held.back());
        }
        QTRY_COMPARE_WITH_TIMEOUT(a.server->sessions(), 4, kTimeoutMs);
        // The reset may come with the protocol confirmation (the open fails)
        // or just after it.
        auto fifth = Client::open(b, a.id(), syncwire::kSyncProtocol);
        if (fifth) {
            fifth->io->send(headsFor(someContext()));
            QVERIFY(fifth->wasReset());
        }
        QTRY_COMPARE_WITH_TIMEOUT(a.server->counters().busy, quint64(1), kTimeoutMs);
        QCOMPARE(a.server->counters().busy, quint64(1));
        QVERIFY(hasDrop(*a.host, DropReason::TooManySessions, b.id()));
        // The other peer gets a slot: its request is answered (an error:
        // the context is unknown here, but answered).
        auto other = Client::open(c, a.id(), syncwire::kSyncProtocol);
        QVERIFY(other);
        other->io->send(headsFor(someContext()));
        QVERIFY(other->answered());
        // b's held sessions still work.
        held[0]->io->send(headsFor(someContext()));
        QVERIFY(held[0]->answered());
    }

    void blobSlotsPerPeer() {
        Node a, b, c;
        QVERIFY(link(b, a));
        QVERIFY(link(c, a));
        std::vector<std::unique_ptr<Client>> held;
        for (int i = 0; i < 2; ++i) {
            held.push_back(Client::open(b, a.id(), syncwire::kBlobProtocol));
            QVERIFY(held.back());
        }
        // Each open waits for the server's confirmation, which follows its
        // handler: both slots are taken before the third arrives.
        auto third = Client::open(b, a.id(), syncwire::kBlobProtocol);
        if (third) {  // else the reset came with the protocol confirmation
            third->io->send(blobFor(someContext()));
            QVERIFY(third->wasReset());
        }
        QTRY_COMPARE_WITH_TIMEOUT(a.blobs->counters().busy, quint64(1), kTimeoutMs);
        auto other = Client::open(c, a.id(), syncwire::kBlobProtocol);
        QVERIFY(other);
        other->io->send(blobFor(someContext()));
        QVERIFY(other->answered());
        held[1]->io->send(blobFor(someContext()));
        QVERIFY(held[1]->answered());
    }

    // A stream that sends nothing is reset once the idle timeout passes,
    // counted and recorded; the slot comes back.
    void idleSyncStreamIsReset() {
        ServerLimits l = SyncServer::kDefaultLimits;
        l.idleTimeoutMs = 300;
        Node a(l), b;
        QVERIFY(link(b, a));
        auto quiet = Client::open(b, a.id(), syncwire::kSyncProtocol);
        QVERIFY(quiet);
        QVERIFY(quiet->wasReset());
        QCOMPARE(a.server->counters().idle, quint64(1));
        QVERIFY(hasDrop(*a.host, DropReason::Idle, b.id()));
        QTRY_COMPARE_WITH_TIMEOUT(a.server->sessions(), 0, kTimeoutMs);
        // The connection itself stays: only the stream was idle.
        QVERIFY(a.host->isConnected(b.id()));
    }

    // A 1 MiB length prefix before any authenticated request: reset on the
    // prefix, without waiting for (or buffering) the frame.
    void oversizeUnauthenticatedFrameIsRefused() {
        Node a, b;
        QVERIFY(link(b, a));
        std::optional<Result<Stream *>> r;
        b.host->newStream(a.id(), {syncwire::kSyncProtocol}, [&](Result<Stream *> s) { r = std::move(s); });
        QVERIFY(QTest::qWaitFor([&] { return r.has_value(); }, kTimeoutMs) && *r);
        QPointer<Stream> s = r->value();
        bool reset = false;
        QObject::connect(s, &Stream::wasReset, s, [&] { reset = true; });
        QByteArray prefix;
        appendVarint(prefix, 1 << 20);
        s->write(prefix + QByteArray(4096, 'x'));  // the start of the frame only
        QVERIFY(QTest::qWaitFor([&] { return reset; }, kTimeoutMs));
        QCOMPARE(a.server->counters().oversize, quint64(1));
        QVERIFY(hasDrop(*a.host, DropReason::OversizeRequest, b.id()));

        // Just over 64 KiB, still unauthenticated: refused as well.
        auto c = Client::open(b, a.id(), syncwire::kSyncProtocol);
        QVERIFY(c);
        c->io->send(largestDeltasRequest(1000, 1000));
        QVERIFY(c->wasReset());
        QCOMPARE(a.server->counters().oversize, quint64(2));
    }

    // Once a member's request has checked out, the stream takes the largest
    // honest request (68 KiB), which it refused before.
    void memberMayThenSendLargeRequests() {
        Node a, b;
        auto inst = [](Node &n) {
            auto r = n.engine->installApp(test::readWasm("kv_store"), "kv_store");
            if (!r) qFatal("install: %s", qPrintable(r.error().message));
            return r->id;
        };
        const Hash32 app = inst(a);
        inst(b);
        auto ctx = a.engine->createContextSync(app, "limits");
        QVERIFY(ctx);
        QVERIFY(test::joinWithKeysOf(*a.engine, *b.engine, ctx->id, app));
        QVERIFY(link(b, a));
        const QByteArray key = *b.engine->contextKey(ctx->id);
        auto c = Client::open(b, a.id(), syncwire::kSyncProtocol);
        QVERIFY(c);
        auto authed = [&](pb::SyncRequest req) {
            req.set_context_id(syncwire::bytes(ctx->id));
            req.set_auth(syncwire::bytes(syncwire::authTag(key, syncwire::kSyncDomain, ctx->id, b.id(), a.id())));
            return req;
        };
        pb::SyncRequest heads;
        heads.mutable_heads();
        c->io->send(authed(heads));
        QVERIFY(c->answered());
        pb::SyncResponse first;
        QVERIFY(first.ParseFromArray(c->frames[0].constData(), int(c->frames[0].size())));
        QCOMPARE(first.kind_case(), pb::SyncResponse::kHeads);
        c->frames.clear();
        c->io->send(authed(largestDeltasRequest(1000, 1000)));
        QVERIFY(c->answered());
        QCOMPARE(a.server->counters().oversize, quint64(0));
    }
};

QTEST_GUILESS_MAIN(TestSyncLimits)
#include "tst_sync_limits.moc"
