#pragma once
// The CRDT state of one context (ARCHITECTURE §5), kept in LevelDB, never wholly in
// memory: a context may hold millions of keys.
//
// Layout (ARCHITECTURE §8), two namespaces under the context's state prefix so that a
// register and a counter with the same app key never collide:
//   s/<ctx>/r<key>   LWW register or its tombstone   (StateEntry.h: stored form)
//   s/<ctx>/c<key>   PN-counter, per-author totals
// Remove only ever targets the register namespace; counters are not removable.
//
// Merge rules (every action carries its delta's (hlc, author) stamp):
//   Put/Remove   incoming wins iff stamp >= stored stamp; ">=" so that a later
//                action of the same delta beats an earlier one. A tombstone
//                keeps its stamp, so an older Put arriving later still loses.
//   CounterAdd   adds to the author's positive or negative total; the DAG
//                applies each delta exactly once, so this commutes.
//
// The root hash (RootHash.h) is maintained in O(1) per action. The owner
// persists it (e.g. in the context record, same batch) and passes it back as
// `initialRoot` when reopening; recomputeRootHash() checks it from scratch.
//
// Writes go into the caller's Batch. Reads made before the caller commits that
// batch are served from the cache (EntryCache.h), so several actions on one key
// inside one delta see each other. A caller that drops a batch after apply()
// must call rollback() with the root it had before. forEach, gcTombstones
// and the dumps read the store, i.e. see committed batches only.
//
// Thread-safe: reads may run concurrently with apply(). One ContextState per
// context per Store.
#include "codec/Delta.h"
#include "crypto/Hash32.h"
#include "state/EntryCache.h"
#include "state/StateEntry.h"
#include "store/Batch.h"
#include <QByteArray>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>

namespace dn {

class Store;

class ContextState {
public:
    static constexpr size_t kDefaultCacheEntries = 1024;
    // Clean entries with larger values are read from the store each time
    // rather than cached, so the cache stays small in bytes too.
    static constexpr qsizetype kMaxCachedValueBytes = 64 * 1024;

    ContextState(Store &store, const Hash32 &contextId, const Hash32 &initialRoot = {},
                 size_t cacheEntries = kDefaultCacheEntries);

    // Live register value; nullopt if absent or removed.
    std::optional<QByteArray> get(const QByteArray &key) const;
    // PN-counter value; 0 if absent.
    int64_t counter(const QByteArray &key) const;

    // Merges one action stamped with its delta's (hlc, author), adding the
    // changed entry to `batch`. Returns true if the visible state (get,
    // counter, forEach, rootHash) changed; a losing action writes nothing.
    bool apply(const Action &action, const HlcStamp &stamp, Batch &batch);
    // State-based merge of a whole entry (snapshot sync): LWW for registers and
    // tombstones, per-author max for counters. Returns true if visible state changed.
    bool merge(const StateEntry &incoming, Batch &batch);

    // Returned by value: it changes under the mutex while others read it.
    Hash32 rootHash() const;
    // The root summed from every stored entry (O(state)); for integrity checks.
    Hash32 recomputeRootHash() const;
    // Forgets changes applied into a batch that will not be committed.
    void rollback(const Hash32 &rootBefore);

    // Live entries, registers by key then counters by key; `fn` returns
    // false to stop. Do not call apply() from `fn`.
    void forEach(const std::function<bool(const StateEntry &)> &fn) const;
    // The same restricted to app keys starting with `keyPrefix` (one range
    // scan per namespace, not a filter over the whole state).
    void forEach(const QByteArray &keyPrefix, const std::function<bool(const StateEntry &)> &fn) const;
    // The same including tombstones (what a snapshot must carry).
    void forEachWithTombstones(const std::function<bool(const StateEntry &)> &fn) const;

    // Deletes up to `max` tombstones whose stamp is older than `olderThanNtp64`
    // (ARCHITECTURE §5: kept 24 h). Returns how many it removed.
    size_t gcTombstones(uint64_t olderThanNtp64, size_t max, Batch &batch);

    // Every stored entry incl. tombstones as deterministic bytes: for each
    // LevelDB key in order, keyLen u32 BE ‖ key suffix ‖ valueLen u32 BE ‖ value.
    // Equal dumps mean equal replicas.
    QByteArray canonicalDump() const;

    const Hash32 &contextId() const { return ctx_; }

private:
    QByteArray storageKey(char tag, const QByteArray &key) const;
    // The current entry under `skey` (cache, else store). Caller holds mu_.
    CachedEntry load(const QByteArray &skey, const QByteArray &key, bool counter) const;
    // Records `next` as the new entry under `skey` and adds it to `batch`;
    // returns true if the visible state changed. Caller holds mu_.
    bool write(const QByteArray &skey, const CachedEntry &old, StateEntry next, Batch &batch);
    void trimCache() const;
    void scanEntries(const QByteArray &keyPrefix, bool withTombstones,
                     const std::function<bool(const StateEntry &)> &fn) const;

    Store &store_;
    const Hash32 ctx_;
    const QByteArray prefix_;  // s/<ctx>/
    mutable std::mutex mu_;
    mutable EntryCache cache_;
    Hash32 root_;
    mutable bool warnedOversize_ = false;
};

}  // namespace dn
