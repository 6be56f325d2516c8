#include "dag/PendingSet.h"

#include <algorithm>

namespace dn {

void PendingSet::insert(Entry e) {
    const Hash32 id = e.delta.id;
    take(id);  // re-inserting replaces, never leaves stale index links
    for (const Hash32 &p : e.missing) waiting_[p].push_back(id);
    const uint64_t order = nextOrder_++;
    byOrder_.emplace(order, id);
    entries_.insert_or_assign(id, Stored{std::move(e), order});
}

std::optional<PendingSet::Entry> PendingSet::take(const Hash32 &id) {
    auto it = entries_.find(id);
    if (it == entries_.end()) return std::nullopt;
    Stored s = std::move(it->second);
    entries_.erase(it);
    byOrder_.erase(s.order);
    for (const Hash32 &p : s.entry.missing) {
        auto w = waiting_.find(p);
        if (w == waiting_.end()) continue;
        auto &kids = w->second;
        kids.erase(std::remove(kids.begin(), kids.end(), id), kids.end());
        if (kids.empty()) waiting_.erase(w);
    }
    return std::move(s.entry);
}

std::vector<Hash32> PendingSet::parentSatisfied(const Hash32 &parent) {
    std::vector<Hash32> ready;
    auto w = waiting_.find(parent);
    if (w == waiting_.end()) return ready;
    const std::vector<Hash32> kids = std::move(w->second);
    waiting_.erase(w);
    for (const Hash32 &kid : kids) {
        auto it = entries_.find(kid);
        if (it == entries_.end()) continue;
        auto &missing = it->second.entry.missing;
        missing.erase(std::remove(missing.begin(), missing.end(), parent), missing.end());
        if (missing.empty()) ready.push_back(kid);
    }
    return ready;
}

std::optional<Hash32> PendingSet::oldest() const {
    if (byOrder_.empty()) return std::nullopt;
    return byOrder_.begin()->second;
}

std::vector<Hash32> PendingSet::receivedBefore(int64_t cutoffMs) const {
    // Arrival order need not follow the clock (restored entries, clock
    // steps), so every entry is looked at; this runs once a minute.
    std::vector<Hash32> out;
    for (const auto &[order, id] : byOrder_)
        if (entries_.at(id).entry.receivedAtMs < cutoffMs) out.push_back(id);
    return out;
}

std::vector<Hash32> PendingSet::missingParents(size_t limit) const {
    std::vector<Hash32> out;
    for (const auto &[parent, kids] : waiting_)
        if (!entries_.count(parent)) out.push_back(parent);
    std::sort(out.begin(), out.end());
    if (out.size() > limit) out.resize(limit);
    return out;
}

}  // namespace dn
