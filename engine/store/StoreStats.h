#pragma once
// Write counters of the profile database, apart from Store.h so that whoever
// only reports them (Engine::storeStats(), the node's metrics) needs no Store.
#include <cstdint>

namespace dn {

struct StoreStats {
    uint64_t batchesCommitted = 0;  // Batch objects made durable
    uint64_t syncedWrites = 0;      // leveldb synced writes (group commits)
    uint64_t bytesWritten = 0;
};

}  // namespace dn
