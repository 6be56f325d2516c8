#pragma once
// Helpers shared by the state tests.
#include "state/ContextState.h"
#include "store/Store.h"

#include <QByteArray>
#include <QString>
#include <memory>
#include <random>
#include <vector>

namespace dn::statetest {

inline Hash32 id(uint8_t n) {
    Hash32 h;
    h.bytes[0] = n;
    h.bytes[31] = 0xA5;
    return h;
}
inline HlcStamp at(uint64_t t, uint8_t author) { return {t, id(author)}; }

inline std::unique_ptr<Store> openStore(const QString &dir) {
    auto r = Store::open(dir);
    if (!r) qFatal("cannot open store: %s", qPrintable(r.error().message));
    return std::move(r.value());
}

// Applies one action in its own batch and commits it, like the DAG does per
// delta. Not waiting for the fsync is deliberate: reads must see queued
// batches (Store's overlay), and scans flush first.
inline bool applyOne(Store &store, ContextState &s, const Action &a, const HlcStamp &st) {
    Batch b;
    const bool changed = s.apply(a, st, b);
    store.commit(std::move(b));
    return changed;
}

struct Op {
    Action action;
    HlcStamp stamp;
};

// Random operations on a small key set so that keys collide often.
inline std::vector<Op> randomOps(uint32_t seed, int n, int keys = 12, int authors = 4) {
    std::mt19937 rng(seed);
    std::vector<Op> ops;
    for (int i = 0; i < n; ++i) {
        const QByteArray key = "k" + QByteArray::number(int(rng() % keys));
        const HlcStamp st = at(1000 + rng() % 200, uint8_t(1 + rng() % authors));
        switch (rng() % 4) {
        case 0: case 1: ops.push_back({Action::put(key, "v" + QByteArray::number(int(rng() % 1000))), st}); break;
        case 2: ops.push_back({Action::remove(key), st}); break;
        default: ops.push_back({Action::counterAdd(key, int64_t(rng() % 21) - 10), st}); break;
        }
    }
    return ops;
}

}  // namespace dn::statetest
