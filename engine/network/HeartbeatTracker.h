#pragma once
// Decides which contexts get a hash heartbeat (ARCHITECTURE §9, §11): every period,
// each context whose root hash or heads changed since its last heartbeat, or
// for which a peer asked, gets one HashHeartbeat{context_id, root_hash, heads}.
// Unchanged contexts are skipped, so an idle node stays quiet on the network.
// Node-thread only.
#include "context/EngineTypes.h"
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace dn {

// A HashHeartbeat (codec/sync.proto) as the node handles it; encoded only
// when published, decoded once when received.
struct Heartbeat {
    Hash32 contextId;
    Hash32 rootHash;
    std::vector<Hash32> heads;  // sorted: one form per set of heads
    friend bool operator==(const Heartbeat &, const Heartbeat &) = default;
};

class HeartbeatTracker {
public:
    // The heartbeats due now; remembers what they carried. Contexts no longer
    // listed are forgotten.
    std::vector<Heartbeat> due(const std::vector<ContextInfo> &contexts);
    // A peer asked (e.g. its heartbeat showed different heads): beat next time
    // even if nothing changed.
    void request(const Hash32 &contextId) { requested_.insert(contextId); }
    uint64_t sent() const { return sent_; }
    uint64_t skipped() const { return skipped_; }

    static Heartbeat of(const ContextInfo &info);

private:
    std::unordered_map<Hash32, Heartbeat> last_;  // what was last sent per context
    std::unordered_set<Hash32> requested_;
    uint64_t sent_ = 0;
    uint64_t skipped_ = 0;
};

}  // namespace dn
