// NetworkService in process, without Node: two services on loopback. Local
// deltas are not wired to publishDelta here, so the only ways B can learn
// A's writes are the ones under test: a hash heartbeat naming heads B lacks
// (→ sync with its sender), and a received envelope whose parents B lacks
// (→ those parents fetched from the sender at once).
#include "NodeTestUtil.h"
#include "context/Engine.h"
#include "crypto/Sha256.h"
#include "gossip/GossipService.h"
#include "metrics/Histogram.h"
#include "net/Host.h"
#include "network/HeartbeatTracker.h"
#include "metrics/MetricsRegistry.h"
#include "network/NetworkService.h"
#include "sync/SyncManager.h"
#include <QTemporaryDir>
#include <QtTest>

using namespace dn;
using namespace dn::test;

namespace {

constexpr int kTimeoutMs = 20000;

struct Side {
    QTemporaryDir dir;
    std::unique_ptr<Engine> engine;
    MetricsRegistry metrics;
    HeartbeatTracker heartbeats;
    Histogram broadcast;
    std::unique_ptr<NetworkService> net;

    explicit Side(const QStringList &bootstrap = {}) {
        // The network's own config (this test links dn_network, not the node).
        NetworkConfig c;
        c.listen = {QStringLiteral("/ip4/127.0.0.1/tcp/0")};
        c.bootstrap = bootstrap;
        c.mdns = false;
        c.sync.intervalMs = 0;  // heartbeat-triggered syncs are not held back here
        Engine::Options o;
        o.dataDir = dir.path();
        o.workers = 1;  // tests run on 2 cores next to other tests
        auto e = Engine::open(o);
        if (!e) qFatal("engine: %s", qPrintable(e.error().message));
        engine = std::move(*e);
        net = std::make_unique<NetworkService>(c, NetworkService::Deps{engine.get(), &metrics, &heartbeats, &broadcast});
        if (!net->start()) qFatal("network did not start");
    }
    ~Side() {
        net->stop();
        engine->flush();
        net.reset();
    }
    // kv_store's answer for `key` ("null" when absent).
    QByteArray value(const Hash32 &ctx, const QByteArray &key) const {
        auto r = engine->executeSync(ctx, "get", "{\"key\":\"" + key + "\"}");
        return r ? r->output : QByteArray("<error>");
    }
};

}  // namespace

class TestNetworkService : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QLoggingCategory::setFilterRules(QStringLiteral("dn.*.debug=false\ndn.*.info=false")); }

    void heartbeatsAndMissingParentsTriggerSync() {
        Side a;
        QVERIFY(!a.net->listenAddresses().isEmpty());
        Side b(a.net->listenAddresses());
        auto app = a.engine->installApp(wasm("kv_store"), QStringLiteral("kv"));
        QVERIFY(app);
        auto ctx = a.engine->createContextSync(app->id, QStringLiteral("hb"));
        QVERIFY(ctx);
        a.net->reconcileTopics();
        auto inv = a.net->invite(ctx->id, 600, 1);
        QVERIFY2(inv, inv ? "" : qPrintable(inv.error().message));

        std::optional<Result<ContextInfo>> joined;
        b.net->join(inv->text, [&](Result<ContextInfo> r) { joined = std::move(r); });
        QTRY_VERIFY_WITH_TIMEOUT(joined.has_value(), kTimeoutMs);
        QVERIFY2(*joined, *joined ? "" : qPrintable(joined->error().message));
        QVERIFY(b.engine->app(app->id));  // fetched from A over the blob protocol
        const QString topic = NetworkService::topicOf(ctx->id);
        QTRY_VERIFY_WITH_TIMEOUT(a.net->gossip().topicPeers(topic).contains(b.net->host().peerId()), kTimeoutMs);

        // 1. A writes; nothing is published. A heartbeat names A's heads.
        // (B's membership delta is not published either, so the roots differ
        // for good here: values are compared.)
        QVERIFY(a.engine->executeSync(ctx->id, "set", R"({"key":"k1","value":"v1"})"));
        QCOMPARE(b.value(ctx->id, "k1"), QByteArray("null"));
        const quint64 syncsBefore = b.net->sync().counters().attempts;
        a.net->publishHeartbeats(a.heartbeats.due(a.engine->contexts()));
        QTRY_COMPARE_WITH_TIMEOUT(b.value(ctx->id, "k1"), QByteArray(R"("v1")"), kTimeoutMs);
        QVERIFY(b.net->sync().counters().attempts > syncsBefore);

        // 2. A writes twice and publishes only the second: B fetches the first
        // (its parent) from A at once, not at some later tick.
        QVERIFY(a.engine->executeSync(ctx->id, "set", R"({"key":"k2","value":"v2"})"));
        auto second = a.engine->executeSync(ctx->id, "set", R"({"key":"k3","value":"v3"})");
        QVERIFY(second && second->deltaId);
        auto env = a.engine->envelopes(ctx->id, {*second->deltaId});
        QVERIFY(env && env->size() == 1);
        const quint64 pullsBefore = b.net->sync().counters().parentPulls;
        a.net->publishDelta(ctx->id, env->front());
        QTRY_COMPARE_WITH_TIMEOUT(b.value(ctx->id, "k3"), QByteArray(R"("v3")"), kTimeoutMs);
        QCOMPARE(b.value(ctx->id, "k2"), QByteArray(R"("v2")"));
        QCOMPARE(b.net->sync().counters().parentPulls, pullsBefore + 1);
        QVERIFY(b.broadcast.count() >= 1);  // the broadcast phase was measured on receipt

        // Peers as the admin API lists them.
        const std::vector<PeerInfo> peers = b.net->peers();
        QCOMPARE(peers.size(), size_t(1));
        const PeerInfo &p = peers.front();
        QCOMPARE(p.peerId, a.net->host().peerId());
        QVERIFY(!p.blocked);
        QCOMPARE(p.direction, QStringLiteral("outbound"));
        QVERIFY(p.address.endsWith(QStringLiteral("/p2p/") + p.peerId.toBase58()));
        QVERIFY(p.topics.contains(topic));
        QVERIFY(p.bytesIn > 0);
        QCOMPARE(b.net->peerCount(), 1);
        // Admin actions that cannot apply are refused clearly (text that is
        // not a peer id never gets this far: the API refuses it).
        QCOMPARE(b.net->disconnectPeer(PeerId::fromPublicKey(sha256("stranger"))).error().code, ErrorCode::PeerNotFound);
        QCOMPARE(b.net->setPeerBlocked(b.net->host().peerId(), true).error().code, ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestNetworkService)
#include "tst_network_service.moc"
