#include "gossip/PeerScore.h"

#include <algorithm>

namespace dn {

void PeerScore::addPeer(const PeerId &peer) {
    Stats &s = stats_[peer];
    if (!s.connected && s.expiresMs != 0) --retained_;
    s.connected = true;
    s.expiresMs = 0;
}

void PeerScore::removePeer(const PeerId &peer, qint64 nowMs) {
    auto it = stats_.find(peer);
    if (it == stats_.end() || !it->second.connected) return;
    // A clean record is not worth keeping: nothing to restore on reconnect.
    if (it->second.invalid == 0 && it->second.app >= 0) {
        stats_.erase(it);
        return;
    }
    it->second.connected = false;
    it->second.expiresMs = nowMs + params_.retainMs;
    ++retained_;
    pruneRetained();
}

void PeerScore::pruneRetained() {
    // Over the bound the retained record that expires first goes: a flood of
    // fresh identities can only push out its own kind of record.
    while (retained_ > params_.maxRetained) {
        auto victim = stats_.end();
        for (auto it = stats_.begin(); it != stats_.end(); ++it)
            if (!it->second.connected && (victim == stats_.end() || it->second.expiresMs < victim->second.expiresMs))
                victim = it;
        if (victim == stats_.end()) break;
        stats_.erase(victim);
        --retained_;
    }
}

// Only peers added (or retained) are scored: input about anyone else would
// grow the map without bound.
void PeerScore::invalidMessage(const PeerId &peer) {
    if (auto it = stats_.find(peer); it != stats_.end()) it->second.invalid += 1.0;
}

void PeerScore::setAppScore(const PeerId &peer, double score) {
    if (auto it = stats_.find(peer); it != stats_.end()) it->second.app = score;
}

void PeerScore::heartbeat(qint64 nowMs) {
    for (auto it = stats_.begin(); it != stats_.end();) {
        Stats &s = it->second;
        s.invalid *= params_.invalidMessageDecay;
        if (s.invalid < params_.decayToZero) s.invalid = 0;
        if (!s.connected && s.expiresMs != 0 && s.expiresMs <= nowMs) {
            it = stats_.erase(it);
            --retained_;
        } else {
            ++it;
        }
    }
}

double PeerScore::score(const PeerId &peer) const {
    auto it = stats_.find(peer);
    if (it == stats_.end()) return 0;
    const Stats &s = it->second;
    return params_.invalidMessageWeight * s.invalid * s.invalid + params_.appSpecificWeight * s.app;
}

double PeerScore::invalidCounter(const PeerId &peer) const {
    auto it = stats_.find(peer);
    return it == stats_.end() ? 0 : it->second.invalid;
}

double PeerScore::appScore(const PeerId &peer) const {
    auto it = stats_.find(peer);
    return it == stats_.end() ? 0 : it->second.app;
}

}  // namespace dn
