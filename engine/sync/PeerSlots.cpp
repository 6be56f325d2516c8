#include "sync/PeerSlots.h"

namespace dn {

PeerSlots::Result PeerSlots::acquire(const PeerId &peer) {
    if (used_ >= limits_.maxStreams) return Result::Full;
    auto it = byPeer_.find(peer);
    if (it != byPeer_.end() && *it >= limits_.maxPerPeer) return Result::PeerFull;
    if (it == byPeer_.end()) it = byPeer_.insert(peer, 0);
    ++*it;
    ++used_;
    return Result::Granted;
}

void PeerSlots::release(const PeerId &peer) {
    auto it = byPeer_.find(peer);
    if (it == byPeer_.end()) return;
    --used_;
    if (--*it <= 0) byPeer_.erase(it);
}

}  // namespace dn
