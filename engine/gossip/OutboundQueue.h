#pragma once
// A peer's bounded queue of outgoing gossipsub frames, in two lanes: control
// frames (subscriptions, GRAFT/PRUNE/IHAVE/IWANT) leave before data frames
// (messages), so that mesh repair is never stuck behind a backlog of payload.
// A full lane refuses the frame instead of growing: a slow peer costs us
// dropped RPCs (counted), never unbounded memory (go-libp2p-pubsub drops the
// same way, with a priority lane for control).
#include <QByteArray>
#include <deque>

namespace dn {

struct OutboundQueueLimits {
    int maxControl = 256;                  // frames
    int maxData = 128;                     // frames
    qsizetype maxBytes = 16 * 1024 * 1024; // both lanes together
};

class OutboundQueue {
public:
    explicit OutboundQueue(OutboundQueueLimits limits = {}) : limits_(limits) {}

    // False (and the frame is dropped) when its lane or the byte budget is
    // full. An empty queue always takes one frame, whatever its size.
    bool push(QByteArray frame, bool control);
    bool isEmpty() const { return control_.empty() && data_.empty(); }
    // The next frame, control first. The queue must not be empty.
    QByteArray pop();
    int size() const { return static_cast<int>(control_.size() + data_.size()); }
    qsizetype bytes() const { return bytes_; }
    quint64 dropped() const { return dropped_; }
    void clear();

private:
    OutboundQueueLimits limits_;
    std::deque<QByteArray> control_;
    std::deque<QByteArray> data_;
    qsizetype bytes_ = 0;
    quint64 dropped_ = 0;
};

}  // namespace dn
