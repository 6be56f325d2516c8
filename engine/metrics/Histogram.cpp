#include "metrics/Histogram.h"
#include <bit>
#include <cmath>

namespace dn {

int Histogram::bucketFor(int64_t micros) {
    if (micros <= 1) return 0;
    // 4 sub-buckets per octave: the two bits below the leading one choose it.
    const uint64_t v = uint64_t(micros);
    const int octave = 63 - std::countl_zero(v);
    const int sub = octave >= 2 ? int((v >> (octave - 2)) & 3) : int((v << (2 - octave)) & 3);
    const int b = octave * 4 + sub;
    return b < kBuckets ? b : kBuckets - 1;
}

int64_t Histogram::bucketUpperBound(int i) {
    const int octave = i / 4, sub = i % 4;
    // Bucket i starts at 2^octave * (1 + sub/4); it ends where the next one starts.
    const double upper = sub == 3 ? std::ldexp(1.0, octave + 1) : std::ldexp(1.0 + (sub + 1) / 4.0, octave);
    return int64_t(std::ceil(upper));
}

void Histogram::record(int64_t micros) {
    if (micros < 0) micros = 0;
    buckets_[size_t(bucketFor(micros))].fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(uint64_t(micros), std::memory_order_relaxed);
}

int64_t Histogram::percentile(double p) const {
    const uint64_t n = count();
    if (n == 0) return 0;
    const uint64_t rank = uint64_t(std::ceil(p * double(n)));
    uint64_t seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
        seen += buckets_[size_t(i)].load(std::memory_order_relaxed);
        if (seen >= rank && seen > 0) return bucketUpperBound(i);
    }
    return bucketUpperBound(kBuckets - 1);
}

std::vector<uint64_t> Histogram::snapshot() const {
    std::vector<uint64_t> out(kBuckets);
    for (int i = 0; i < kBuckets; ++i) out[size_t(i)] = buckets_[size_t(i)].load(std::memory_order_relaxed);
    return out;
}

void Histogram::reset() {
    for (auto &b : buckets_) b.store(0, std::memory_order_relaxed);
    count_.store(0);
    sum_.store(0);
}

}  // namespace dn
