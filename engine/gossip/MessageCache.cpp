#include "gossip/MessageCache.h"

#include <algorithm>

namespace dn {

MessageCache::MessageCache(int length, int gossip)
    : length_(std::max(1, length)), gossip_(std::clamp(gossip, 0, std::max(1, length))) {
    windows_.emplace_front();
}

void MessageCache::put(const QByteArray &id, const QString &topic, const QByteArray &messageBytes) {
    if (entries_.contains(id)) return;
    entries_.insert(id, Entry{topic, messageBytes, {}});
    windows_.front().push_back(WindowItem{id, topic});
}

std::optional<QByteArray> MessageCache::getForPeer(const QByteArray &id, const PeerId &peer, int maxTransmissions) {
    auto it = entries_.find(id);
    if (it == entries_.end()) return std::nullopt;
    int &count = it->sentTo[peer];
    if (count >= maxTransmissions) return std::nullopt;
    ++count;
    return it->bytes;
}

QList<QByteArray> MessageCache::gossipIds(const QString &topic) const {
    QList<QByteArray> out;
    const int n = std::min<int>(gossip_, static_cast<int>(windows_.size()));
    for (int w = 0; w < n; ++w)
        for (const WindowItem &item : windows_[static_cast<size_t>(w)])
            if (item.topic == topic) out.append(item.id);
    return out;
}

void MessageCache::shift() {
    if (static_cast<int>(windows_.size()) >= length_) {
        for (const WindowItem &item : windows_.back()) entries_.remove(item.id);
        windows_.pop_back();
    }
    windows_.emplace_front();
}

}  // namespace dn
