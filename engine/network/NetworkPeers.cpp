// NetworkService: what the admin API shows of and does to peers.
#include "crypto/PeerId.h"
#include "gossip/GossipService.h"
#include "net/Host.h"
#include "network/NetworkService.h"
#include "network/PeerDiscovery.h"
#include <QLoggingCategory>
#include <set>

Q_DECLARE_LOGGING_CATEGORY(lcNetwork)

namespace dn {

std::vector<PeerInfo> NetworkService::peers() const {
    std::vector<PeerInfo> out;
    const QStringList ourTopics = gossip_->topics();
    for (const PeerId &peer : host_->connectedPeers()) {
        const auto conns = host_->connectionsTo(peer);
        if (conns.isEmpty()) continue;
        Connection *c = conns.first();
        PeerInfo p;
        p.peerId = peer;
        for (Connection *k : conns) {
            p.bytesIn += k->bytesIn();
            p.bytesOut += k->bytesOut();
        }
        if (const auto rec = host_->peerStore().get(peer)) {
            for (const Multiaddr &a : rec->addresses) p.addresses << a.toString();
            p.protocols = rec->protocols;
            p.agentVersion = rec->agentVersion;
        }
        for (const QString &t : ourTopics)
            if (gossip_->meshPeers(t).contains(peer)) p.meshTopics << t;
        p.address = c->remoteAddress().withPeerId(peer).toString();
        p.direction = directionName(c->direction());
        p.connections = int(conns.size());
        p.rttMicros = host_->peerStore().rtt(peer);
        p.topics = gossip_->peerTopics(peer);
        const PeerScore &scores = gossip_->router().scores();
        p.gossipScore = scores.score(peer);
        p.graylisted = scores.graylisted(peer);
        if (scores.appScore(peer) < 0) p.scoreReason = QStringLiteral("not a member");
        else if (scores.invalidCounter(peer) > 0) p.scoreReason = QStringLiteral("invalid messages");
        out.push_back(std::move(p));
    }
    // Peers the resource limits cut off and that are gone: the newest 16,
    // each with why (Host::drops() is bounded; this only reads it).
    std::set<PeerId> listed;
    for (const PeerInfo &p : out) listed.insert(p.peerId);
    const QList<DropRecord> drops = host_->drops();
    for (auto it = drops.crbegin(); it != drops.crend() && listed.size() < out.size() + 16; ++it) {
        if (it->peer.isNull() || !it->connectionClosed || listed.count(it->peer) || host_->isBlocked(it->peer)) continue;
        listed.insert(it->peer);
        PeerInfo p;
        p.peerId = it->peer;
        p.address = it->remote.toString();
        p.lastDrop = QString::fromLatin1(dropReasonName(it->reason));
        if (!it->detail.isEmpty()) p.lastDrop += QStringLiteral(": ") + it->detail;
        out.push_back(std::move(p));
    }
    for (const PeerId &peer : host_->blockedPeers()) {
        PeerInfo p;
        p.peerId = peer;
        p.blocked = true;
        out.push_back(std::move(p));
    }
    return out;
}

Result<void> NetworkService::disconnectPeer(const PeerId &peer) {
    if (!host_->isConnected(peer))
        return Error{ErrorCode::PeerNotFound, QStringLiteral("not connected to %1").arg(peer.toBase58())};
    qCInfo(lcNetwork) << "disconnecting" << peer.toBase58() << "(admin request)";
    host_->disconnect(peer);
    return {};
}

Result<void> NetworkService::setPeerBlocked(const PeerId &peer, bool blocked) {
    if (peer == host_->peerId()) return Error{ErrorCode::InvalidArgument, "a node cannot block itself"};
    if (blocked) {
        qCInfo(lcNetwork) << "blocking" << peer.toBase58() << "(admin request)";
        host_->block(peer);
    } else {
        qCInfo(lcNetwork) << "unblocking" << peer.toBase58() << "(admin request)";
        host_->unblock(peer);
        discovery_->redialNow(peer);  // heal at once, not after a backoff
    }
    return {};
}

}  // namespace dn
