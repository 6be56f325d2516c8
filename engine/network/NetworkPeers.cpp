// NetworkService: what the admin API shows of and does to peers.
#include "crypto/PeerId.h"
#include "gossip/GossipService.h"
#include "net/Host.h"
#include "network/NetworkService.h"
#include "network/PeerDiscovery.h"
#include <QLoggingCategory>

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
