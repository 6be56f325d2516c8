#include "net/PeerStore.h"

namespace dn {

PeerRecord &PeerStore::touch(const PeerId &peer) {
    auto it = peers_.find(peer);
    if (it == peers_.end()) {
        evictIfFull();
        it = peers_.insert(peer, PeerRecord{});
        it->peerId = peer;
    }
    it->lastSeen = QDateTime::currentDateTimeUtc();
    return *it;
}

void PeerStore::evictIfFull() {
    if (peers_.size() < kMaxPeers) return;
    auto victim = peers_.end();
    for (auto it = peers_.begin(); it != peers_.end(); ++it) {
        if (it->connected) continue;
        if (victim == peers_.end() || it->lastSeen < victim->lastSeen) victim = it;
    }
    if (victim != peers_.end()) peers_.erase(victim);
}

void PeerStore::addAddress(const PeerId &peer, const Multiaddr &addr) {
    const Multiaddr a = addr.withoutPeerId();
    if (a.isEmpty()) return;
    PeerRecord &r = touch(peer);
    r.addresses.removeAll(a);
    r.addresses.prepend(a);  // most recent first: the one that worked
    while (r.addresses.size() > kMaxAddrs) r.addresses.removeLast();
}

void PeerStore::setAddresses(const PeerId &peer, const QList<Multiaddr> &addrs) {
    PeerRecord &r = touch(peer);
    QList<Multiaddr> merged;
    for (const Multiaddr &a : addrs) {
        const Multiaddr plain = a.withoutPeerId();
        if (!plain.isEmpty() && !merged.contains(plain)) merged.append(plain);
        if (merged.size() >= kMaxAddrs) break;
    }
    // Keep a dialed address that worked even if the peer does not list it.
    for (const Multiaddr &a : std::as_const(r.addresses))
        if (merged.size() < kMaxAddrs && !merged.contains(a)) merged.append(a);
    r.addresses = merged;
}

void PeerStore::setProtocols(const PeerId &peer, const QStringList &protocols) {
    PeerRecord &r = touch(peer);
    r.protocols = protocols.mid(0, kMaxProtocols);
}

void PeerStore::setAgent(const PeerId &peer, const QString &agentVersion, const QString &protocolVersion) {
    PeerRecord &r = touch(peer);
    r.agentVersion = agentVersion.left(256);
    r.protocolVersion = protocolVersion.left(256);
}

void PeerStore::setObservedAddr(const PeerId &peer, const Multiaddr &addr) { touch(peer).observedAddr = addr; }
void PeerStore::setRtt(const PeerId &peer, qint64 micros) { touch(peer).rttMicros = micros; }

void PeerStore::addProtocolBytes(const PeerId &peer, const QString &protocol, quint64 in, quint64 out) {
    PeerRecord &r = touch(peer);
    auto it = r.bytesByProtocol.find(protocol);
    if (it == r.bytesByProtocol.end()) {
        if (r.bytesByProtocol.size() >= kMaxProtocols) return;
        it = r.bytesByProtocol.insert(protocol, {});
    }
    it->in += in;
    it->out += out;
}

void PeerStore::setConnected(const PeerId &peer, bool connected, Direction dir) {
    PeerRecord &r = touch(peer);
    r.connected = connected;
    if (connected) r.lastDirection = dir;
}

void PeerStore::markIdentified(const PeerId &peer) { touch(peer).identified = true; }

std::optional<PeerRecord> PeerStore::get(const PeerId &peer) const {
    auto it = peers_.constFind(peer);
    if (it == peers_.constEnd()) return std::nullopt;
    return *it;
}

QList<Multiaddr> PeerStore::addresses(const PeerId &peer) const {
    auto it = peers_.constFind(peer);
    return it == peers_.constEnd() ? QList<Multiaddr>{} : it->addresses;
}

qint64 PeerStore::rtt(const PeerId &peer) const {
    auto it = peers_.constFind(peer);
    return it == peers_.constEnd() ? -1 : it->rttMicros;
}

QStringList PeerStore::protocols(const PeerId &peer) const {
    auto it = peers_.constFind(peer);
    return it == peers_.constEnd() ? QStringList{} : it->protocols;
}

bool PeerStore::supports(const PeerId &peer, const QString &protocol) const {
    return protocols(peer).contains(protocol);
}

QList<PeerId> PeerStore::peers() const { return peers_.keys(); }

int PeerStore::pruneUnreachable(const QDateTime &cutoff) {
    int n = 0;
    for (auto it = peers_.begin(); it != peers_.end();) {
        if (!it->connected && it->addresses.isEmpty() && it->lastSeen < cutoff) {
            it = peers_.erase(it);
            ++n;
        } else {
            ++it;
        }
    }
    return n;
}

}  // namespace dn
