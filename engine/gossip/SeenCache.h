#pragma once
// Time-bounded set of message ids already handled (the gossipsub "seen"
// cache): a copy that arrives again within the TTL is a duplicate and is
// neither delivered nor forwarded. Entries expire in insertion order, so the
// expiry sweep is a pop from the front of a queue. The cache is also bounded
// in entries: at the bound the oldest id is forgotten early, so a flood of
// distinct ids costs bounded memory (a forgotten id that comes back is handled
// again: a duplicate delivery, which the DAG absorbs, not a loss).
#include <QByteArray>
#include <QHash>
#include <deque>
#include <utility>

namespace dn {

class SeenCache {
public:
    SeenCache(qint64 ttlMs, int maxEntries) : ttlMs_(ttlMs), maxEntries_(maxEntries) {}

    bool contains(const QByteArray &id) const { return expiry_.contains(id); }
    // Records id as seen at nowMs; false if it was already there.
    bool add(const QByteArray &id, qint64 nowMs);
    // Forgets ids older than the TTL.
    void expire(qint64 nowMs);
    int size() const { return static_cast<int>(expiry_.size()); }
    quint64 evicted() const { return evicted_; }  // forgotten before their TTL

private:
    qint64 ttlMs_;
    int maxEntries_;
    quint64 evicted_ = 0;
    QHash<QByteArray, qint64> expiry_;
    std::deque<std::pair<qint64, QByteArray>> order_;
};

}  // namespace dn
