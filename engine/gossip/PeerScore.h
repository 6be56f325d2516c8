#pragma once
// Gossipsub v1.1 peer scoring, reduced to the two parts a private-context
// network needs (libp2p pubsub spec gossipsub-v1.1 "Peer Scoring"):
//   P4  invalid message deliveries: each message of a peer that failed
//       validation adds 1 to a counter that decays every heartbeat; the
//       counter counts squared, so a few invalid messages are forgiven but a
//       stream of them graylists the peer at once;
//   P5  an application-specific score set by the owner (the node scores peers
//       by membership of the contexts they subscribe to).
// P1-P3 (time in mesh, first deliveries, mesh delivery rates) and P6 (IP
// colocation) are left out: they reward or punish delivery performance in a
// large public mesh, while our meshes hold a handful of known members.
//
// Sans-IO and single threaded: the router owns one and feeds it events and
// heartbeats. Scores of peers that disconnect are kept for retainMs, so a peer
// cannot reset its score by reconnecting (bounded by maxRetained).
#include "crypto/PeerId.h"

#include <QtGlobal>
#include <map>

namespace dn {

struct PeerScoreParams {
    // P4: weight applied to the squared counter, and its decay per heartbeat.
    double invalidMessageWeight = -10.0;
    double invalidMessageDecay = 0.9;
    double decayToZero = 0.01;  // a decayed counter below this is zero
    // P5 weight: the application score counts as is.
    double appSpecificWeight = 1.0;

    // Thresholds (spec names). Below gossipThreshold no IHAVE/IWANT is
    // exchanged with the peer; below publishThreshold our own messages are
    // not flood-published to it; below graylistThreshold its RPCs are
    // dropped unread (except subscriptions, which stay tracked so a stranger
    // that becomes a member is scored right at the next heartbeat). Any
    // negative score keeps a peer out of our meshes.
    double gossipThreshold = -10.0;
    double publishThreshold = -50.0;
    double graylistThreshold = -80.0;

    qint64 retainMs = 60 * 1000;
    int maxRetained = 4096;
};

class PeerScore {
public:
    explicit PeerScore(PeerScoreParams params = {}) : params_(params) {}

    const PeerScoreParams &params() const { return params_; }

    // A connected peer; restores a retained score if it was seen recently.
    void addPeer(const PeerId &peer);
    // Keeps the score for retainMs from nowMs.
    void removePeer(const PeerId &peer, qint64 nowMs);
    void invalidMessage(const PeerId &peer);
    void setAppScore(const PeerId &peer, double score);
    // Decays P4 counters and forgets retained scores that expired.
    void heartbeat(qint64 nowMs);

    double score(const PeerId &peer) const;
    double invalidCounter(const PeerId &peer) const;
    double appScore(const PeerId &peer) const;
    int tracked() const { return int(stats_.size()); }

    bool acceptsGossip(const PeerId &peer) const { return score(peer) >= params_.gossipThreshold; }
    bool acceptsPublish(const PeerId &peer) const { return score(peer) >= params_.publishThreshold; }
    bool graylisted(const PeerId &peer) const { return score(peer) < params_.graylistThreshold; }

private:
    struct Stats {
        double invalid = 0;     // P4 counter (decaying)
        double app = 0;         // P5
        bool connected = false;
        qint64 expiresMs = 0;   // when retained after a disconnect
    };
    void pruneRetained();

    PeerScoreParams params_;
    std::map<PeerId, Stats> stats_;
    int retained_ = 0;
};

}  // namespace dn
