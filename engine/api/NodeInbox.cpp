#include "api/NodeInbox.h"
#include <QMetaObject>

namespace dn {

void NodeInbox::post(std::function<void()> fn) {
    std::lock_guard lock(mutex_);
    if (!home_) return;
    // Posting under the lock keeps close() from racing with the event being queued;
    // an event queued for an object that is then destroyed is discarded by Qt.
    QMetaObject::invokeMethod(home_, std::move(fn), Qt::QueuedConnection);
}

void NodeInbox::close() {
    std::lock_guard lock(mutex_);
    home_ = nullptr;
}

}  // namespace dn
