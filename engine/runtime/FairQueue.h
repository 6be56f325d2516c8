#pragma once
// The executor's scheduling state (ARCHITECTURE §3), without threads: one FIFO
// queue per context, a round-robin order of the contexts that have work, and
// which worker runs what. ExecutorPool calls it under its own mutex; tests can
// drive it with a made-up clock.
//
// The rules it keeps:
// - A context's tasks run in the order they were queued, one at a time: a
//   context is never handed to a second worker while one runs its task. The
//   engine relies on this (ContextRuntime has no locks of its own); a context
//   may run on a different worker for each task, so nothing per context may
//   live in a Worker (its per-app module cache is keyed by app, not context).
// - Free workers take the context that has been ready longest.
// - Heavy contexts (ExecutorLimits::heavyAfter) together run on at most
//   max(1, workers / 2) workers; the others stay free for light contexts.
//   The cap holds even when no light work is waiting: a worker cannot be
//   taken back from a running call, so room for a light request that arrives
//   later has to be kept free beforehand. Heavy contexts therefore never get
//   more than half the pool, even on an otherwise idle node.
//   A context is known heavy once one of its tasks has run long, so the first
//   wave of long tasks from contexts not seen before can still fill every
//   worker, and a light request then waits up to one call's time limit.
// - Queues are bounded (ExecutorLimits); a refusable task beyond a bound is
//   not queued. Tasks queued with Admission::Always are never refused (and
//   count toward the bounds).
#include "crypto/Hash32.h"
#include "runtime/ExecutorLimits.h"
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <set>
#include <unordered_map>
#include <vector>

namespace dn {

class Worker;

// Whether a post may be refused when the queues are full.
enum class Admission {
    Refusable,  // a request someone can repeat: a call, a query, a delta that sync fetches again
    Always,     // work that must not be dropped (e.g. deleting a context's data)
};

class FairQueue {
public:
    using Clock = std::chrono::steady_clock;
    using Task = std::function<void(Worker &)>;

    enum class Admit { Queued, ContextFull, PoolFull };
    struct Stats {
        size_t queued = 0;     // tasks waiting, all contexts and pinned tasks
        size_t running = 0;    // workers running a task
        size_t heavyRunning = 0;
        uint64_t refused = 0;  // refusable posts turned away since start
    };

    FairQueue(int workers, ExecutorLimits limits);

    Admit push(const Hash32 &context, Task task, Admission admission);
    // A task for one given worker (not a context's): it runs before any context's.
    void pushPinned(int worker, Task task);

    // The task `worker` should run now, or an empty Task when none may start
    // on it yet (the caller waits for a push or a finish). The worker must
    // have finished its previous task.
    Task take(int worker, Clock::time_point now);
    // The task `worker` took last has ended.
    void finish(int worker, Clock::time_point now);

    // Nothing left that `worker` could ever take: no context task waits and
    // none is pinned to it.
    bool drainedFor(int worker) const;
    // Tasks queued so far; settled(n) says every one of the first n has ended.
    uint64_t issued() const { return nextTicket_; }
    bool settled(uint64_t tickets) const { return outstanding_.empty() || *outstanding_.begin() >= tickets; }
    Stats stats(Clock::time_point now) const;
    const ExecutorLimits &limits() const { return limits_; }

private:
    struct Queued {
        Task task;
        uint64_t ticket;
    };
    struct ContextQueue {
        std::deque<Queued> tasks;
        bool running = false;
        bool ready = false;      // in one of the ready lists
        int64_t averageUs = -1;  // running average of its tasks' durations; -1 before the first ends
    };
    struct ReadyEntry {
        ContextQueue *context;
        uint64_t order;  // when it became ready: lower ran less recently
    };
    struct Slot {
        bool busy = false;
        ContextQueue *context = nullptr;  // null for a pinned task
        Clock::time_point started;
        uint64_t ticket = 0;
    };

    bool heavyByHistory(const ContextQueue &c) const;
    size_t heavyRunning(Clock::time_point now) const;
    void makeReady(ContextQueue &c);
    void forgetIdle();

    ExecutorLimits limits_;
    size_t heavyCap_;
    std::unordered_map<Hash32, ContextQueue> contexts_;  // node-based: the pointers below stay valid
    std::deque<ReadyEntry> lightReady_, heavyReady_;
    std::vector<std::deque<Queued>> pinned_;
    std::vector<Slot> slots_;
    std::set<uint64_t> outstanding_;  // tickets queued or running
    uint64_t nextTicket_ = 0, nextOrder_ = 0, refused_ = 0;
    size_t contextQueued_ = 0, pinnedQueued_ = 0;
    size_t forgetAt_;
};

}  // namespace dn
