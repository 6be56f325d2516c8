#pragma once
// The pending deltas of one context: those waiting for at least one parent.
// Indexed by missing parent, so applying a delta finds the children it
// releases in O(children), and by arrival, so the oldest is evicted first.
// Purely in memory; DagStore mirrors every change into the store.
#include "codec/Delta.h"
#include <QByteArray>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

namespace dn {

class PendingSet {
public:
    struct Entry {
        Delta delta;
        QByteArray envelope;
        int64_t receivedAtMs = 0;
        std::vector<Hash32> missing;  // parents not yet satisfied; never empty while pending
    };

    bool contains(const Hash32 &id) const { return entries_.count(id) != 0; }
    size_t size() const { return entries_.size(); }
    bool empty() const { return entries_.empty(); }

    // Adds `e` as the newest entry, indexed under each of its missing parents.
    void insert(Entry e);
    // Removes an entry and its index links; children waiting on it stay
    // indexed (it now counts as missing for them).
    std::optional<Entry> take(const Hash32 &id);
    // `parent` is now satisfied: forgets it as a missing parent and returns
    // the children left with no missing parent, in the order they arrived.
    std::vector<Hash32> parentSatisfied(const Hash32 &parent);

    std::optional<Hash32> oldest() const;
    std::vector<Hash32> receivedBefore(int64_t cutoffMs) const;  // oldest first
    // Parents pending deltas wait for that are not pending themselves (so
    // nobody here has them), sorted, at most `limit`.
    std::vector<Hash32> missingParents(size_t limit) const;

private:
    struct Stored {
        Entry entry;
        uint64_t order;
    };
    std::unordered_map<Hash32, Stored> entries_;
    std::unordered_map<Hash32, std::vector<Hash32>> waiting_;  // missing parent -> children
    std::map<uint64_t, Hash32> byOrder_;                       // arrival order -> id
    uint64_t nextOrder_ = 0;
};

}  // namespace dn
