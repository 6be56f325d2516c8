#include "runtime/ExecutorPool.h"
#include "runtime/ModuleCompiler.h"
#include "runtime/RuntimeLog.h"
#include "runtime/V8Process.h"
#include "runtime/Watchdog.h"
#include <algorithm>
#include <condition_variable>
#include <future>
#include <mutex>
#include <pthread.h>
#include <thread>

namespace dn {
namespace {

struct Lane {  // one worker thread
    std::thread thread;
    std::thread::id threadId;
    Worker *worker = nullptr;  // set once the thread has built it
};

}  // namespace

struct ExecutorPool::Impl {
    RuntimeLimits limits;
    std::unique_ptr<Watchdog> watchdog;
    ModuleCompiler compiler;
    std::vector<Lane> lanes;

    // One lock for the whole schedule: a task is milliseconds of V8 work, so
    // taking it twice per task is cheap next to the task itself.
    mutable std::mutex mutex;
    std::condition_variable work;     // a task was queued or ended: free workers look again
    std::condition_variable settled;  // a task ended: drain() looks again
    FairQueue queue;
    bool stop = false;

    Impl(int workers, const RuntimeLimits &l, const ExecutorLimits &e)
        : limits(l), compiler(l), lanes(size_t(workers)), queue(workers, e) {
        ensureV8(l.maxMemoryPages);
        watchdog = std::make_unique<Watchdog>(workers);
        for (int i = 0; i < workers; ++i) lanes[size_t(i)].thread = std::thread([this, i] { runLane(i); });
        // Wait until every worker has its isolate, so the first task does not
        // pay for isolate creation and threadId is published.
        std::unique_lock lock(mutex);
        work.wait(lock, [&] {
            return std::all_of(lanes.begin(), lanes.end(), [](const Lane &l) { return l.worker != nullptr; });
        });
    }

    void runLane(int i) {
        Lane &lane = lanes[size_t(i)];
        const std::string name = "dn-exec-" + std::to_string(i);
        pthread_setname_np(pthread_self(), name.c_str());
        Worker worker(i, limits, *watchdog);
        {
            std::lock_guard lock(mutex);
            lane.worker = &worker;
            lane.threadId = std::this_thread::get_id();
        }
        work.notify_all();
        std::unique_lock lock(mutex);
        for (;;) {
            Task task;
            work.wait(lock, [&] {
                if (stop && queue.drainedFor(i)) return true;
                task = queue.take(i, FairQueue::Clock::now());
                return bool(task);
            });
            if (!task) break;  // stop requested and drained
            lock.unlock();
            try {
                task(worker);
            } catch (const std::exception &e) {  // a task must not take the worker down with it
                qCWarning(lcRuntime) << "executor task threw:" << e.what();
            } catch (...) {
                qCWarning(lcRuntime) << "executor task threw a non-standard exception";
            }
            task = nullptr;  // its captures go before the next task starts
            lock.lock();
            queue.finish(i, FairQueue::Clock::now());
            // The context's next task, or a heavy one held back, may now run
            // on any free worker.
            work.notify_all();
            settled.notify_all();
        }
    }
};

ExecutorPool::ExecutorPool(int workers, RuntimeLimits limits, ExecutorLimits executor)
    : d(std::make_unique<Impl>(std::max(1, workers), limits, executor)) {
    qCDebug(lcRuntime) << "executor pool started with" << d->lanes.size() << "workers";
}

ExecutorPool::~ExecutorPool() {
    {
        std::lock_guard lock(d->mutex);
        d->stop = true;
    }
    d->work.notify_all();
    for (auto &lane : d->lanes) lane.thread.join();
}

int ExecutorPool::workerCount() const { return int(d->lanes.size()); }

Result<std::shared_ptr<const WasmApp>> ExecutorPool::compile(const QByteArray &bytes) {
    return d->compiler.compile(bytes);
}

Result<void> ExecutorPool::post(const Hash32 &contextId, Task task, Admission admission) {
    FairQueue::Admit admit;
    {
        std::lock_guard lock(d->mutex);
        admit = d->queue.push(contextId, std::move(task), admission);
    }
    const ExecutorLimits &lim = d->queue.limits();
    switch (admit) {
    case FairQueue::Admit::Queued: break;
    case FairQueue::Admit::ContextFull:
        return Error{ErrorCode::Busy, QStringLiteral("context %1 already has %2 tasks waiting; try again later")
                                          .arg(contextId.toBase58()).arg(lim.maxQueuedPerContext)};
    case FairQueue::Admit::PoolFull:
        return Error{ErrorCode::Busy,
                     QStringLiteral("the node has %1 tasks waiting; try again later").arg(lim.maxQueued)};
    }
    d->work.notify_all();  // only a free worker that may take this context acts on it
    return {};
}

void ExecutorPool::post(int worker, Task task) {
    {
        std::lock_guard lock(d->mutex);
        d->queue.pushPinned(worker, std::move(task));
    }
    d->work.notify_all();  // the one worker it is for must wake
}

void ExecutorPool::drain() {
    std::unique_lock lock(d->mutex);
    const uint64_t upTo = d->queue.issued();
    d->settled.wait(lock, [&] { return d->queue.settled(upTo); });
}

CallOutcome ExecutorPool::callAndWait(int worker, const WasmApp &app, const CallInput &in) {
    const Lane &lane = d->lanes.at(size_t(worker));
    if (std::this_thread::get_id() == lane.threadId) return lane.worker->call(app, in);
    std::promise<CallOutcome> done;
    auto result = done.get_future();
    post(worker, [&](Worker &w) { done.set_value(w.call(app, in)); });
    return result.get();
}

const RuntimeLimits &ExecutorPool::limits() const { return d->limits; }

ExecutorPool::Stats ExecutorPool::stats() const {
    std::lock_guard lock(d->mutex);
    return d->queue.stats(FairQueue::Clock::now());
}

}  // namespace dn
