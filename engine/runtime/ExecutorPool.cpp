#include "runtime/ExecutorPool.h"
#include "runtime/ModuleCompiler.h"
#include "runtime/RuntimeLog.h"
#include "runtime/V8Process.h"
#include "runtime/Watchdog.h"
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <pthread.h>
#include <thread>

namespace dn {
namespace {

struct Lane {  // one worker thread and its queue
    std::mutex mutex;
    std::condition_variable cv;
    std::deque<std::function<void(Worker &)>> tasks;
    bool stop = false;
    std::thread thread;
    std::thread::id threadId;
    Worker *worker = nullptr;  // set once the thread has built it
};

}  // namespace

struct ExecutorPool::Impl {
    RuntimeLimits limits;
    std::vector<std::unique_ptr<Lane>> lanes;
    std::unique_ptr<Watchdog> watchdog;
    ModuleCompiler compiler;

    Impl(int workers, const RuntimeLimits &l) : limits(l), compiler(l) {
        ensureV8(l.maxMemoryPages);
        watchdog = std::make_unique<Watchdog>(workers);
        for (int i = 0; i < workers; ++i) lanes.push_back(std::make_unique<Lane>());
        for (int i = 0; i < workers; ++i) lanes[size_t(i)]->thread = std::thread([this, i] { runLane(i); });
        // Wait until every worker has its isolate, so the first task does not
        // pay for isolate creation and threadId is published.
        for (auto &lane : lanes) {
            std::unique_lock lock(lane->mutex);
            lane->cv.wait(lock, [&] { return lane->worker != nullptr; });
        }
    }

    void runLane(int i) {
        Lane &lane = *lanes[size_t(i)];
        const std::string name = "dn-exec-" + std::to_string(i);
        pthread_setname_np(pthread_self(), name.c_str());
        Worker worker(i, limits, *watchdog);
        {
            std::lock_guard lock(lane.mutex);
            lane.worker = &worker;
            lane.threadId = std::this_thread::get_id();
        }
        lane.cv.notify_all();
        for (;;) {
            std::function<void(Worker &)> task;
            {
                std::unique_lock lock(lane.mutex);
                lane.cv.wait(lock, [&] { return lane.stop || !lane.tasks.empty(); });
                if (lane.tasks.empty()) break;  // stop requested and drained
                task = std::move(lane.tasks.front());
                lane.tasks.pop_front();
            }
            try {
                task(worker);
            } catch (const std::exception &e) {  // a task must not take the worker down with it
                qCWarning(lcRuntime) << "executor task threw:" << e.what();
            } catch (...) {
                qCWarning(lcRuntime) << "executor task threw a non-standard exception";
            }
        }
    }
};

ExecutorPool::ExecutorPool(int workers, RuntimeLimits limits)
    : d(std::make_unique<Impl>(std::max(1, workers), limits)) {
    qCDebug(lcRuntime) << "executor pool started with" << d->lanes.size() << "workers";
}

ExecutorPool::~ExecutorPool() {
    for (auto &lane : d->lanes) {
        {
            std::lock_guard lock(lane->mutex);
            lane->stop = true;
        }
        lane->cv.notify_all();
    }
    for (auto &lane : d->lanes) lane->thread.join();
}

int ExecutorPool::workerCount() const { return int(d->lanes.size()); }

int ExecutorPool::workerFor(const Hash32 &contextId) const {
    // Context ids are public keys / hashes, uniformly distributed already; read
    // them little-endian so the mapping does not depend on the host.
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | contextId.bytes[size_t(i)];
    return int(v % uint64_t(d->lanes.size()));
}

Result<std::shared_ptr<const WasmApp>> ExecutorPool::compile(const QByteArray &bytes) {
    return d->compiler.compile(bytes);
}

void ExecutorPool::post(int worker, std::function<void(Worker &)> task) {
    Lane &lane = *d->lanes.at(size_t(worker));
    {
        std::lock_guard lock(lane.mutex);
        lane.tasks.push_back(std::move(task));
    }
    lane.cv.notify_one();
}

CallOutcome ExecutorPool::callAndWait(int worker, const WasmApp &app, const CallInput &in) {
    Lane &lane = *d->lanes.at(size_t(worker));
    if (std::this_thread::get_id() == lane.threadId) return lane.worker->call(app, in);
    std::promise<CallOutcome> done;
    auto result = done.get_future();
    post(worker, [&](Worker &w) { done.set_value(w.call(app, in)); });
    return result.get();
}

const RuntimeLimits &ExecutorPool::limits() const { return d->limits; }

}  // namespace dn
