#pragma once
// A libp2p host: the node's identity on the network. Listens and dials TCP
// multiaddrs, upgrades connections (multistream → Noise → yamux), routes
// inbound streams to protocol handlers, runs Identify and Ping, and keeps a
// PeerStore. Single-threaded: create it on the node thread and call it only
// there. Callbacks and signals arrive on that thread too.
//
// Peers are dn::PeerId values throughout; their base58 text is for logs and
// the API only.
#include "crypto/Ed25519.h"
#include "crypto/PeerId.h"
#include "net/Connection.h"
#include "net/Direction.h"
#include "net/Multiaddr.h"
#include "net/NetCounters.h"
#include "net/PeerDrop.h"
#include "net/PeerStore.h"
#include "net/Stream.h"
#include "util/Result.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <functional>
#include <memory>

class QHostAddress;
class QTcpServer;
class QTimer;

namespace dn {

class IdentifyService;
class PingService;

struct HostConfig {
    QString agentVersion = QStringLiteral("deltanode/0.1.0");
    QString protocolVersion = QStringLiteral("ipfs/0.1.0");
    int pingIntervalMs = 15000;   // periodic ping per connected peer; 0 disables
    int pingTimeoutMs = 10000;
    int dialTimeoutMs = 10000;    // TCP connect + upgrade
    int upgradeTimeoutMs = 10000; // inbound upgrade
    int identifyTimeoutMs = 10000;
    int maxConnections = 512;
    int maxPendingUpgrades = 64;  // inbound connections not yet upgraded
    // Resource limits (ARCHITECTURE §16, "P2P resource limits"). Inbound
    // counts include connections still upgrading.
    int maxConnectionsPerPeer = 4;    // both directions, per peer id
    int maxInboundPerIp = 32;         // per remote IP address
    int maxInboundConnections = 256;  // all inbound together
    qint64 maxPendingOutput = 32LL * 1024 * 1024;  // per connection (ConnectionConfig)
    int maxStreamRefusals = 64;       // per connection, then it is dropped
    int dropLogSize = 256;            // entries kept by drops()
    // Disconnected PeerStore entries without a dialable address are pruned
    // this long after they were last seen (inbound-only peers leave nothing
    // useful behind); checked every pruneIntervalMs, 0 disables.
    int pruneIntervalMs = 10 * 60 * 1000;
    qint64 pruneUnreachableAfterMs = 60LL * 60 * 1000;
    bool inlineMuxerNegotiation = true;
    YamuxConfig yamux;
};

using DialCallback = std::function<void(Result<Connection *>)>;
using StreamHandler = std::function<void(Stream *)>;
using PingCallback = std::function<void(Result<qint64>)>;  // RTT in microseconds

class Host : public QObject {
    Q_OBJECT
public:
    explicit Host(Ed25519Key identity, HostConfig config = {}, QObject *parent = nullptr);
    ~Host() override;

    const PeerId &peerId() const { return peerId_; }
    const Ed25519Key &identity() const { return identity_; }
    const HostConfig &config() const { return config_; }

    // Listens on a TCP multiaddr (port 0 picks one). Returns the bound
    // address with /p2p/<our id>.
    Result<Multiaddr> listen(const Multiaddr &addr);
    // Where peers can reach us, with /p2p/ (wildcard binds are expanded to
    // this machine's addresses).
    QList<Multiaddr> listenAddresses() const;
    void stopListening();

    // Connects (or reuses an open connection to the /p2p/ peer of `addr`).
    // The callback runs exactly once, never inside this call.
    void dial(const Multiaddr &addr, DialCallback callback);
    // Opens a stream to `peer` on an open connection, dialing the peer's
    // known addresses first when there is none.
    void newStream(const PeerId &peer, const QStringList &protocols, StreamCallback callback);

    void setStreamHandler(const QString &protocol, StreamHandler handler);
    void removeStreamHandler(const QString &protocol);
    QStringList protocols() const;

    QList<Connection *> connections() const;  // established ones
    QList<Connection *> connectionsTo(const PeerId &peer) const;
    Connection *connectionTo(const PeerId &peer) const;  // oldest, or nullptr
    bool isConnected(const PeerId &peer) const { return connectionTo(peer) != nullptr; }
    QList<PeerId> connectedPeers() const;
    void disconnect(const PeerId &peer);

    // A blocked peer's connections are closed, dials to it fail and its
    // inbound connections are refused after the handshake names it.
    void block(const PeerId &peer);
    void unblock(const PeerId &peer);
    bool isBlocked(const PeerId &peer) const { return blocked_.contains(peer); }
    QList<PeerId> blockedPeers() const { return blocked_.values(); }

    // One /ipfs/ping/1.0.0 round trip; also updates the PeerStore.
    void ping(const PeerId &peer, PingCallback callback);

    PeerStore &peerStore() { return peerStore_; }
    const PeerStore &peerStore() const { return peerStore_; }
    const NetCounters &counters() const { return counters_; }
    NetCounters &counters() { return counters_; }

    // The latest resource-limit drops, oldest first (at most dropLogSize).
    QList<DropRecord> drops() const { return drops_; }
    // Records a drop, counts it and emits peerDropped. The host records its
    // own (connections); protocol servers record stream resets and refusals.
    void recordDrop(DropRecord record);

signals:
    void peerConnected(const dn::PeerId &peerId, dn::Direction direction);  // first connection
    void peerDisconnected(const dn::PeerId &peerId);                        // last one closed
    void peerIdentified(const dn::PeerId &peerId, const QStringList &protocols,
                        const QList<dn::Multiaddr> &listenAddrs);
    void connectionEstablished(dn::Connection *connection);
    void connectionClosed(dn::Connection *connection, const QString &reason);
    void rttMeasured(const dn::PeerId &peerId, qint64 micros);
    void protocolsChanged();
    // A resource limit closed a connection of `peerId` (null: a handshake
    // that never named its peer) or reset one of its streams (drops()).
    void peerDropped(const dn::PeerId &peerId, dn::DropReason reason);

private:
    struct PendingDial {
        DialTarget key;
        Multiaddr addr;
        QPointer<Connection> conn;
        QList<DialCallback> callbacks;
    };

    ConnectionConfig connectionConfig(int timeoutMs) const;
    Connection *adopt(QTcpSocket *socket, Direction dir, std::optional<Hash32> expected);
    void startDial(const DialTarget &key, const QHostAddress &ip, quint16 port, std::optional<Hash32> expected);
    void failDial(const DialTarget &key, const Error &e);
    void dialKnownAddresses(const PeerId &peer, QList<Multiaddr> addrs, DialCallback callback);
    void onNewConnection();
    void onEstablished(Connection *conn);
    void onClosed(Connection *conn, const QString &reason);
    void onInboundStream(Stream *s);
    bool admitInbound(const QHostAddress &ip, QString *why) const;
    void pruneStorePeers();

    Ed25519Key identity_;
    HostConfig config_;
    PeerId peerId_;
    QList<QTcpServer *> servers_;
    QList<QPointer<Connection>> conns_;    // established
    QSet<Connection *> upgrading_;         // not yet established
    QHash<DialTarget, PendingDial> dials_;  // one per target: later dials join it
    QHash<QString, StreamHandler> handlers_;
    QSet<PeerId> blocked_;
    PeerStore peerStore_;
    NetCounters counters_;
    QList<DropRecord> drops_;
    QTimer *pruneTimer_ = nullptr;
    std::unique_ptr<IdentifyService> identify_;
    std::unique_ptr<PingService> ping_;
};

}  // namespace dn
