#include "node/NodeThread.h"
#include <QMetaObject>

namespace dn {

NodeThread::NodeThread(NodeConfig config) : config_(std::move(config)) {
    thread_.setObjectName(QStringLiteral("node"));
}

NodeThread::~NodeThread() { stop(); }

Result<void> NodeThread::start() {
    if (node_) return {};
    anchor_ = new QObject;
    anchor_->moveToThread(&thread_);
    thread_.start();
    Result<void> result;
    QMetaObject::invokeMethod(
        anchor_,
        [this, &result] {
            auto node = Node::open(config_);
            if (!node) {
                result = node.error();
                return;
            }
            if (auto r = (*node)->start(); !r) {
                result = r.error();
                return;  // the node is destroyed here, on its thread
            }
            node_ = node->release();
        },
        Qt::BlockingQueuedConnection);
    if (!result) stop();
    return result;
}

void NodeThread::stop() {
    if (!thread_.isRunning()) return;
    QMetaObject::invokeMethod(
        anchor_,
        [this] {
            delete node_;  // shutdown() runs in the destructor
            node_ = nullptr;
        },
        Qt::BlockingQueuedConnection);
    thread_.quit();
    thread_.wait();
    delete anchor_;  // its thread has finished: no event can reach it now
    anchor_ = nullptr;
}

void NodeThread::call(const std::function<void(Node &)> &fn) {
    if (!node_) return;
    QMetaObject::invokeMethod(anchor_, [this, &fn] { fn(*node_); }, Qt::BlockingQueuedConnection);
}

}  // namespace dn
