#pragma once
// Runs a Node on its own QThread named "node" (ARCHITECTURE §3): the node is
// created, started, shut down and destroyed on that thread, so its sockets
// and timers belong to it. The owner (app/main.cpp, the desktop UI, tests)
// stays on its own thread and reaches the node only through call().
#include "node/Node.h"
#include <QThread>
#include <functional>
#include <memory>

namespace dn {

class NodeThread {
public:
    explicit NodeThread(NodeConfig config);
    ~NodeThread();  // stop()
    NodeThread(const NodeThread &) = delete;
    NodeThread &operator=(const NodeThread &) = delete;

    // Opens and starts the node on the node thread; returns once it serves.
    Result<void> start();
    // Shuts the node down (everything durable), destroys it, ends the thread.
    void stop();
    bool running() const { return node_ != nullptr; }

    // Runs `fn` on the node thread and waits for it. Not from the node thread.
    void call(const std::function<void(Node &)> &fn);
    Node *node() const { return node_; }  // lives on the node thread
    QThread *thread() { return &thread_; }

private:
    NodeConfig config_;
    QThread thread_;
    QObject *anchor_ = nullptr;  // lives on thread_; target of blocking calls
    Node *node_ = nullptr;
};

}  // namespace dn
