#pragma once
// Runs blocking work (engine queries that wait for a context's worker, blob
// writes that wait for durability, module compilation) on a small thread pool
// and hands the result back on the node thread. The node thread itself never
// waits on the engine or the disk.
#include "api/NodeInbox.h"
#include <QThreadPool>
#include <memory>
#include <utility>

namespace dn {

class Offload {
public:
    Offload(std::shared_ptr<NodeInbox> inbox, int threads);
    ~Offload();  // waits for running jobs; their results are dropped once the inbox is closed

    // `work()` runs on the pool; `then(result)` on the node thread. Both must be
    // copyable (QThreadPool takes std::function).
    template <typename Work, typename Then>
    void run(Work work, Then then) {
        pool_.start([inbox = inbox_, work = std::move(work), then = std::move(then)]() mutable {
            auto result = std::make_shared<decltype(work())>(work());
            inbox->post([then = std::move(then), result]() mutable { then(std::move(*result)); });
        });
    }
    void waitForDone() { pool_.waitForDone(); }
    const std::shared_ptr<NodeInbox> &inbox() const { return inbox_; }

private:
    std::shared_ptr<NodeInbox> inbox_;
    QThreadPool pool_;
};

}  // namespace dn
