#pragma once
// The epoch keys of one context that this node holds (ARCHITECTURE §15).
// Epoch 0 is the context key of the context's creation. A removal starts a
// new epoch; two concurrent removals may each start "epoch N+1" with their
// own key, so one epoch number can have several keys, told apart by the
// removal delta that carried each (`source`). Opening tries each key of the
// envelope's epoch: a wrong one fails its authentication tag.
#include "crypto/Hash32.h"
#include <QByteArray>
#include <cstdint>
#include <vector>

namespace dn {

struct EpochKey {
    uint32_t epoch = 0;
    QByteArray key;   // 32 bytes
    Hash32 source;    // the removal delta that carried it; zero for epoch 0
    friend bool operator==(const EpochKey &, const EpochKey &) = default;
};

class KeyRing {
public:
    KeyRing() = default;
    explicit KeyRing(QByteArray epoch0) { add({0, std::move(epoch0), {}}); }

    // False if that exact (epoch, source) is known already.
    bool add(EpochKey k) {
        for (const EpochKey &e : keys_)
            if (e.epoch == k.epoch && e.source == k.source) return false;
        keys_.push_back(std::move(k));
        return true;
    }
    bool hasEpoch(uint32_t epoch) const {
        for (const EpochKey &e : keys_)
            if (e.epoch == epoch) return true;
        return false;
    }
    const EpochKey *find(uint32_t epoch, const Hash32 &source) const {
        for (const EpochKey &e : keys_)
            if (e.epoch == epoch && e.source == source) return &e;
        return nullptr;
    }
    std::vector<const EpochKey *> ofEpoch(uint32_t epoch) const {
        std::vector<const EpochKey *> out;
        for (const EpochKey &e : keys_)
            if (e.epoch == epoch) out.push_back(&e);
        return out;
    }
    const std::vector<EpochKey> &all() const { return keys_; }
    bool empty() const { return keys_.empty(); }

private:
    std::vector<EpochKey> keys_;
};

}  // namespace dn
