#pragma once
// What the DAG needs from the context that owns it: merging a delta into the
// context's state. Implemented by the context layer.
#include "codec/Delta.h"
#include "store/Batch.h"
#include <QString>
#include <vector>

namespace dn {

class DagHost {
public:
    virtual ~DagHost() = default;
    // Merge `delta` into state: put the state changes and the context meta
    // (with `headsAfter`) into `batch`; the DAG adds the delta record and
    // commits everything as one Store batch. Return false (with a message)
    // to refuse the delta: the DAG then discards `batch`, leaves the delta
    // unapplied and reports Rejected, so refuse before changing any
    // in-memory state.
    virtual bool applyDelta(const Delta &delta, const std::vector<Hash32> &headsAfter, Batch &batch,
                            QString *error) = 0;
    // After a delta (the one added, or a pending one it released) applied and
    // its batch was queued; for event handlers and notifications.
    virtual void deltaApplied(const Delta &delta, bool cascaded) {}
    // Deltas pruning must leave whole (governance: it judges later deltas
    // and travels with snapshots).
    virtual bool keepForever(const Hash32 &id) const { return false; }
};

}  // namespace dn
