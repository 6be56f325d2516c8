#pragma once
// Value types of the DAG's interface (ARCHITECTURE §6).
#include "crypto/Hash32.h"
#include <QByteArray>
#include <QString>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace dn {

// Bounds that keep one context's DAG small in memory and its answers small
// on the wire (reference: MAX_PENDING_DELTAS, MAX_DELTA_QUERY_LIMIT,
// PENDING_DELTA_MAX_AGE_S).
struct DagLimits {
    size_t maxPending = 10000;         // oldest pending evicted beyond this
    size_t maxQuery = 3000;            // cap of missingParents() / envelopes()
    int64_t pendingMaxAgeMs = 300000;  // cleanupStale() drops pending older than this
    size_t recentIds = 4096;           // applied ids remembered for cheap duplicate checks
};

// Failed: the store failed (a write or read error, store/Store.h); nothing
// about the delta was decided, and nothing more will be written.
enum class AddStatus { Applied, Pending, Duplicate, Rejected, Failed };

struct AddResult {
    AddStatus status = AddStatus::Rejected;
    // Ids applied by this call, in order: the delta itself first, then the
    // pending children it released (cascade).
    std::vector<Hash32> applied;
    QString error;  // why, when Rejected or Failed
};

// A delta as kept in d/<ctx>/<id>.
struct StoredDeltaInfo {
    QByteArray body;      // exact body bytes (empty once pruned)
    QByteArray envelope;  // exact wire envelope (empty once pruned, or when none was given)
    bool applied = false;
    bool pruned = false;  // history dropped; the id still satisfies children
    int64_t receivedAtMs = 0;
};

}  // namespace dn
