#include "node/Node.h"
#include "context/Engine.h"
#include "node/ApiToken.h"
#include "node/NodeResources.h"
#include "network/NetworkService.h"
#include "network/NullNetwork.h"
#include "node/NodeTimers.h"
#include "state/Hlc.h"
#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QMetaObject>
#include <QPointer>
#if __has_include("api/ApiServer.h")
#include "api/ApiServer.h"
#define DN_HAVE_API_SERVER 1
#endif

Q_LOGGING_CATEGORY(lcNode, "dn.node")

namespace dn {

// Engine callbacks → queued calls on the node thread. Copies only what the
// node needs, so executor threads never touch node state.
class Node::Forwarder : public EngineListener {
public:
    explicit Forwarder(Node *node) : node_(node) {}
    void stateMutated(const Hash32 &contextId, const Delta &delta, const Hash32 &newRoot, bool local) override {
        QMetaObject::invokeMethod(
            node_,
            [n = node_, contextId, id = delta.id, hlc = delta.body.hlc, newRoot, events = delta.body.events, local] {
                n->onStateMutated(contextId, id, hlc, newRoot, events, local);
            },
            Qt::QueuedConnection);
    }
    void localDeltaDurable(const Hash32 &contextId, const Hash32 &, const QByteArray &envelope) override {
        QMetaObject::invokeMethod(
            node_,
            [n = node_, contextId, envelope] { n->network_->publishDelta(contextId, envelope); },
            Qt::QueuedConnection);
    }
    void deltaRejected(const Hash32 &contextId, const QString &reason, const QString &message) override {
        qCDebug(lcNode) << "delta for" << contextId.toBase58() << "rejected:" << reason << message;
    }
    void storageFailed(const Error &error) override {
        QMetaObject::invokeMethod(
            node_, [n = node_, message = error.message] { n->onStorageFailed(message); }, Qt::QueuedConnection);
    }

private:
    Node *node_;
};

Node::Node(const NodeConfig &config)
    : config_(config), cache_(config.blobCache), forwarder_(std::make_unique<Forwarder>(this)) {
    background_.setMaxThreadCount(1);
    background_.setObjectName(QStringLiteral("node-background"));
}

Result<std::unique_ptr<Node>> Node::open(const NodeConfig &config) {
    std::unique_ptr<Node> n(new Node(config));
    // Usually made by NodeCommandLine already; embedders may skip it.
    if (!QFileInfo::exists(config.dataDir)) {
        if (!QDir().mkpath(config.dataDir))
            return Error{ErrorCode::Io, QStringLiteral("cannot create the data directory %1").arg(config.dataDir)};
        QFile::setPermissions(config.dataDir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
    auto token = ApiToken::loadOrCreate(config.dataDir);
    if (!token) return token.error();
    n->token_ = token->token;
    n->tokenFile_ = token->path;
    auto engine = Engine::open(config.engineOptions());
    if (!engine) return engine.error();
    n->engine_ = std::move(*engine);
    n->engine_->setListener(n->forwarder_.get());
    n->network_ = std::make_unique<NullNetwork>(*n->engine_, config.p2p.listen);
    n->uptime_.start();
    n->setupMetrics();
    n->setupTimers();
    return n;
}

Node::~Node() { shutdown(); }

BlobStore &Node::blobs() { return engine_->blobs(); }

Result<void> Node::start() {
    auto net = std::make_unique<NetworkService>(
        config_.networkConfig(), NetworkService::Deps{engine_.get(), &metrics_, &heartbeats_, broadcast_,
                                      [this](const Hash32 &app) { return appModule(app); }});
    if (auto r = net->start(); !r) return r;
    network_ = std::move(net);
#ifdef DN_HAVE_API_SERVER
    ApiServerOptions apiOptions;
    for (const QString &h : config_.api.allowedHosts) apiOptions.allowedHosts << h.toUtf8();
    for (const QString &o : config_.api.allowedOrigins) apiOptions.allowedOrigins << o.toUtf8();
    apiOptions.metricsPublic = config_.api.metricsPublic;
    apiOptions.limits.maxConnections = config_.api.maxConnections;
    apiOptions.limits.headerTimeoutMs = config_.api.headerTimeoutS * 1000;
    apiOptions.limits.idleTimeoutMs = config_.api.idleTimeoutS * 1000;
    api_ = std::make_unique<ApiServer>(*this, std::move(apiOptions));
    const QHostAddress host(config_.api.host == QLatin1String("localhost") ? QStringLiteral("127.0.0.1") : config_.api.host);
    auto port = api_->listen(host, quint16(config_.api.port));
    if (!port) {
        api_.reset();
        return Error{port.error().code, QStringLiteral("cannot serve the API on %1:%2: %3")
                                            .arg(config_.api.host).arg(config_.api.port).arg(port.error().message)};
    }
    apiUrl_ = api_->url();
#else
    qCWarning(lcNode) << "this build has no API server";
#endif
    timers_->start();
    qCInfo(lcNode) << "node started:" << engine_->identity().peerId().toBase58() << "api" << apiUrl_.toString();
    return {};
}

void Node::shutdown() {
    if (stopped_) return;
    stopped_ = true;
    if (timers_) timers_->stop();
    api_.reset();                // no new requests
    if (network_) network_->stop();  // null only when open() failed before the engine was up
    background_.waitForDone();   // GC / cleanup jobs hold the engine
    if (engine_) {
        engine_->beginShutdown();  // queued app calls are answered, not run
        engine_->flush();
    }
    if (storageFailure_.isEmpty()) qCInfo(lcNode) << "node stopped; everything is durable";
    else qCInfo(lcNode) << "node stopped after a storage failure; every acknowledged change is durable";
}

NodeStatus Node::status() const {
    NodeStatus s;
    s.peerId = engine_->identity().peerId();
    s.addresses = network_->listenAddresses();
    s.apiUrl = apiUrl_.toString();
    s.version = QString::fromLatin1(kNodeVersion);
    s.uptimeSeconds = uptime_.elapsed() / 1000;
    s.peers = network_->peerCount();
    return s;
}

QByteArray Node::metricsText() { return metrics_.render(); }

void Node::recordWebsocketLatency(int64_t micros) { websocket_->record(micros); }

std::optional<QByteArray> Node::appModule(const Hash32 &appId) {
    return cache_.get(appId, [this, appId] { return engine_->appBytes(appId); });
}

Result<InvitationText> Node::invite(const Hash32 &contextId, qint64 expiresInSeconds, uint32_t uses) {
    return network_->invite(contextId, expiresInSeconds, uses);
}

void Node::join(const QString &invitation, std::function<void(Result<ContextInfo>)> done) {
    network_->join(invitation, std::move(done));
}

std::vector<PeerInfo> Node::peers() const { return network_->peers(); }

Result<void> Node::disconnectPeer(const PeerId &peerId) { return network_->disconnectPeer(peerId); }

Result<void> Node::setPeerBlocked(const PeerId &peerId, bool blocked) {
    return network_->setPeerBlocked(peerId, blocked);
}

void Node::onStateMutated(const Hash32 &contextId, const Hash32 &deltaId, uint64_t hlc, const Hash32 &newRoot,
                          const std::vector<Event> &events, bool local) {
    (local ? mutationsLocal_ : mutationsRemote_)->fetch_add(1, std::memory_order_relaxed);
    emit stateMutated(contextId, deltaId, newRoot, events);
    // Author's transaction time → every client of this node told.
    endToEnd_->record(microsSinceNtp64(hlc));
}

void Node::runInBackground(const QString &job, std::function<uint64_t()> work, std::function<void(uint64_t)> then) {
    if (stopped_ || busy_.count(job)) return;
    busy_.insert(job);
    QPointer<Node> self(this);
    background_.start([self, job, work = std::move(work), then = std::move(then), node = this] {
        const uint64_t result = work();
        QMetaObject::invokeMethod(
            node,
            [self, job, then, result] {
                if (!self) return;
                self->busy_.erase(job);
                then(result);
            },
            Qt::QueuedConnection);
    });
}

void Node::onStorageFailed(const QString &message) {
    if (!storageFailure_.isEmpty()) return;
    storageFailure_ = message;
    // The store refuses every write already (nothing more is acknowledged);
    // stop taking requests and talking to peers, then tell the owner.
    qCCritical(lcNode).noquote() << "storage failed:" << message << "- the node stops";
    shutdown();
    emit storageFailed(message);
}

void Node::heartbeat() {
    const auto beats = heartbeats_.due(engine_->contexts());
    metrics_.counter("deltanode_heartbeats_total", {{"result", "sent"}}).store(heartbeats_.sent());
    metrics_.counter("deltanode_heartbeats_total", {{"result", "skipped"}}).store(heartbeats_.skipped());
    network_->publishHeartbeats(beats);
}

void Node::setupTimers() {
    using namespace std::chrono;
    timers_ = new NodeTimers(metrics_, this);
    const auto &t = config_.timers;
    timers_->add(QStringLiteral("blob_eviction"), seconds(t.blobEvictionS), [this] { cache_.runEviction(); });
    timers_->add(QStringLiteral("pending_cleanup"), seconds(t.pendingCleanupS), [this] {
        Engine *e = engine_.get();
        runInBackground(QStringLiteral("pending_cleanup"), [e] { return uint64_t(e->cleanupPending()); },
                        [this](uint64_t dropped) { metrics_.counter("deltanode_pending_dropped_total").fetch_add(dropped); });
    });
    timers_->add(QStringLiteral("heartbeat"), seconds(t.heartbeatS), [this] { heartbeat(); });
    timers_->add(QStringLiteral("sync"), seconds(config_.sync.frequencyS), [this] { network_->syncTick(); });
    // Pings run in the libp2p host (one per peer every ping_s); this counts the period.
    timers_->add(QStringLiteral("ping"), seconds(t.pingS), [] {});
    timers_->add(QStringLiteral("tombstone_gc"), hours(t.tombstoneGcIntervalH), [this] {
        Engine *e = engine_.get();
        const int64_t retentionMs = int64_t(config_.timers.tombstoneRetentionH) * 3600 * 1000;
        runInBackground(QStringLiteral("tombstone_gc"), [e, retentionMs] { return uint64_t(e->gcTombstones(retentionMs)); },
                        [this](uint64_t removed) { metrics_.counter("deltanode_tombstones_collected_total").fetch_add(removed); });
    });
}

}  // namespace dn
