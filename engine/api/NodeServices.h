#pragma once
// What the client APIs (HTTP, JSON-RPC, WebSocket) may use of a running node.
// Implemented by Node; lives on the node thread, and every method must be
// called there. Signals are emitted on the node thread.
#include "blob/BlobCache.h"
#include "codec/Invitation.h"
#include "context/EngineTypes.h"
#include "crypto/Hash32.h"
#include "crypto/PeerId.h"
#include "util/Result.h"
#include <QByteArray>
#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <vector>

namespace dn {

class Engine;
class BlobStore;
class MetricsRegistry;

struct NodeStatus {
    PeerId peerId;
    QStringList addresses;  // p2p multiaddrs, with /p2p/<peer id>
    QString apiUrl;
    QString version;
    qint64 uptimeSeconds = 0;
    int peers = 0;
};

// One peer as the node sees it: connected, or blocked (then only peerId and
// blocked are set). The API and the monitor each render it their own way.
struct PeerInfo {
    PeerId peerId;
    QString address;          // the first connection's remote address, with /p2p/<id>
    QStringList addresses;    // listen addresses it announced (Identify)
    QString direction;        // "inbound" / "outbound"
    int connections = 0;
    qint64 rttMicros = -1;    // -1: not measured yet
    QString agentVersion;
    QStringList protocols;
    QStringList topics;       // the topics it subscribes to
    QStringList meshTopics;   // our topics where it is in our mesh
    quint64 bytesIn = 0;
    quint64 bytesOut = 0;
    bool blocked = false;
    // Gossip peer score (v1.1 scoring: invalid messages and membership);
    // below -80 the peer is graylisted: its gossip is dropped unread.
    double gossipScore = 0;
    bool graylisted = false;
    QString scoreReason;      // why the score is negative ("not a member", "invalid messages"), else empty
    QString lastDrop;         // why the node last dropped this peer, if it did
};

// A peer id as clients write it ("12D3KooW…"). The client APIs parse peers
// with this before they reach the node, so a bad one is refused the same way
// everywhere.
inline Result<PeerId> parsePeerId(const QString &text) {
    if (auto id = PeerId::fromBase58(text)) return *id;
    return Error{ErrorCode::InvalidId, QStringLiteral("\"%1\" is not an Ed25519 peer id (12D3KooW…)").arg(text)};
}

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
    virtual Result<InvitationText> invite(const Hash32 &contextId, qint64 expiresInSeconds, uint32_t uses) = 0;
    // Answers with the joined context (already synced or not).
    virtual void join(const QString &invitation, std::function<void(Result<ContextInfo>)> done) = 0;
    virtual std::vector<PeerInfo> peers() const = 0;
    // Admin actions on a peer: close its connections (it may reconnect), or
    // block it (closed and refused until unblocked).
    virtual Result<void> disconnectPeer(const PeerId &peerId) {
        return Error{ErrorCode::Unsupported, QStringLiteral("this node has no p2p network")};
    }
    virtual Result<void> setPeerBlocked(const PeerId &peerId, bool blocked) {
        return Error{ErrorCode::Unsupported, QStringLiteral("this node has no p2p network")};
    }
    // The `websocket` pipeline phase (ARCHITECTURE §13): time from a stateMutated
    // signal until the API server has queued the frame for one subscriber.
    virtual void recordWebsocketLatency(int64_t micros) {}

signals:
    // A delta was merged into a context's state (local or remote), with the
    // app events it carries. Emitted and received on the node thread.
    void stateMutated(const dn::Hash32 &contextId, const dn::Hash32 &deltaId, const dn::Hash32 &newRoot,
                      const std::vector<dn::Event> &events);
};

}  // namespace dn
