#include "gossip/SeenCache.h"

namespace dn {

bool SeenCache::add(const QByteArray &id, qint64 nowMs) {
    if (expiry_.contains(id)) return false;
    while (!order_.empty() && static_cast<int>(order_.size()) >= maxEntries_) {
        expiry_.remove(order_.front().second);
        order_.pop_front();
        ++evicted_;
    }
    const qint64 until = nowMs + ttlMs_;
    expiry_.insert(id, until);
    order_.emplace_back(until, id);
    return true;
}

void SeenCache::expire(qint64 nowMs) {
    while (!order_.empty() && order_.front().first <= nowMs) {
        expiry_.remove(order_.front().second);
        order_.pop_front();
    }
}

}  // namespace dn
