#include "blob/BlobCache.h"
#include "blob/BlobStore.h"
#include <QDateTime>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcBlobCache, "dn.blob.cache")

namespace dn {

BlobCache::BlobCache(BlobCacheLimits limits, Clock clock) : clock_(std::move(clock)), limits_(limits) {}

int64_t BlobCache::now() const { return clock_ ? clock_() : QDateTime::currentMSecsSinceEpoch(); }

void BlobCache::touch(Slot &slot, const Hash32 &id) {
    slot.lastAccessMs = now();
    ++slot.hits;
    lru_.splice(lru_.begin(), lru_, slot.lru);
}

std::optional<QByteArray> BlobCache::lookup(const Hash32 &id) {
    std::lock_guard lock(mutex_);
    auto it = slots_.find(id);
    if (it == slots_.end()) {
        ++counters_.misses;
        return std::nullopt;
    }
    ++counters_.hits;
    touch(it->second, id);
    return it->second.bytes;  // implicitly shared: no copy of the bytes
}

std::optional<QByteArray> BlobCache::get(const Hash32 &id, const Loader &load) {
    if (auto hit = lookup(id)) return hit;
    // Loaded without the lock: a slow read must not stall other readers. Two
    // concurrent misses of one id both load; the second insert is a no-op.
    auto bytes = load ? load() : std::nullopt;
    if (bytes) insert(id, *bytes);
    return bytes;
}

Result<QByteArray> BlobCache::blob(const BlobStore &store, const Hash32 &blobId) {
    if (auto hit = lookup(blobId)) return *hit;
    const auto info = store.info(blobId);
    if (!info) return errors::blobNotFound(blobId);
    if (info->size > limits().maxItemBytes) {
        std::lock_guard lock(mutex_);
        ++counters_.bypassed;
        return Error{ErrorCode::TooLarge, QStringLiteral("blob %1 has %2 bytes, more than the cache keeps (%3); stream it")
                                      .arg(blobId.toBase58()).arg(info->size).arg(limits_.maxItemBytes)};
    }
    auto bytes = store.get(blobId);
    if (!bytes) return Error{ErrorCode::Corrupt, QStringLiteral("blob %1 could not be read intact").arg(blobId.toBase58())};
    insert(blobId, *bytes);
    return *bytes;
}

bool BlobCache::insert(const Hash32 &id, const QByteArray &bytes) {
    std::lock_guard lock(mutex_);
    if (uint64_t(bytes.size()) > limits_.maxItemBytes) {
        ++counters_.bypassed;
        return false;
    }
    if (slots_.count(id)) return true;  // content-addressed: same id, same bytes
    insertLocked(id, bytes);
    return slots_.count(id) > 0;
}

void BlobCache::insertLocked(const Hash32 &id, const QByteArray &bytes) {
    // The hard ceiling between timer runs (see the header).
    if (slots_.size() + 1 > 2 * limits_.maxEntries || bytes_ + uint64_t(bytes.size()) > 2 * limits_.maxBytes) {
        qCDebug(lcBlobCache) << "cache over twice its limits; evicting before the timer";
        evictLocked();
    }
    lru_.push_front(id);
    Slot slot;
    slot.bytes = bytes;
    slot.insertedAtMs = slot.lastAccessMs = now();
    slot.lru = lru_.begin();
    bytes_ += uint64_t(bytes.size());
    slots_.emplace(id, std::move(slot));
}

void BlobCache::dropLocked(std::unordered_map<Hash32, Slot>::iterator it) {
    bytes_ -= uint64_t(it->second.bytes.size());
    lru_.erase(it->second.lru);
    slots_.erase(it);
}

EvictionReport BlobCache::runEviction() {
    std::lock_guard lock(mutex_);
    return evictLocked();
}

EvictionReport BlobCache::evictLocked() {
    EvictionReport r;
    const int64_t t = now();
    // Phase 1: idle entries. The LRU tail is the least recently used, so the
    // walk stops at the first entry that is not idle.
    while (!lru_.empty()) {
        auto it = slots_.find(lru_.back());
        if (t - it->second.lastAccessMs < limits_.maxIdleMs) break;
        dropLocked(it);
        ++r.idle;
    }
    // Phase 2: entry count.
    while (slots_.size() > limits_.maxEntries) {
        dropLocked(slots_.find(lru_.back()));
        ++r.count;
    }
    // Phase 3: bytes.
    while (bytes_ > limits_.maxBytes && !lru_.empty()) {
        dropLocked(slots_.find(lru_.back()));
        ++r.bytes;
    }
    counters_.evictedIdle += r.idle;
    counters_.evictedCount += r.count;
    counters_.evictedBytes += r.bytes;
    ++counters_.evictionRuns;
    if (r.total())
        qCDebug(lcBlobCache) << "evicted" << r.idle << "idle," << r.count << "over count," << r.bytes
                             << "over bytes;" << slots_.size() << "entries," << bytes_ << "bytes left";
    return r;
}

bool BlobCache::evict(const Hash32 &id) {
    std::lock_guard lock(mutex_);
    auto it = slots_.find(id);
    if (it == slots_.end()) return false;
    dropLocked(it);
    ++counters_.evictedManual;
    return true;
}

size_t BlobCache::clear() {
    std::lock_guard lock(mutex_);
    const size_t n = slots_.size();
    slots_.clear();
    lru_.clear();
    bytes_ = 0;
    counters_.evictedManual += n;
    return n;
}

bool BlobCache::contains(const Hash32 &id) const {
    std::lock_guard lock(mutex_);
    return slots_.count(id) > 0;
}

BlobCacheStats BlobCache::statsLocked() const {
    BlobCacheStats s = counters_;
    s.entries = slots_.size();
    s.bytes = bytes_;
    return s;
}

std::vector<BlobCacheEntry> BlobCache::entriesLocked() const {
    std::vector<BlobCacheEntry> out;
    out.reserve(slots_.size());
    for (const Hash32 &id : lru_) {
        const Slot &s = slots_.at(id);
        out.push_back({id, uint64_t(s.bytes.size()), s.insertedAtMs, s.lastAccessMs, s.hits});
    }
    return out;
}

BlobCacheStats BlobCache::stats() const {
    std::lock_guard lock(mutex_);
    return statsLocked();
}

std::vector<BlobCacheEntry> BlobCache::entries() const {
    std::lock_guard lock(mutex_);
    return entriesLocked();
}

BlobCacheSnapshot BlobCache::snapshot() const {
    std::lock_guard lock(mutex_);
    return {statsLocked(), limits_, entriesLocked()};
}

BlobCacheLimits BlobCache::limits() const {
    std::lock_guard lock(mutex_);
    return limits_;
}

void BlobCache::setLimits(const BlobCacheLimits &limits) {
    std::lock_guard lock(mutex_);
    limits_ = limits;
}

}  // namespace dn
