#include "runtime/FairQueue.h"
#include <algorithm>

namespace dn {
namespace {

// Idle contexts remembered for their history (how long their tasks ran).
// Past this many, idle light ones are forgotten: a context not seen before
// counts as light anyway, so only heavy ones need remembering.
constexpr size_t kRememberedContexts = 4096;

}  // namespace

FairQueue::FairQueue(int workers, ExecutorLimits limits)
    : limits_(limits),
      heavyCap_(size_t(std::max(1, workers / 2))),
      pinned_(size_t(std::max(1, workers))),
      slots_(size_t(std::max(1, workers))),
      forgetAt_(kRememberedContexts) {}

FairQueue::Admit FairQueue::push(const Hash32 &context, Task task, Admission admission) {
    if (admission == Admission::Refusable && contextQueued_ + pinnedQueued_ >= limits_.maxQueued) {
        ++refused_;
        return Admit::PoolFull;
    }
    ContextQueue &c = contexts_[context];
    if (admission == Admission::Refusable && c.tasks.size() >= limits_.maxQueuedPerContext) {
        ++refused_;
        return Admit::ContextFull;
    }
    const uint64_t ticket = nextTicket_++;
    c.tasks.push_back({std::move(task), ticket});
    outstanding_.insert(ticket);
    ++contextQueued_;
    if (!c.running && !c.ready) makeReady(c);
    return Admit::Queued;
}

void FairQueue::pushPinned(int worker, Task task) {
    const uint64_t ticket = nextTicket_++;
    pinned_.at(size_t(worker)).push_back({std::move(task), ticket});
    outstanding_.insert(ticket);
    ++pinnedQueued_;
}

bool FairQueue::heavyByHistory(const ContextQueue &c) const { return c.averageUs > limits_.heavyAfter.count(); }

size_t FairQueue::heavyRunning(Clock::time_point now) const {
    size_t n = 0;
    for (const Slot &s : slots_)
        if (s.busy && s.context && (heavyByHistory(*s.context) || now - s.started > limits_.heavyAfter)) ++n;
    return n;
}

void FairQueue::makeReady(ContextQueue &c) {
    c.ready = true;
    // Its class is fixed while it waits: only a task that runs changes it.
    (heavyByHistory(c) ? heavyReady_ : lightReady_).push_back({&c, nextOrder_++});
}

FairQueue::Task FairQueue::take(int worker, Clock::time_point now) {
    Slot &slot = slots_.at(size_t(worker));
    auto &pinned = pinned_[size_t(worker)];
    if (!pinned.empty()) {
        Queued q = std::move(pinned.front());
        pinned.pop_front();
        --pinnedQueued_;
        slot = Slot{true, nullptr, now, q.ticket};
        return std::move(q.task);
    }
    const bool heavyRoom = !heavyReady_.empty() && heavyRunning(now) < heavyCap_;
    std::deque<ReadyEntry> *from = nullptr;
    if (!lightReady_.empty() && (!heavyRoom || lightReady_.front().order < heavyReady_.front().order))
        from = &lightReady_;
    else if (heavyRoom)
        from = &heavyReady_;
    if (!from) return {};
    ContextQueue &c = *from->front().context;
    from->pop_front();
    c.ready = false;
    c.running = true;
    Queued q = std::move(c.tasks.front());
    c.tasks.pop_front();
    --contextQueued_;
    slot = Slot{true, &c, now, q.ticket};
    return std::move(q.task);
}

void FairQueue::finish(int worker, Clock::time_point now) {
    Slot &slot = slots_.at(size_t(worker));
    if (!slot.busy) return;
    outstanding_.erase(slot.ticket);
    if (ContextQueue *c = slot.context) {
        const int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(now - slot.started).count();
        // Half the weight on the last task: one long task makes a context
        // heavy at once, and a few short ones make it light again.
        c->averageUs = c->averageUs < 0 ? us : (c->averageUs + us) / 2;
        c->running = false;
        if (!c->tasks.empty()) makeReady(*c);  // behind every context that waited meanwhile
    }
    slot = Slot{};
    if (contexts_.size() >= forgetAt_) forgetIdle();
}

void FairQueue::forgetIdle() {
    for (auto it = contexts_.begin(); it != contexts_.end();) {
        const ContextQueue &c = it->second;
        if (!c.running && !c.ready && c.tasks.empty() && !heavyByHistory(c)) it = contexts_.erase(it);
        else ++it;
    }
    // Many heavy or busy contexts: sweep again only once the map has doubled.
    forgetAt_ = std::max(kRememberedContexts, contexts_.size() * 2);
}

bool FairQueue::drainedFor(int worker) const { return contextQueued_ == 0 && pinned_.at(size_t(worker)).empty(); }

FairQueue::Stats FairQueue::stats(Clock::time_point now) const {
    Stats s;
    s.queued = contextQueued_ + pinnedQueued_;
    s.running = size_t(std::count_if(slots_.begin(), slots_.end(), [](const Slot &x) { return x.busy; }));
    s.heavyRunning = heavyRunning(now);
    s.refused = refused_;
    return s;
}

}  // namespace dn
