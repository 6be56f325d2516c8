#include "network/PeerDiscovery.h"
#include "net/Host.h"
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcDiscovery, "dn.discovery")

namespace dn {

PeerDiscovery::PeerDiscovery(Host *host, QObject *parent) : QObject(parent), host_(host) {
    connect(host_, &Host::peerConnected, this, [this](const PeerId &peer, Direction) { onConnected(peer); });
    connect(host_, &Host::peerDisconnected, this, &PeerDiscovery::onDisconnected);
}

void PeerDiscovery::bootstrap(const QList<Multiaddr> &addrs) {
    for (const Multiaddr &a : addrs) {
        const DialTarget key = DialTarget::of(a);
        if (!key.isAddress()) kept_.insert(key.peer);
        Target &t = targets_[key];
        if (!t.addrs.contains(a)) t.addrs.append(a);
        dial(key);
    }
}

void PeerDiscovery::stop() {
    stopped_ = true;
    for (Target &t : targets_)
        if (t.timer) t.timer->stop();
}

void PeerDiscovery::keep(const PeerId &peer) {
    if (peer.isNull() || peer == host_->peerId()) return;
    kept_.insert(peer);
    if (!host_->isConnected(peer)) schedule(DialTarget{peer, {}});
}

void PeerDiscovery::redialNow(const PeerId &peer) {
    const DialTarget key{peer, {}};
    auto it = targets_.find(key);
    if (it != targets_.end()) {
        it->delayMs = kFirstDelayMs;
        if (it->timer) it->timer->stop();
    }
    // An explicit request: dial whatever addresses we know, kept or not.
    if (!host_->isConnected(peer)) dial(key);
}

void PeerDiscovery::schedule(const DialTarget &key) {
    if (stopped_) return;
    Target &t = targets_[key];
    if (t.dialing) return;
    if (!t.timer) {
        t.timer = new QTimer(this);
        t.timer->setSingleShot(true);
        connect(t.timer, &QTimer::timeout, this, [this, key] { dial(key); });
    }
    if (t.timer->isActive()) return;
    t.timer->start(t.delayMs);
    t.delayMs = std::min(t.delayMs * 2, kMaxDelayMs);
}

void PeerDiscovery::dial(const DialTarget &key) {
    if (stopped_) return;
    Target &t = targets_[key];
    if (t.dialing) return;
    if (!key.isAddress() && (host_->isConnected(key.peer) || host_->isBlocked(key.peer))) return;
    QList<Multiaddr> addrs = t.addrs;
    if (!key.isAddress())
        for (const Multiaddr &a : host_->peerStore().addresses(key.peer))
            if (!addrs.contains(a.withPeerId(key.peer)) && !addrs.contains(a)) addrs.append(a.withPeerId(key.peer));
    if (addrs.isEmpty()) return;  // nothing to dial; Identify may teach us later
    t.dialing = true;
    ++redials_;
    dialNext(key, addrs);
}

void PeerDiscovery::dialNext(const DialTarget &key, QList<Multiaddr> addrs) {
    const Multiaddr next = addrs.takeFirst();
    host_->dial(next, [this, key, next, addrs](Result<Connection *> r) {
        Target &t = targets_[key];
        if (r) {
            t.dialing = false;
            t.delayMs = kFirstDelayMs;
            const PeerId peer = r.value()->remotePeer();
            if (key.isAddress()) kept_.insert(peer);
            qCInfo(lcDiscovery) << "connected to" << peer.toBase58() << "at" << next.toString();
            return;
        }
        if (!addrs.isEmpty()) return dialNext(key, addrs);
        t.dialing = false;
        qCDebug(lcDiscovery).noquote() << "dial" << next.toString() << "failed:" << r.error().message
                                       << QStringLiteral("(retry in %1 ms)").arg(t.delayMs);
        // Keep trying the peers worth keeping (and bootstrap addresses).
        if (key.isAddress() || (!host_->isBlocked(key.peer) && kept_.contains(key.peer))) schedule(key);
    });
}

void PeerDiscovery::onConnected(const PeerId &peer) {
    auto it = targets_.find(DialTarget{peer, {}});
    if (it == targets_.end()) return;
    it->delayMs = kFirstDelayMs;
    if (it->timer) it->timer->stop();
}

void PeerDiscovery::onDisconnected(const PeerId &peer) {
    if (stopped_ || !kept_.contains(peer) || host_->isBlocked(peer)) return;
    qCInfo(lcDiscovery) << "lost" << peer.toBase58() << "; redialing with backoff";
    schedule(DialTarget{peer, {}});
}

}  // namespace dn
