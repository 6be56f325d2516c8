#pragma once
// A NodeServices for the API tests: a real Engine on a temporary directory,
// a real BlobCache, and in-memory stand-ins for the network parts. The
// engine's stateMutated notifications are forwarded to the owning thread the
// way Node does it (queued), so the API server sees the real signal.
#include "api/ApiJson.h"
#include "api/NodeServices.h"
#include "blob/BlobCache.h"
#include "blob/BlobStore.h"
#include "context/Engine.h"
#include "metrics/MetricsRegistry.h"
#include "crypto/Sha256.h"
#include <QMetaObject>
#include <QPointer>
#include <atomic>
#include <memory>

namespace dn::test {

class FakeNode : public NodeServices, public EngineListener {
public:
    static constexpr const char *kToken = "test-token-0123456789";
    static inline const Hash32 kJoinedContext = sha256("joined");
    // Peer ids of made-up keys: the node itself, a connected and a blocked peer.
    static inline const PeerId kSelf = PeerId::fromPublicKey(sha256("self"));
    static inline const PeerId kConnected = PeerId::fromPublicKey(sha256("p1"));
    static inline const PeerId kBlocked = PeerId::fromPublicKey(sha256("p2"));

    explicit FakeNode(const QString &dir) {
        Engine::Options o;
        o.dataDir = dir;
        o.workers = 2;
        auto e = Engine::open(o);
        if (!e) qFatal("engine: %s", qPrintable(e.error().message));
        engine_ = std::move(*e);
        engine_->setListener(this);
        // A family of "the node's own", to see it served next to the API's.
        metrics_.family("deltanode_fake_up", MetricsRegistry::Type::Gauge, "A test gauge.");
        metrics_.value("deltanode_fake_up", {}, [] { return 1.0; });
    }
    ~FakeNode() override { engine_.reset(); }

    Engine &engine() override { return *engine_; }
    BlobStore &blobs() override { return engine_->blobs(); }
    BlobCacheSnapshot blobCacheSnapshot() const override { return cache_.snapshot(); }
    bool evictCachedBlob(const Hash32 &blobId) override { return cache_.evict(blobId); }
    EvictionReport runBlobCacheEviction() override { return cache_.runEviction(); }
    BlobCache &blobCache() { return cache_; }  // for tests to fill it
    NodeStatus status() const override {
        NodeStatus s;
        s.peerId = kSelf;
        s.addresses = {QStringLiteral("/ip4/127.0.0.1/tcp/1/p2p/") + kSelf.toBase58()};
        s.version = QStringLiteral("0.0.0-test");
        s.uptimeSeconds = 7;
        return s;
    }
    QString apiToken() const override { return QString::fromLatin1(kToken); }
    MetricsRegistry &metrics() override { return metrics_; }
    Result<InvitationText> invite(const Hash32 &contextId, qint64 expires, uint32_t uses) override {
        lastInviteExpiry = expires;
        lastInviteUses = uses;
        InvitationText t;
        t.text = QStringLiteral("dn1fake") + contextId.toBase58();
        t.inviteId = QByteArray(16, '\x01');
        t.uses = uses;
        return t;
    }
    void join(const QString &invitation, std::function<void(Result<ContextInfo>)> done) override {
        if (invitation == QLatin1String("dn1good")) {
            ContextInfo c;
            c.id = kJoinedContext;
            c.name = QStringLiteral("joined");
            return done(c);
        }
        done(Error{ErrorCode::InvalidInvitation, QStringLiteral("that is not an invitation")});
    }
    std::vector<PeerInfo> peers() const override {
        PeerInfo connected;
        connected.peerId = kConnected;
        connected.address = QStringLiteral("/ip4/127.0.0.1/tcp/4001/p2p/") + kConnected.toBase58();
        connected.direction = QStringLiteral("outbound");
        connected.connections = 1;
        connected.rttMicros = 1500;
        connected.protocols = {QStringLiteral("/ipfs/ping/1.0.0")};
        connected.topics = {QStringLiteral("t1"), QStringLiteral("t2")};
        connected.meshTopics = {QStringLiteral("t1")};
        connected.bytesIn = 10;
        connected.bytesOut = 20;
        PeerInfo blocked;
        blocked.peerId = kBlocked;
        blocked.blocked = true;
        return {connected, blocked};
    }
    void recordWebsocketLatency(int64_t) override { ++websocketSamples; }

    // EngineListener (executor/committer threads): hop to the node thread.
    void stateMutated(const Hash32 &ctx, const Delta &delta, const Hash32 &root, bool) override {
        const std::vector<Event> events = delta.body.events;
        const Hash32 id = delta.id;
        QMetaObject::invokeMethod(this, [this, ctx, id, root, events] { emit NodeServices::stateMutated(ctx, id, root, events); },
                                  Qt::QueuedConnection);
    }

    uint32_t lastInviteUses = 0;
    qint64 lastInviteExpiry = 0;
    std::atomic<int> websocketSamples{0};

private:
    MetricsRegistry metrics_;
    std::unique_ptr<Engine> engine_;
    BlobCache cache_;
};

}  // namespace dn::test
