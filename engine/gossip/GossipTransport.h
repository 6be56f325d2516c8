#pragma once
// What the gossipsub router needs from the network: a way to hand one encoded
// RPC to one peer. Keeping it this small makes the router testable without
// sockets (the tests implement it with an in-memory network) and lets the
// production adapter (GossipService) own streams, framing and queues.
#include "crypto/PeerId.h"

#include <QByteArray>

namespace dn {

class GossipTransport {
public:
    virtual ~GossipTransport() = default;

    // Queue `rpcBytes` (one encoded RPC, no length prefix) for `peerId`.
    //
    // Contract for implementations:
    //  - Never blocks and never calls back into the router synchronously
    //    (the router is not re-entrant; deliver on a later event-loop turn).
    //  - Each peer has a bounded queue with two lanes: `control` RPCs (only
    //    subscriptions and GRAFT/PRUNE/IHAVE/IWANT, no messages) go ahead of
    //    queued message RPCs, so mesh repair is not stuck behind data.
    //  - When the lane is full the RPC is dropped and false is returned; the
    //    router counts the drop and retries lost GRAFT/PRUNE later.
    //  - RPCs of one lane are written in the order they were queued.
    virtual bool sendRpc(const PeerId &peerId, const QByteArray &rpcBytes, bool control) = 0;
};

}  // namespace dn
