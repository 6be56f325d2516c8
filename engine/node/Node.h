#pragma once
// The node: everything one deltanode runs, on the node thread (ARCHITECTURE §3).
// Owns the engine, the blob cache, the metrics, the timers and the client API
// server. Engine callbacks arrive on executor/committer threads and are
// forwarded here as queued calls, so everything else in Node is
// single-threaded. Create it on the thread it will live on (NodeThread does).
#include "api/NodeServices.h"
#include "blob/BlobCache.h"
#include "network/HeartbeatTracker.h"
#include "metrics/MetricsRegistry.h"
#include "node/NodeConfig.h"
#include <QElapsedTimer>
#include <QThreadPool>
#include <QUrl>
#include <memory>
#include <optional>
#include <set>

namespace dn {

class ApiServer;
class Network;
class NodeTimers;

class Node : public NodeServices {
    Q_OBJECT
public:
    // Opens the database (creating identity and API token at first start).
    static Result<std::unique_ptr<Node>> open(const NodeConfig &config);
    ~Node() override;

    // Starts the API server and the timers.
    Result<void> start();
    // Stops serving, finishes background work and makes everything durable.
    // Idempotent; the destructor calls it.
    void shutdown();

    // NodeServices
    Engine &engine() override { return *engine_; }
    BlobStore &blobs() override;
    BlobCacheSnapshot blobCacheSnapshot() const override { return cache_.snapshot(); }
    bool evictCachedBlob(const Hash32 &blobId) override { return cache_.evict(blobId); }
    EvictionReport runBlobCacheEviction() override { return cache_.runEviction(); }
    NodeStatus status() const override;
    QString apiToken() const override { return token_; }
    MetricsRegistry &metrics() override { return metrics_; }
    Result<InvitationText> invite(const Hash32 &contextId, qint64 expiresInSeconds, uint32_t uses) override;
    void join(const QString &invitation, std::function<void(Result<ContextInfo>)> done) override;
    std::vector<PeerInfo> peers() const override;
    Result<void> disconnectPeer(const PeerId &peerId) override;
    Result<void> setPeerBlocked(const PeerId &peerId, bool blocked) override;
    void recordWebsocketLatency(int64_t micros) override;

    // An installed app's module bytes, through the blob cache.
    std::optional<QByteArray> appModule(const Hash32 &appId);

    // The blob cache itself, for tests and benchmarks (clients use the
    // NodeServices calls above).
    BlobCache &blobCache() { return cache_; }
    // metrics() rendered: the node's families and the API server's.
    QByteArray metricsText();
    // The pipeline phases the node records itself (the engine's own phases
    // are in EngineMetrics).
    enum class Phase { Broadcast, Websocket, EndToEnd };
    static const char *phaseName(Phase phase);  // its `phase` label
    // The phase a label names; none for the engine's phases and unknown names.
    static std::optional<Phase> phaseFromName(QStringView name);
    const Histogram &phaseHistogram(Phase phase) const;

    const NodeConfig &config() const { return config_; }
    NodeTimers &timers() { return *timers_; }
    HeartbeatTracker &heartbeats() { return heartbeats_; }
    // A NullNetwork until start() brings up the p2p network.
    Network &network() { return *network_; }
    QUrl apiUrl() const { return apiUrl_; }
    QString apiTokenFile() const { return tokenFile_; }
    // Background jobs still running (pending cleanup, tombstone GC).
    bool backgroundBusy() const { return !busy_.empty(); }
    // The database error that stopped the node (ARCHITECTURE "Fail-stop
    // storage"), empty while the storage is healthy.
    QString storageFailure() const { return storageFailure_; }

signals:
    // The database failed: the node has stopped serving (API, network,
    // timers) and refuses every change; the owner should end the process
    // (the daemon exits with code 3) after showing `message`.
    void storageFailed(const QString &message);

private:
    class Forwarder;
    explicit Node(const NodeConfig &config);
    void setupMetrics();
    void setupTimers();
    void onStateMutated(const Hash32 &contextId, const Hash32 &deltaId, uint64_t hlc, const Hash32 &newRoot,
                        const std::vector<Event> &events, bool local);
    void heartbeat();
    // Fail-stop: on the node thread, once.
    void onStorageFailed(const QString &message);
    // Runs `work` on the background thread (it may block on the executor
    // workers), then `then` with its result back on the node thread. A job
    // still running when its timer fires again is not started twice.
    void runInBackground(const QString &job, std::function<uint64_t()> work, std::function<void(uint64_t)> then);

    NodeConfig config_;
    MetricsRegistry metrics_;
    BlobCache cache_;
    HeartbeatTracker heartbeats_;
    std::unique_ptr<Forwarder> forwarder_;  // outlives engine_: the engine calls it until destroyed
    std::unique_ptr<Engine> engine_;
    QThreadPool background_;
    std::set<QString> busy_;
    NodeTimers *timers_ = nullptr;  // child
    std::unique_ptr<ApiServer> api_;
    QUrl apiUrl_;
    QString token_;
    QString tokenFile_;
    QElapsedTimer uptime_;
    Histogram *broadcast_ = nullptr;  // owned by metrics_
    Histogram *websocket_ = nullptr;
    Histogram *endToEnd_ = nullptr;
    std::atomic<uint64_t> *mutationsLocal_ = nullptr;  // owned by metrics_
    std::atomic<uint64_t> *mutationsRemote_ = nullptr;
    std::vector<ContextInfo> contextsSnapshot_;  // taken once per scrape
    bool stopped_ = false;
    QString storageFailure_;
    std::unique_ptr<Network> network_;  // declared last: destroyed before the engine
};

}  // namespace dn
