#include "gossip/OutboundQueue.h"

namespace dn {

bool OutboundQueue::push(QByteArray frame, bool control) {
    std::deque<QByteArray> &lane = control ? control_ : data_;
    const int cap = control ? limits_.maxControl : limits_.maxData;
    const bool fits = static_cast<int>(lane.size()) < cap && bytes_ + frame.size() <= limits_.maxBytes;
    if (!fits && !isEmpty()) {
        ++dropped_;
        return false;
    }
    bytes_ += frame.size();
    lane.push_back(std::move(frame));
    return true;
}

QByteArray OutboundQueue::pop() {
    std::deque<QByteArray> &lane = control_.empty() ? data_ : control_;
    QByteArray f = std::move(lane.front());
    lane.pop_front();
    bytes_ -= f.size();
    return f;
}

void OutboundQueue::clear() {
    control_.clear();
    data_.clear();
    bytes_ = 0;
}

}  // namespace dn
