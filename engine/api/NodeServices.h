#pragma once
// What the client APIs (HTTP, JSON-RPC, WebSocket) may use of a running node.
// Implemented by Node; lives on the node thread, and every method must be
// called there. Signals are emitted on the node thread.
#include "blob/BlobCache.h"
#include "crypto/Hash32.h"
#include "util/Result.h"
#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>

namespace dn {

class Engine;
class BlobStore;
class MetricsRegistry;

struct NodeStatus {
    QString peerId;
    QStringList addresses;  // p2p multiaddrs, with /p2p/<peer id>
    QString apiUrl;
    QString version;
    qint64 uptimeSeconds = 0;
    int peers = 0;
};

class NodeServices : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    // Still the whole engine: the JSON-RPC, admin and WebSocket routes use
    // most of its interface (apps, contexts, calls, queries), so a narrower
    // facade would repeat it method for method.
    virtual Engine &engine() = 0;
    // Blobs: stored, streamed in and out, listed and stat'ed (thread-safe,
    // so routes use it from the offload pool). The database stays hidden.
    virtual BlobStore &blobs() = 0;
    // The blob cache as the admin API shows it, and the two ways to evict.
    virtual BlobCacheSnapshot blobCacheSnapshot() const = 0;
    virtual bool evictCachedBlob(const Hash32 &blobId) = 0;
    virtual EvictionReport runBlobCacheEviction() = 0;
    virtual NodeStatus status() const = 0;
    virtual QString apiToken() const = 0;
    // Every metric of the node. GET /metrics renders it (Prometheus text
    // format 0.0.4) and the API server registers its own families in it, so
    // the exposition has one writer.
    virtual MetricsRegistry &metrics() = 0;
    // Invitations and peers come with the network layer; until then invite
    // produces an invitation without reachable addresses and join/peers report that.
    virtual Result<QString> invite(const Hash32 &contextId, qint64 expiresInSeconds) = 0;
    virtual void join(const QString &invitation, std::function<void(Result<QJsonObject>)> done) = 0;
    virtual QJsonArray peers() const = 0;
    // Admin actions on a peer (base58 peer id): close its connections (it
    // may reconnect), or block it (closed and refused until unblocked).
    virtual Result<void> disconnectPeer(const QString &peerId) {
        return Error{ErrorCode::Unsupported, QStringLiteral("this node has no p2p network")};
    }
    virtual Result<void> setPeerBlocked(const QString &peerId, bool blocked) {
        return Error{ErrorCode::Unsupported, QStringLiteral("this node has no p2p network")};
    }
    // The `websocket` pipeline phase (DESIGN §13): time from a stateMutated
    // signal until the API server has queued the frame for one subscriber.
    virtual void recordWebsocketLatency(int64_t micros) {}

signals:
    // A delta was merged into a context's state (local or remote). `events`
    // holds {kind, data} objects as the WebSocket API pushes them.
    void stateMutated(const dn::Hash32 &contextId, const dn::Hash32 &deltaId, const dn::Hash32 &newRoot,
                      const QJsonArray &events);
};

}  // namespace dn
