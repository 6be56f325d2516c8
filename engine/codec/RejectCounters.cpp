#include "codec/RejectCounters.h"

namespace dn {

// Relaxed ordering: the counters are statistics and order nothing else.
void RejectCounters::add(RejectReason reason) {
    const auto i = static_cast<size_t>(reason);
    if (i < counts_.size()) counts_[i].fetch_add(1, std::memory_order_relaxed);
}

uint64_t RejectCounters::count(RejectReason reason) const {
    const auto i = static_cast<size_t>(reason);
    return i < counts_.size() ? counts_[i].load(std::memory_order_relaxed) : 0;
}

uint64_t RejectCounters::total() const {
    uint64_t sum = 0;
    for (const auto &c : counts_) sum += c.load(std::memory_order_relaxed);
    return sum;
}

}  // namespace dn
