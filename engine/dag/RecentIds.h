#pragma once
// A bounded set of recently applied ids (oldest forgotten first). Most
// duplicates and most parents are recent, so this answers them without a
// LevelDB read while keeping memory fixed however long the history grows.
#include "crypto/Hash32.h"
#include <deque>
#include <unordered_set>

namespace dn {

class RecentIds {
public:
    explicit RecentIds(size_t capacity) : capacity_(capacity) {}
    void insert(const Hash32 &id) {
        if (capacity_ == 0 || !set_.insert(id).second) return;
        order_.push_back(id);
        if (order_.size() > capacity_) {
            set_.erase(order_.front());
            order_.pop_front();
        }
    }
    bool contains(const Hash32 &id) const { return set_.count(id) != 0; }
    void clear() {
        set_.clear();
        order_.clear();
    }

private:
    size_t capacity_;
    std::unordered_set<Hash32> set_;
    std::deque<Hash32> order_;
};

}  // namespace dn
