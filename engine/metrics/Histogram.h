#pragma once
// A latency histogram that any thread can record into without locks.
// Buckets are log-scale (4 per power of two, from 1 µs to ~1 h), which keeps
// percentile error under ~19% at any scale while costing 2 atomics a sample.
#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

namespace dn {

class Histogram {
public:
    static constexpr int kBuckets = 128;

    void record(int64_t micros);
    uint64_t count() const { return count_.load(std::memory_order_relaxed); }
    uint64_t sumMicros() const { return sum_.load(std::memory_order_relaxed); }
    // Approximate percentile (0..1) in µs: the upper bound of the bucket holding it.
    int64_t percentile(double p) const;
    // Upper bound in µs of bucket i (for Prometheus `le` labels and the GUI).
    static int64_t bucketUpperBound(int i);
    static int bucketFor(int64_t micros);
    std::vector<uint64_t> snapshot() const;  // per-bucket counts
    void reset();

private:
    std::array<std::atomic<uint64_t>, kBuckets> buckets_{};
    std::atomic<uint64_t> count_{0};
    std::atomic<uint64_t> sum_{0};
};

}  // namespace dn
