#pragma once
// In-memory cache of blob bytes (ARCHITECTURE §10): app modules and hot small blobs.
// Keys are any 32-byte id (blob id, or app id for module bytes).
//
// Eviction follows the reference node: a periodic run (the node's timer, every
// 5 min by default) in three phases — (1) entries idle ≥ maxIdle, (2) least
// recently used until at most maxEntries remain, (3) least recently used until
// at most maxBytes are held. Each phase is counted. Between runs the cache may
// grow past its limits, but never past twice them: an insert that would cross
// that ceiling runs the phases at once, so memory stays bounded.
// Items larger than maxItemBytes are never cached (large blobs stream from
// the store). Thread-safe; loaders run outside the lock.
#include "crypto/Hash32.h"
#include "util/Result.h"
#include <QByteArray>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

namespace dn {

class BlobStore;

struct BlobCacheLimits {
    int64_t maxIdleMs = 300'000;
    size_t maxEntries = 100;
    uint64_t maxBytes = 500ull << 20;
    uint64_t maxItemBytes = 64ull << 20;
    bool operator==(const BlobCacheLimits &) const = default;
};

struct BlobCacheStats {
    size_t entries = 0;
    uint64_t bytes = 0;
    uint64_t hits = 0;
    uint64_t misses = 0;
    uint64_t bypassed = 0;       // loaded but too large to keep
    uint64_t evictedIdle = 0;    // phase 1
    uint64_t evictedCount = 0;   // phase 2
    uint64_t evictedBytes = 0;   // phase 3
    uint64_t evictedManual = 0;  // evict(id) / clear()
    uint64_t evictionRuns = 0;
};

struct BlobCacheEntry {
    Hash32 id;
    uint64_t size = 0;
    int64_t insertedAtMs = 0;
    int64_t lastAccessMs = 0;
    uint64_t hits = 0;
};

// Counters, limits and entries taken under one lock (what an API shows).
struct BlobCacheSnapshot {
    BlobCacheStats stats;
    BlobCacheLimits limits;
    std::vector<BlobCacheEntry> entries;  // most recently used first
};

// What one eviction run removed, per phase.
struct EvictionReport {
    size_t idle = 0;
    size_t count = 0;
    size_t bytes = 0;
    size_t total() const { return idle + count + bytes; }
};

class BlobCache {
public:
    using Clock = std::function<int64_t()>;  // milliseconds; injectable for tests
    using Loader = std::function<std::optional<QByteArray>()>;

    explicit BlobCache(BlobCacheLimits limits = {}, Clock clock = {});

    // Cached bytes (a hit), else `load()` (a miss), kept when small enough.
    std::optional<QByteArray> get(const Hash32 &id, const Loader &load);
    // Only what is cached; counts a hit or a miss.
    std::optional<QByteArray> lookup(const Hash32 &id);
    // A blob of `store` through the cache: BlobNotFound, or TooLarge when
    // it exceeds maxItemBytes (stream it with BlobReader instead).
    Result<QByteArray> blob(const BlobStore &store, const Hash32 &blobId);
    // Keeps `bytes` unless too large; returns whether it is cached now.
    bool insert(const Hash32 &id, const QByteArray &bytes);

    EvictionReport runEviction();
    bool evict(const Hash32 &id);
    size_t clear();

    bool contains(const Hash32 &id) const;
    BlobCacheStats stats() const;
    std::vector<BlobCacheEntry> entries() const;  // most recently used first
    BlobCacheSnapshot snapshot() const;
    BlobCacheLimits limits() const;
    void setLimits(const BlobCacheLimits &limits);

private:
    struct Slot {
        QByteArray bytes;
        int64_t insertedAtMs = 0;
        int64_t lastAccessMs = 0;
        uint64_t hits = 0;
        std::list<Hash32>::iterator lru;
    };
    int64_t now() const;
    void touch(Slot &slot, const Hash32 &id);
    void insertLocked(const Hash32 &id, const QByteArray &bytes);
    void dropLocked(std::unordered_map<Hash32, Slot>::iterator it);
    EvictionReport evictLocked();
    BlobCacheStats statsLocked() const;
    std::vector<BlobCacheEntry> entriesLocked() const;

    Clock clock_;
    mutable std::mutex mutex_;
    BlobCacheLimits limits_;
    std::unordered_map<Hash32, Slot> slots_;
    std::list<Hash32> lru_;  // front = most recently used
    uint64_t bytes_ = 0;
    BlobCacheStats counters_;
};

}  // namespace dn
