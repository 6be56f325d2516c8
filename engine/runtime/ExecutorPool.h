#pragma once
// The executor pool (ARCHITECTURE §3): N worker threads, each with its own V8
// isolate. A context is pinned to one worker (workerFor) so its transactions
// run in order; tasks posted to a worker run FIFO on its thread. Compiled
// modules are shared by all isolates.
#include "runtime/CallInput.h"
#include "runtime/CallOutcome.h"
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
    explicit ExecutorPool(int workers = QThread::idealThreadCount(), RuntimeLimits limits = {});
    ~ExecutorPool();  // runs every task already posted, then stops the workers
    ExecutorPool(const ExecutorPool &) = delete;
    ExecutorPool &operator=(const ExecutorPool &) = delete;

    int workerCount() const;
    // Stable: the same context id always maps to the same worker (for a given count).
    int workerFor(const Hash32 &contextId) const;

    // Validates and compiles a module; thread-safe, callable from any thread
    // (including from inside a task). Error codes: limit_exceeded,
    // compilation_error, link_error (message names the offending import).
    Result<std::shared_ptr<const WasmApp>> compile(const QByteArray &bytes);

    // Runs `task` on worker `worker`'s thread, FIFO per worker. Thread-safe.
    void post(int worker, std::function<void(Worker &)> task);

    // Convenience: runs one call on `worker` and waits for it. From the
    // worker's own thread it calls directly instead of deadlocking; from
    // another worker's task it blocks that worker (two workers waiting on each
    // other would deadlock), so engine code should post instead.
    CallOutcome callAndWait(int worker, const WasmApp &app, const CallInput &in);

    const RuntimeLimits &limits() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace dn
