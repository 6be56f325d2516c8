#pragma once
// Keeps the node connected (ARCHITECTURE §9 discovery): dials the bootstrap
// multiaddrs, remembers the peers worth keeping (bootstrap peers, peers
// that shared a context with us, an inviter) and redials them when they go
// away, with a backoff of 1 s doubling to 60 s, reset once connected.
// Addresses come from the PeerStore (learned from Identify and from dials).
// A blocked peer is never redialed; unblocking it redials at once.
// Node thread only.
#include "net/Multiaddr.h"
#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <functional>

namespace dn {

class Host;

class PeerDiscovery : public QObject {
    Q_OBJECT
public:
    static constexpr int kFirstDelayMs = 1000;
    static constexpr int kMaxDelayMs = 60000;

    explicit PeerDiscovery(Host *host, QObject *parent = nullptr);

    // Dials every address now and keeps retrying those that fail.
    void bootstrap(const QList<Multiaddr> &addrs);
    // Keep `peer` connected from now on.
    void keep(const PeerId &peer);
    bool kept(const PeerId &peer) const { return kept_.contains(peer); }
    // Redial `peer` now (e.g. just unblocked) at its known addresses,
    // forgetting its backoff.
    void redialNow(const PeerId &peer);
    quint64 redials() const { return redials_; }
    // No more dials (shutdown): losing every peer then is not a reason to redial.
    void stop();

private:
    struct Target {
        QList<Multiaddr> addrs;   // explicit (bootstrap) addresses; else the PeerStore's
        int delayMs = kFirstDelayMs;
        bool dialing = false;
        QTimer *timer = nullptr;
    };
    void schedule(const DialTarget &key);
    void dial(const DialTarget &key);
    void dialNext(const DialTarget &key, QList<Multiaddr> addrs);
    void onConnected(const PeerId &peer);
    void onDisconnected(const PeerId &peer);

    Host *host_;
    QHash<DialTarget, Target> targets_;
    QSet<PeerId> kept_;
    quint64 redials_ = 0;
    bool stopped_ = false;
};

}  // namespace dn
