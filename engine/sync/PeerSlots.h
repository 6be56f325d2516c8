#pragma once
// Slots of one protocol server (sync, blob, join), counted in total and per
// peer (ARCHITECTURE §16, "P2P resource limits"): a single peer may hold at
// most `perPeer` of them, so it can never take every slot and lock the
// others out. The per-peer map only holds peers with a slot in use, so it is
// bounded by `total` whatever ids peers present.
#include "crypto/PeerId.h"
#include <QHash>

namespace dn {

// What a protocol server allows; its defaults are the server's kDefaultLimits.
struct ServerLimits {
    int maxStreams = 64;         // slots in use at once, all peers
    int maxPerPeer = 4;          // of which one peer may hold
    int idleTimeoutMs = 30000;   // a stream with no frame in or bytes out for this long is reset; 0: never
};

class PeerSlots {
public:
    enum class Result { Granted, Full, PeerFull };

    explicit PeerSlots(ServerLimits limits = {}) : limits_(limits) {}
    void setLimits(ServerLimits limits) { limits_ = limits; }
    const ServerLimits &limits() const { return limits_; }

    Result acquire(const PeerId &peer);
    void release(const PeerId &peer);
    int used() const { return used_; }
    int usedBy(const PeerId &peer) const { return byPeer_.value(peer, 0); }
    int peers() const { return int(byPeer_.size()); }

private:
    ServerLimits limits_;
    QHash<PeerId, int> byPeer_;
    int used_ = 0;
};

}  // namespace dn
