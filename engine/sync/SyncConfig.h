#pragma once
// Sync tunables (ARCHITECTURE §9; reference SyncConfig): how often and how
// hard a node catches up with its peers.
#include <QtGlobal>

namespace dn {

struct SyncConfig {
    qint64 intervalMs = 5000;     // minimum gap between two syncs of one context with one peer
    qint64 frequencyMs = 10000;   // the periodic tick
    int maxConcurrent = 30;       // sessions running at once
    // Of those, with one peer: a server serves 4 sessions per peer
    // (SyncServer::kDefaultLimits) and resets the streams past them.
    int maxPerPeer = 4;
    qint64 timeoutMs = 30000;     // one whole session
    // A walk back through history longer than this many deltas gives up on
    // deltas and takes a snapshot (the pending set would overflow first).
    int deltaSyncThreshold = 5000;
    // An empty member whose peer has applied more deltas than this starts
    // with a snapshot rather than the whole history.
    int emptySnapshotThreshold = 2000;
    int maxBackoffS = 256;        // failure backoff 2^n s, capped
    // Bounds of a received snapshot held in memory before it is imported.
    qint64 maxSnapshotEntries = 2'000'000;
    qint64 maxSnapshotBytes = 512LL * 1024 * 1024;
};

}  // namespace dn
