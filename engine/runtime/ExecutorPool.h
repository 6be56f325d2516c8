#pragma once
// The executor pool (ARCHITECTURE §3): N worker threads, each with its own V8
// isolate, shared fairly between contexts (FairQueue.h has the rules). A
// context's tasks run in the order they were posted and never on two workers
// at once, so its transactions stay serial; which worker runs each one is up
// to the scheduler. Compiled modules are shared by all isolates.
//
// Which posts may be refused with `busy` is the engine's choice (Admission):
// requests that a client or a peer repeats are refusable, including a
// received delta (gossip drops it, and sync asks for it again while heads
// differ); work whose loss would lose data or leave it half done is not.
#include "runtime/CallInput.h"
#include "runtime/CallOutcome.h"
#include "runtime/ExecutorLimits.h"
#include "runtime/FairQueue.h"
#include "runtime/RuntimeLimits.h"
#include "runtime/WasmApp.h"
#include "runtime/Worker.h"
#include "util/Result.h"
#include <QThread>
#include <functional>
#include <memory>

namespace dn {

class ExecutorPool {
public:
    using Task = FairQueue::Task;
    using Stats = FairQueue::Stats;

    explicit ExecutorPool(int workers = QThread::idealThreadCount(), RuntimeLimits limits = {},
                          ExecutorLimits executor = {});
    ~ExecutorPool();  // runs every task already posted, then stops the workers
    ExecutorPool(const ExecutorPool &) = delete;
    ExecutorPool &operator=(const ExecutorPool &) = delete;

    int workerCount() const;

    // Validates and compiles a module; thread-safe, callable from any thread
    // (including from inside a task). Error codes: limit_exceeded,
    // compilation_error, link_error (message names the offending import).
    Result<std::shared_ptr<const WasmApp>> compile(const QByteArray &bytes);

    // Queues `task` behind `contextId`'s earlier tasks. Thread-safe. Error
    // `busy` (and the task is dropped unrun) when the context's queue or the
    // pool's is full and `admission` is Refusable.
    Result<void> post(const Hash32 &contextId, Task task, Admission admission = Admission::Refusable);

    // Runs `task` on worker `worker`'s thread, FIFO per worker, before any
    // context's task that worker would take next. Never refused. For work tied
    // to one isolate (tests, measurements), not for a context's work.
    void post(int worker, Task task);

    // Waits until every task posted before the call has ended. Not from a
    // worker thread (it would wait for itself).
    void drain();

    // Convenience: runs one call on `worker` and waits for it. From the
    // worker's own thread it calls directly instead of deadlocking; from
    // another worker's task it blocks that worker (two workers waiting on each
    // other would deadlock), so engine code should post instead.
    CallOutcome callAndWait(int worker, const WasmApp &app, const CallInput &in);

    const RuntimeLimits &limits() const;
    Stats stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace dn
