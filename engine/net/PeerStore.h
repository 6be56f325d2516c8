#pragma once
// What the host knows about peers: addresses (from dials and Identify),
// supported protocols, agent, RTT from ping, bytes per protocol, the
// direction of the latest connection. Read by the admin API (`peers`),
// discovery (reconnecting) and the gossip router.
//
// Bounded: at most kMaxAddrs addresses and kMaxProtocols protocols per peer,
// and kMaxPeers peers (disconnected peers seen longest ago go first).
#include "crypto/PeerId.h"
#include "net/Direction.h"
#include "net/Multiaddr.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace dn {

struct ProtocolBytes {
    quint64 in = 0;
    quint64 out = 0;
};

struct PeerRecord {
    PeerId peerId;
    QList<Multiaddr> addresses;      // dialable, without /p2p/
    QStringList protocols;           // from Identify
    QString agentVersion;
    QString protocolVersion;
    Multiaddr observedAddr;          // how the peer sees us
    qint64 rttMicros = -1;           // latest ping, -1 unknown
    QHash<QString, ProtocolBytes> bytesByProtocol;
    Direction lastDirection = Direction::Outbound;
    bool connected = false;
    bool identified = false;
    QDateTime lastSeen;
};

class PeerStore {
public:
    static constexpr int kMaxAddrs = 16;
    static constexpr int kMaxProtocols = 128;
    static constexpr int kMaxPeers = 4096;

    void addAddress(const PeerId &peer, const Multiaddr &addr);
    // Replaces the learned addresses (Identify listenAddrs) with these.
    void setAddresses(const PeerId &peer, const QList<Multiaddr> &addrs);
    void setProtocols(const PeerId &peer, const QStringList &protocols);
    void setAgent(const PeerId &peer, const QString &agentVersion, const QString &protocolVersion);
    void setObservedAddr(const PeerId &peer, const Multiaddr &addr);
    void setRtt(const PeerId &peer, qint64 micros);
    void addProtocolBytes(const PeerId &peer, const QString &protocol, quint64 in, quint64 out);
    void setConnected(const PeerId &peer, bool connected, Direction dir);
    void markIdentified(const PeerId &peer);

    std::optional<PeerRecord> get(const PeerId &peer) const;
    QList<Multiaddr> addresses(const PeerId &peer) const;
    qint64 rtt(const PeerId &peer) const;
    QStringList protocols(const PeerId &peer) const;
    bool supports(const PeerId &peer, const QString &protocol) const;
    QList<PeerId> peers() const;
    // Forgets disconnected peers last seen before `cutoff` that left no
    // address to dial (inbound-only peers): nothing of them is reusable.
    // Returns how many went.
    int pruneUnreachable(const QDateTime &cutoff);
    int size() const { return int(peers_.size()); }

private:
    PeerRecord &touch(const PeerId &peer);
    void evictIfFull();

    QHash<PeerId, PeerRecord> peers_;
};

}  // namespace dn
