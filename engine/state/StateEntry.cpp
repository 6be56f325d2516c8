#include "state/StateEntry.h"

#include "crypto/Sha256.h"

#include <algorithm>

namespace dn::entry {
namespace {

constexpr qsizetype kStampBytes = 1 + 8 + 32;  // kind ‖ hlc ‖ author
constexpr qsizetype kShareBytes = 32 + 8 + 8;

void putU64(char *p, uint64_t v) {
    for (int i = 7; i >= 0; --i, v >>= 8) p[i] = char(v & 0xFF);
}
uint64_t getU64(const char *p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | uint8_t(p[i]);
    return v;
}
void putU32(char *p, uint32_t v) {
    for (int i = 3; i >= 0; --i, v >>= 8) p[i] = char(v & 0xFF);
}

}  // namespace

QByteArray encode(const StateEntry &e) {
    QByteArray out;
    if (e.kind == StateEntry::Kind::Counter) {
        out.resize(1 + kShareBytes * qsizetype(e.shares.size()));
        char *p = out.data();
        *p++ = char(StateEntry::Kind::Counter);
        for (const CounterShare &s : e.shares) {
            std::memcpy(p, s.author.data(), 32);
            putU64(p + 32, s.pos);
            putU64(p + 40, s.neg);
            p += kShareBytes;
        }
        return out;
    }
    const bool live = e.kind == StateEntry::Kind::Register;
    out.resize(kStampBytes + (live ? e.value.size() : 0));
    char *p = out.data();
    p[0] = char(e.kind);
    putU64(p + 1, e.stamp.time);
    std::memcpy(p + 9, e.stamp.author.data(), 32);
    if (live && !e.value.isEmpty()) std::memcpy(p + kStampBytes, e.value.constData(), e.value.size());
    return out;
}

std::optional<StateEntry> decode(QByteArray key, QByteArrayView stored, bool counter) {
    if (stored.isEmpty()) return std::nullopt;
    StateEntry e;
    e.key = std::move(key);
    const char *p = stored.data();
    const auto kind = StateEntry::Kind(uint8_t(p[0]));
    if (counter) {
        if (kind != StateEntry::Kind::Counter || (stored.size() - 1) % kShareBytes != 0)
            return std::nullopt;
        e.kind = kind;
        const qsizetype n = (stored.size() - 1) / kShareBytes;
        e.shares.resize(size_t(n));
        for (qsizetype i = 0; i < n; ++i) {
            const char *s = p + 1 + i * kShareBytes;
            CounterShare &cs = e.shares[size_t(i)];
            std::memcpy(cs.author.bytes.data(), s, 32);
            cs.pos = getU64(s + 32);
            cs.neg = getU64(s + 40);
            if (i > 0 && !(e.shares[size_t(i) - 1].author < cs.author)) return std::nullopt;
        }
        finish(e);
        return e;
    }
    if (kind != StateEntry::Kind::Register && kind != StateEntry::Kind::Tombstone) return std::nullopt;
    if (stored.size() < kStampBytes) return std::nullopt;
    if (kind == StateEntry::Kind::Tombstone && stored.size() != kStampBytes) return std::nullopt;
    e.kind = kind;
    e.stamp.time = getU64(p + 1);
    std::memcpy(e.stamp.author.bytes.data(), p + 9, 32);
    if (kind == StateEntry::Kind::Register)
        e.value = QByteArray(p + kStampBytes, stored.size() - kStampBytes);
    return e;
}

Hash32 contribution(const StateEntry &e) {
    if (e.kind == StateEntry::Kind::Tombstone) return Hash32::zero();
    // Hashed in pieces: values can be megabytes and need not be copied.
    thread_local Sha256 h;
    char head[1 + 4];
    const bool counter = e.kind == StateEntry::Kind::Counter;
    head[0] = counter ? kCounterTag : kRegisterTag;
    putU32(head + 1, uint32_t(e.key.size()));
    h.add(QByteArrayView(head, sizeof head));
    h.add(e.key);
    char n[4];
    if (counter) {
        putU32(n, uint32_t(e.shares.size()));
        h.add(QByteArrayView(n, 4));
        for (const CounterShare &s : e.shares) {
            char share[kShareBytes];
            std::memcpy(share, s.author.data(), 32);
            putU64(share + 32, s.pos);
            putU64(share + 40, s.neg);
            h.add(QByteArrayView(share, kShareBytes));
        }
        return h.finish();
    }
    putU32(n, uint32_t(e.value.size()));
    h.add(QByteArrayView(n, 4));
    h.add(e.value);
    char stamp[8 + 32];
    putU64(stamp, e.stamp.time);
    std::memcpy(stamp + 8, e.stamp.author.data(), 32);
    h.add(QByteArrayView(stamp, sizeof stamp));
    return h.finish();
}

void addToCounter(std::vector<CounterShare> &shares, const Hash32 &author, int64_t amount) {
    auto it = std::lower_bound(shares.begin(), shares.end(), author,
                               [](const CounterShare &s, const Hash32 &a) { return s.author < a; });
    if (it == shares.end() || it->author != author) it = shares.insert(it, CounterShare{author, 0, 0});
    // Unsigned arithmetic: wraps instead of overflowing (UB), the same everywhere.
    if (amount >= 0) it->pos += uint64_t(amount);
    else it->neg += uint64_t(0) - uint64_t(amount);
}

void finish(StateEntry &e) {
    e.isCounter = e.kind == StateEntry::Kind::Counter;
    e.counter = e.isCounter ? e.counterValue() : 0;
}

bool joinCounters(std::vector<CounterShare> &into, const std::vector<CounterShare> &other) {
    bool changed = false;
    for (const CounterShare &o : other) {
        auto it = std::lower_bound(into.begin(), into.end(), o.author,
                                   [](const CounterShare &s, const Hash32 &a) { return s.author < a; });
        if (it == into.end() || it->author != o.author) {
            into.insert(it, o);
            changed = true;
            continue;
        }
        if (o.pos > it->pos) { it->pos = o.pos; changed = true; }
        if (o.neg > it->neg) { it->neg = o.neg; changed = true; }
    }
    return changed;
}

}  // namespace dn::entry

namespace dn {

int64_t StateEntry::counterValue() const {
    uint64_t v = 0;
    for (const CounterShare &s : shares) v += s.pos - s.neg;
    return int64_t(v);
}

}  // namespace dn
