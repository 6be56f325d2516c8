#include "state/Hlc.h"

#include <chrono>

namespace dn {

int64_t microsSinceNtp64(uint64_t ntp64) {
    const uint64_t now = systemNtp64();
    if (ntp64 >= now) return 0;
    const uint64_t d = now - ntp64;
    return int64_t(((d >> 16) * 1000000u) >> 16);
}

uint64_t systemNtp64() {
    using namespace std::chrono;
    const auto ns = duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count();
    if (ns <= 0) return 0;
    const uint64_t secs = uint64_t(ns) / 1000000000u;
    const uint64_t frac = ((uint64_t(ns) % 1000000000u) << 32) / 1000000000u;
    return (secs << 32) | frac;
}

uint64_t ntp64FromUnixMs(int64_t unixMs) {
    if (unixMs <= 0) return 0;
    const uint64_t secs = uint64_t(unixMs) / 1000u;
    // Round the fraction up so that unixMsFromNtp64 (which floors) gives the
    // same millisecond back.
    const uint64_t frac = (((uint64_t(unixMs) % 1000u) << 32) + 999u) / 1000u;
    return (secs << 32) | frac;
}

int64_t unixMsFromNtp64(uint64_t ntp64) {
    const uint64_t secs = ntp64 >> 32;
    const uint64_t frac = ntp64 & 0xFFFFFFFFu;
    return int64_t(secs * 1000u + ((frac * 1000u) >> 32));
}

Hlc::Hlc(std::function<uint64_t()> wallClockNtp64) : wall_(std::move(wallClockNtp64)) {
    if (!wall_) wall_ = systemNtp64;
}

uint64_t Hlc::now() {
    const uint64_t physical = wall_() & ~kLogicalMask;
    uint64_t last = last_.load(std::memory_order_acquire);
    for (;;) {
        const uint64_t next = physical > last ? physical : last + 1;
        if (last_.compare_exchange_weak(last, next, std::memory_order_acq_rel))
            return next;
    }
}

bool Hlc::observe(uint64_t remote) {
    const uint64_t wall = wall_();
    // Compare without overflow for wall clocks near the end of the range.
    if (remote > wall && remote - wall > kMaxDriftNtp64) return false;
    uint64_t last = last_.load(std::memory_order_acquire);
    while (remote > last) {
        if (last_.compare_exchange_weak(last, remote, std::memory_order_acq_rel)) break;
    }
    return true;
}

}  // namespace dn
