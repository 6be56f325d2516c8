#pragma once
// A bounded LRU cache of decoded state entries, keyed by LevelDB key.
//
// It doubles as the read-your-writes layer for batches that are still being
// filled: ContextState::apply writes an entry into a Batch the caller commits
// later, and until then only the cache knows the new value (Store::get sees a
// batch only once it is committed). Such entries are *dirty*; a dirty entry is
// evicted only once the store returns exactly the bytes it wrote, so eviction
// can never make a reader see an older version. Not thread-safe: ContextState
// guards it with its mutex.
#include "state/StateEntry.h"
#include <QByteArray>
#include <QHash>
#include <functional>
#include <list>
#include <optional>

namespace dn {

struct CachedEntry {
    std::optional<StateEntry> entry;    // nullopt: nothing stored under the key
    Hash32 contribution;                // entry's share of the root hash
    bool dirty = false;                 // written into a batch the store may not have yet
    std::optional<QByteArray> written;  // dirty: the bytes written (nullopt = deleted)
};

class EntryCache {
public:
    // Returns true if the store already holds what `e` (dirty) wrote.
    using LandedFn = std::function<bool(const QByteArray &key, const CachedEntry &e)>;

    explicit EntryCache(size_t capacity) : capacity_(capacity ? capacity : 1) {}

    // The cached entry, marked most recently used; nullptr on a miss.
    CachedEntry *find(const QByteArray &key);
    // Inserts or replaces `key` as the most recently used entry.
    CachedEntry &put(const QByteArray &key, CachedEntry e);
    // Evicts least recently used entries beyond the capacity. Stops at the
    // first dirty entry whose batch has not landed yet (batches land in
    // order, so younger dirty entries have not either); the cache then stays
    // over capacity until that batch is committed.
    void trim(const LandedFn &landed);
    void clear();
    size_t size() const { return size_t(index_.size()); }
    size_t capacity() const { return capacity_; }

private:
    struct Node {
        QByteArray key;
        CachedEntry value;
    };
    size_t capacity_;
    std::list<Node> lru_;  // front = most recently used
    QHash<QByteArray, std::list<Node>::iterator> index_;
};

}  // namespace dn
