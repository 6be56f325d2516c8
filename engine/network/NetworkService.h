#pragma once
// The node's network (ARCHITECTURE §9): the libp2p Host, gossipsub, sync, blob
// transfer and discovery, wired to the engine. Lives on the node thread,
// owned by Node.
//
//  * One gossip topic per context (base58 context id), subscribed for every
//    context this node has. A topic carries GossipPayload messages
//    (codec/sync.proto): a delta envelope, or a HashHeartbeat.
//  * A delta authored here is published once durable (Node forwards
//    EngineListener::localDeltaDurable to publishDelta).
//  * A received envelope goes to Engine::receive; if it waits for parents we
//    do not have, they are fetched from the sender at once. Its `broadcast`
//    latency (receipt − the delta's HLC wall time) is recorded.
//  * A heartbeat naming heads we lack triggers a sync with its sender.
//  * Sync (SyncManager) runs on join, on missing parents, on heartbeats, on
//    (re)connection and on the periodic tick.
#include "context/EngineTypes.h"
#include "crypto/PeerId.h"
#include "network/HeartbeatTracker.h"
#include "network/Network.h"
#include "network/NetworkConfig.h"
#include "util/Result.h"
#include <QHash>
#include <QObject>
#include <map>
#include <set>
#include <optional>
#include <unordered_map>
#include <QSet>
#include <QTimer>
#include <functional>
#include <optional>
#include <memory>

namespace dn {

class BlobServer;
class JoinServer;
class BlockingJobs;
class Engine;
class GossipService;
struct GossipMessage;
enum class ValidationResult;
class Histogram;
class Host;
class MetricsRegistry;
class PeerDiscovery;
class SyncManager;
class SyncServer;
struct InvitationData;
struct ParsedEnvelope;

class NetworkService : public QObject, public Network {
    Q_OBJECT
public:
    struct Deps {
        Engine *engine = nullptr;
        MetricsRegistry *metrics = nullptr;
        HeartbeatTracker *heartbeats = nullptr;
        Histogram *broadcast = nullptr;  // the `broadcast` phase
        // Where app modules served to joining members are read from (the
        // node's blob cache); empty: straight from the engine.
        std::function<std::optional<QByteArray>(const Hash32 &)> appModule;
    };

    NetworkService(const NetworkConfig &config, Deps deps, QObject *parent = nullptr);
    ~NetworkService() override;

    // Listens (a listen address that cannot be bound is logged and skipped:
    // the node still dials out), starts gossip, sync and blob service, dials
    // the bootstrap peers and subscribes to every context's topic.
    Result<void> start();
    void stop() override;

    QStringList listenAddresses() const override;  // with /p2p/<our id>
    int peerCount() const override;
    // Connected peers, then blocked ones (so they can be unblocked).
    std::vector<PeerInfo> peers() const override;
    Result<void> disconnectPeer(const PeerId &peerId) override;
    Result<void> setPeerBlocked(const PeerId &peerId, bool blocked) override;

    Result<InvitationText> invite(const Hash32 &contextId, qint64 expiresInSeconds, uint32_t uses) override;
    // Verifies the invitation, dials the inviter, fetches the app if missing,
    // joins, subscribes, syncs and writes our membership entry (JoinFlow).
    void join(const QString &invitation, std::function<void(Result<ContextInfo>)> done) override;

    // Node thread.
    void publishDelta(const Hash32 &contextId, const QByteArray &envelope) override;
    void publishHeartbeats(const std::vector<Heartbeat> &beats) override;
    void syncTick() override;
    // Subscribes to the topics of new contexts and leaves those of deleted ones.
    void reconcileTopics();

    static QString topicOf(const Hash32 &contextId);

    Host &host() { return *host_; }
    GossipService &gossip() { return *gossip_; }
    SyncManager &sync() { return *sync_; }
    BlockingJobs &jobs() { return *jobs_; }
    Engine &engine() { return *deps_.engine; }
    PeerDiscovery &discovery() { return *discovery_; }

private:
    std::optional<Hash32> announcedRoot(const Hash32 &contextId, const std::vector<Hash32> &heads, const PeerId &except) const;
    std::unordered_map<Hash32, std::map<PeerId, Heartbeat>> announced_;  // members only, node thread

    // Gossip hardening (NetworkGossipGate.cpp): the validator the router
    // asks before it forwards, signature checks on a worker, the
    // membership score of each peer.
    void setupGossipGate();
    ValidationResult validateMessage(const GossipMessage &msg, const PeerId &receivedFrom);
    double membershipScore(const PeerId &peer, const std::set<QString> &topics) const;
    void onMessage(const QString &topic, const QByteArray &data, const PeerId &from);
    void onEnvelope(const Hash32 &contextId, const QByteArray &envelope, const PeerId &from);
    void onHeartbeat(const Hash32 &contextId, const Heartbeat &heartbeat, const PeerId &from);
    QList<PeerId> syncPeers(const Hash32 &contextId) const;
    void setupMetrics();  // NetworkMetrics.cpp
    void registerTopicMetrics(const QString &topic);

    NetworkConfig config_;
    Deps deps_;
    std::unique_ptr<Host> host_;
    std::unique_ptr<GossipService> gossip_;
    std::unique_ptr<BlockingJobs> jobs_;
    std::unique_ptr<BlockingJobs> verifier_;  // gossip signature checks, off the node thread
    // Connected non-members that sent us their own messages on a members'
    // topic (scored as strangers). Bounded: only connected peers, pruned on
    // disconnect.
    std::set<PeerId> strangers_;
    std::unique_ptr<SyncManager> sync_;
    std::unique_ptr<SyncServer> syncServer_;
    std::unique_ptr<BlobServer> blobServer_;
    std::unique_ptr<JoinServer> joinServer_;
    std::unique_ptr<PeerDiscovery> discovery_;
    QHash<QString, Hash32> topics_;  // subscribed topic → context
    QSet<QString> metricTopics_;
    QTimer topicTimer_;
    bool started_ = false;
    // Counters for /metrics (node thread).
    quint64 deltasPublished_ = 0, deltasReceived_ = 0, heartbeatsPublished_ = 0, heartbeatsReceived_ = 0;
    quint64 badPayloads_ = 0, publishFailures_ = 0;
};

}  // namespace dn
