#pragma once
// Hybrid logical clock (ARCHITECTURE §4). Times are NTP64-style: the high 32 bits are
// Unix seconds, the low 32 bits the fraction of a second, and the low 16 bits
// of the fraction are reused as a logical counter. So a stamp is close to wall
// time (useful for latency metrics and tombstone GC) yet strictly increasing
// per node even when the wall clock stalls or steps back.
#include <atomic>
#include <cstdint>
#include <functional>

namespace dn {

// Wall clock now, NTP64 (Unix epoch, not the 1900 NTP epoch).
uint64_t systemNtp64();
// Conversions used for metrics and GC thresholds. Round-trips exactly for ms.
uint64_t ntp64FromUnixMs(int64_t unixMs);  // negative times clamp to 0
int64_t unixMsFromNtp64(uint64_t ntp64);
// Microseconds from a stamp until now; 0 when the stamp is ahead (clock skew
// between authors). The latency phases measured from a delta's HLC use it.
int64_t microsSinceNtp64(uint64_t ntp64);

class Hlc {
public:
    static constexpr uint64_t kLogicalMask = 0xFFFF;
    // A remote time further ahead of our wall clock than this is not adopted:
    // one peer with a broken clock must not drag every member into the future.
    static constexpr uint64_t kMaxDriftNtp64 = uint64_t(5) << 32;  // 5 s

    explicit Hlc(std::function<uint64_t()> wallClockNtp64 = systemNtp64);

    // A new stamp, strictly greater than every stamp returned or observed
    // before: the wall time with the counter bits cleared if that is ahead,
    // else the last stamp + 1 (bumping the counter). Thread-safe.
    uint64_t now();
    // Adopts a remote stamp (the clock becomes max(last, remote)) so our next
    // stamp orders after what we have seen. Returns false, adopting nothing,
    // if `remote` is more than 5 s ahead of the local wall clock.
    bool observe(uint64_t remote);
    // The last stamp issued or adopted (0 if none).
    uint64_t last() const { return last_.load(std::memory_order_acquire); }

private:
    std::function<uint64_t()> wall_;
    std::atomic<uint64_t> last_{0};  // lock-free: now() is on every transaction
};

}  // namespace dn
