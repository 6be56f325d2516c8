#include "state/EntryCache.h"

namespace dn {

CachedEntry *EntryCache::find(const QByteArray &key) {
    auto it = index_.constFind(key);
    if (it == index_.constEnd()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it.value());
    return &it.value()->value;
}

CachedEntry &EntryCache::put(const QByteArray &key, CachedEntry e) {
    auto it = index_.find(key);
    if (it != index_.end()) {
        lru_.splice(lru_.begin(), lru_, it.value());
        it.value()->value = std::move(e);
        return it.value()->value;
    }
    lru_.push_front(Node{key, std::move(e)});
    index_.insert(key, lru_.begin());
    return lru_.front().value;
}

void EntryCache::trim(const LandedFn &landed) {
    while (size_t(index_.size()) > capacity_) {
        Node &victim = lru_.back();
        if (victim.value.dirty && !landed(victim.key, victim.value)) return;
        index_.remove(victim.key);
        lru_.pop_back();
    }
}

void EntryCache::clear() {
    index_.clear();
    lru_.clear();
}

}  // namespace dn
