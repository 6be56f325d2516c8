#pragma once
// The gossipsub message cache (mcache): the messages of the last `length`
// heartbeat windows, so that IWANT requests can be answered, and the ids of
// the last `gossip` windows, which are advertised in IHAVE. Messages are kept
// encoded (the pubsub Message protobuf) because they are only ever re-sent.
#include "crypto/PeerId.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <deque>
#include <map>
#include <optional>
#include <vector>

namespace dn {

class MessageCache {
public:
    MessageCache(int length, int gossip);

    // Adds a message to the current window; a second put of the same id is ignored.
    void put(const QByteArray &id, const QString &topic, const QByteArray &messageBytes);
    bool contains(const QByteArray &id) const { return entries_.contains(id); }

    // The encoded message for an IWANT from `peer`, counting the request;
    // nullopt when the id is not cached or the peer already got it
    // `maxTransmissions` times (v1.1 IWANT spam limit).
    std::optional<QByteArray> getForPeer(const QByteArray &id, const PeerId &peer, int maxTransmissions);

    // Ids of `topic` in the gossip windows, newest window first.
    QList<QByteArray> gossipIds(const QString &topic) const;

    // Called once per heartbeat: opens a new window, forgets the oldest.
    void shift();

    int size() const { return static_cast<int>(entries_.size()); }

private:
    struct Entry {
        QString topic;
        QByteArray bytes;
        std::map<PeerId, int> sentTo;  // IWANT answers per peer
    };
    struct WindowItem {
        QByteArray id;
        QString topic;
    };

    int length_;
    int gossip_;
    std::deque<std::vector<WindowItem>> windows_;  // front = newest
    QHash<QByteArray, Entry> entries_;
};

}  // namespace dn
