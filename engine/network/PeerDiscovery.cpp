#include "network/PeerDiscovery.h"
#include "net/Host.h"
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcDiscovery, "dn.discovery")

namespace dn {

PeerDiscovery::PeerDiscovery(Host *host, QObject *parent) : QObject(parent), host_(host) {
    connect(host_, &Host::peerConnected, this, [this](const QString &peer, Direction) { onConnected(peer); });
    connect(host_, &Host::peerDisconnected, this, &PeerDiscovery::onDisconnected);
}

void PeerDiscovery::bootstrap(const QList<Multiaddr> &addrs) {
    for (const Multiaddr &a : addrs) {
        const QString peer = a.peerId();
        const QString key = peer.isEmpty() ? QStringLiteral("addr:") + a.toString() : peer;
        if (!peer.isEmpty()) kept_.insert(peer);
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

void PeerDiscovery::keep(const QString &peer) {
    if (peer.isEmpty() || peer == host_->peerId()) return;
    kept_.insert(peer);
    if (!host_->isConnected(peer)) schedule(peer);
}

void PeerDiscovery::redialNow(const QString &peer) {
    auto it = targets_.find(peer);
    if (it != targets_.end()) {
        it->delayMs = kFirstDelayMs;
        if (it->timer) it->timer->stop();
    }
    // An explicit request: dial whatever addresses we know, kept or not.
    if (!host_->isConnected(peer)) dial(peer);
}

void PeerDiscovery::schedule(const QString &key) {
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

void PeerDiscovery::dial(const QString &key) {
    if (stopped_) return;
    Target &t = targets_[key];
    if (t.dialing) return;
    const bool isAddr = key.startsWith(QLatin1String("addr:"));
    if (!isAddr && (host_->isConnected(key) || host_->isBlocked(key))) return;
    QList<Multiaddr> addrs = t.addrs;
    if (!isAddr)
        for (const Multiaddr &a : host_->peerStore().addresses(key))
            if (!addrs.contains(a.withPeerId(key)) && !addrs.contains(a)) addrs.append(a.withPeerId(key));
    if (addrs.isEmpty()) return;  // nothing to dial; Identify may teach us later
    t.dialing = true;
    ++redials_;
    dialNext(key, addrs);
}

void PeerDiscovery::dialNext(const QString &key, QList<Multiaddr> addrs) {
    const Multiaddr next = addrs.takeFirst();
    host_->dial(next, [this, key, next, addrs](Result<Connection *> r) {
        Target &t = targets_[key];
        if (r) {
            t.dialing = false;
            t.delayMs = kFirstDelayMs;
            const QString peer = r.value()->remotePeer();
            if (key.startsWith(QLatin1String("addr:"))) kept_.insert(peer);
            qCInfo(lcDiscovery) << "connected to" << peer << "at" << next.toString();
            return;
        }
        if (!addrs.isEmpty()) return dialNext(key, addrs);
        t.dialing = false;
        qCDebug(lcDiscovery).noquote() << "dial" << next.toString() << "failed:" << r.error().message
                                       << QStringLiteral("(retry in %1 ms)").arg(t.delayMs);
        // Keep trying the peers worth keeping (and bootstrap addresses).
        if (!host_->isBlocked(key) && (kept_.contains(key) || key.startsWith(QLatin1String("addr:")))) schedule(key);
    });
}

void PeerDiscovery::onConnected(const QString &peer) {
    auto it = targets_.find(peer);
    if (it == targets_.end()) return;
    it->delayMs = kFirstDelayMs;
    if (it->timer) it->timer->stop();
}

void PeerDiscovery::onDisconnected(const QString &peer) {
    if (stopped_ || !kept_.contains(peer) || host_->isBlocked(peer)) return;
    qCInfo(lcDiscovery) << "lost" << peer << "; redialing with backoff";
    schedule(peer);
}

}  // namespace dn
