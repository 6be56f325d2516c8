#pragma once
// Brings work back to the node thread. Engine callbacks run on executor and
// committer threads and may outlive the API server, so they post through this
// shared box rather than to the server directly; the server closes the box
// when it goes away, and anything posted later is dropped (destroyed on the
// posting thread, so what a posted function captures must be safe to destroy
// anywhere: shared_ptrs of plain data, QPointers).
#include <QObject>
#include <functional>
#include <memory>
#include <mutex>

namespace dn {

class NodeInbox {
public:
    explicit NodeInbox(QObject *home) : home_(home) {}
    // Thread-safe. `fn` runs later on the home object's thread, in post order.
    void post(std::function<void()> fn);
    void close();

private:
    std::mutex mutex_;
    QObject *home_;
};

}  // namespace dn
