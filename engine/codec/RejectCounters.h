#pragma once
// Rejected envelopes counted by reason (ARCHITECTURE §13: "deltas rejected by
// reason"). Lock-free: receivers on any worker thread add, the metrics
// endpoint reads.
#include "codec/RejectReason.h"

#include <array>
#include <atomic>
#include <cstdint>

namespace dn {

class RejectCounters {
public:
    void add(RejectReason reason);
    uint64_t count(RejectReason reason) const;
    uint64_t total() const;

private:
    std::array<std::atomic<uint64_t>, kRejectReasonCount> counts_{};
};

}  // namespace dn
