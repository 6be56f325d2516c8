// NetworkService: what the admin API shows of and does to peers.
#include "crypto/PeerId.h"
#include "gossip/GossipService.h"
#include "net/Host.h"
#include "network/NetworkService.h"
#include "network/PeerDiscovery.h"
#include <QJsonObject>
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

QJsonArray NetworkService::peers() const {
    QJsonArray out;
    const QStringList ourTopics = gossip_->topics();
    for (const QString &peer : host_->connectedPeers()) {
        const auto conns = host_->connectionsTo(peer);
        if (conns.isEmpty()) continue;
        Connection *c = conns.first();
        quint64 in = 0, outBytes = 0;
        for (Connection *k : conns) {
            in += k->bytesIn();
            outBytes += k->bytesOut();
        }
        const auto rec = host_->peerStore().get(peer);
        QJsonArray addrs, protocols;
        if (rec) {
            for (const Multiaddr &a : rec->addresses) addrs.append(a.toString());
            for (const QString &p : rec->protocols) protocols.append(p);
        }
        QJsonArray mesh;
        for (const QString &t : ourTopics)
            if (gossip_->meshPeers(t).contains(peer)) mesh.append(t);
        const qint64 rtt = host_->peerStore().rtt(peer);
        out.append(QJsonObject{
            {QStringLiteral("peerId"), peer},
            {QStringLiteral("address"), c->remoteAddress().withPeerId(peer).toString()},
            {QStringLiteral("addresses"), addrs},
            {QStringLiteral("direction"), directionName(c->direction())},
            {QStringLiteral("connections"), int(conns.size())},
            {QStringLiteral("rttMs"), rtt < 0 ? QJsonValue(-1) : QJsonValue(double(rtt) / 1000.0)},
            {QStringLiteral("agentVersion"), rec ? rec->agentVersion : QString()},
            {QStringLiteral("protocols"), protocols},
            {QStringLiteral("topics"), QJsonArray::fromStringList(gossip_->peerTopics(peer))},
            {QStringLiteral("mesh"), mesh},
            {QStringLiteral("bytesIn"), qint64(in)},
            {QStringLiteral("bytesOut"), qint64(outBytes)},
            {QStringLiteral("blocked"), false},
        });
    }
    // Blocked peers are listed too (not connected), so they can be unblocked.
    for (const QString &peer : host_->blockedPeers())
        out.append(QJsonObject{{QStringLiteral("peerId"), peer},
                               {QStringLiteral("address"), QString()},
                               {QStringLiteral("direction"), QString()},
                               {QStringLiteral("rttMs"), -1},
                               {QStringLiteral("protocols"), QJsonArray()},
                               {QStringLiteral("topics"), QJsonArray()},
                               {QStringLiteral("mesh"), QJsonArray()},
                               {QStringLiteral("bytesIn"), 0},
                               {QStringLiteral("bytesOut"), 0},
                               {QStringLiteral("blocked"), true}});
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
