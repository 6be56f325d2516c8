// NetworkService: what the admin API shows of and does to peers.
#include "crypto/PeerId.h"
#include "gossip/GossipService.h"
#include "net/Host.h"
#include "network/NetworkService.h"
#include "network/PeerDiscovery.h"
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcNetwork)

namespace dn {

namespace {
Result<void> checkPeerId(const QString &peerId) {
    if (!publicKeyFromPeerId(peerId))
        return Error{ErrorCode::InvalidId, QStringLiteral("\"%1\" is not an Ed25519 peer id (12D3KooW…)").arg(peerId)};
    return {};
}
}  // namespace

std::vector<PeerInfo> NetworkService::peers() const {
    std::vector<PeerInfo> out;
    const QStringList ourTopics = gossip_->topics();
    for (const QString &peer : host_->connectedPeers()) {
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
    for (const QString &peer : host_->blockedPeers()) {
        PeerInfo p;
        p.peerId = peer;
        p.blocked = true;
        out.push_back(std::move(p));
    }
    return out;
}

Result<void> NetworkService::disconnectPeer(const QString &peerId) {
    if (auto r = checkPeerId(peerId); !r) return r;
    if (!host_->isConnected(peerId))
        return Error{ErrorCode::PeerNotFound, QStringLiteral("not connected to %1").arg(peerId)};
    qCInfo(lcNetwork) << "disconnecting" << peerId << "(admin request)";
    host_->disconnect(peerId);
    return {};
}

Result<void> NetworkService::setPeerBlocked(const QString &peerId, bool blocked) {
    if (auto r = checkPeerId(peerId); !r) return r;
    if (peerId == host_->peerId()) return Error{ErrorCode::InvalidArgument, "a node cannot block itself"};
    if (blocked) {
        qCInfo(lcNetwork) << "blocking" << peerId << "(admin request)";
        host_->block(peerId);
    } else {
        qCInfo(lcNetwork) << "unblocking" << peerId << "(admin request)";
        host_->unblock(peerId);
        discovery_->redialNow(peerId);  // heal at once, not after a backoff
    }
    return {};
}

}  // namespace dn
