#pragma once
// Gossipsub router parameters. The defaults are ARCHITECTURE §9: a small-cluster
// tuning (D=4, D_lo=2, D_hi=8, D_out=1, 1 s backoff) because our clusters have
// 2-20 peers and the spec's D_lo=4..5 would never be reached ("mesh low" on
// every heartbeat). specDefaults() gives the spec / go-libp2p-pubsub values for
// deployments in a large public mesh.
#include "gossip/PeerScore.h"

#include <QtGlobal>
#include <cstdint>

namespace dn {

struct GossipConfig {
    // Mesh degree: target, low and high water marks, outbound quota, gossip fan.
    int d = 4;
    int dLo = 2;
    int dHi = 8;
    int dOut = 1;   // must be < dLo and <= d/2 (v1.1 outbound quota)
    int dLazy = 4;  // minimum number of peers that receive IHAVE gossip
    double gossipFactor = 0.25;

    qint64 heartbeatIntervalMs = 1000;
    qint64 heartbeatInitialDelayMs = 100;

    int mcacheLength = 5;  // heartbeat windows kept for IWANT answers
    int mcacheGossip = 3;  // windows advertised in IHAVE
    qint64 seenTtlMs = 2 * 60 * 1000;
    // Bound of the seen cache: ~100 bytes an entry, so ~6.5 MB at most, and
    // 65 536 ids cover two minutes at 500 messages/s.
    int seenMaxEntries = 65536;
    // Messages waiting for their signature check off the router thread; more
    // are dropped unseen (a peer that sends them again is asked again).
    int maxPendingValidations = 4096;
    qint64 fanoutTtlMs = 60 * 1000;

    // Backoff after a PRUNE (ours or theirs, unless theirs carries its own).
    qint64 pruneBackoffMs = 1000;
    // Backoff we announce when we leave a topic.
    qint64 unsubscribeBackoffMs = 1000;

    bool floodPublish = true;

    // Bound of one encoded RPC (the wire frame), as go-libp2p-pubsub's
    // maxMessageSize: anything bigger is refused before it is decoded.
    qsizetype maxMessageSize = 1024 * 1024;

    // v1.1 spam limits.
    int maxIHaveLength = 5000;    // message ids asked from one peer per heartbeat
    int maxIHaveMessages = 10;    // IHAVE control messages accepted from one peer per heartbeat
    int gossipRetransmission = 3; // IWANT answers per message per peer
    int maxTopicsPerPeer = 1000;  // bound on remembered subscriptions of one peer
    int maxTopicLength = 1024;    // longer topic ids in subscriptions are ignored

    // Peer scoring (PeerScore.h): P4 invalid messages and the application
    // score, with the thresholds that act on them.
    PeerScoreParams score;

    // Seed of the router's random choices; 0 = seed from the system RNG.
    // Tests set it so that mesh choices repeat.
    quint64 seed = 0;

    static GossipConfig specDefaults() {
        GossipConfig c;
        c.d = 6;
        c.dLo = 5;
        c.dHi = 12;
        c.dOut = 2;
        c.dLazy = 6;
        c.pruneBackoffMs = 60 * 1000;
        c.unsubscribeBackoffMs = 10 * 1000;
        return c;
    }
};

}  // namespace dn
