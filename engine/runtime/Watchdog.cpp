#include "runtime/Watchdog.h"
#include "runtime/RuntimeLog.h"
#include <pthread.h>
#include <v8.h>

namespace dn {

Watchdog::Watchdog(int slotCount) : slots_(size_t(slotCount)) {
    thread_ = std::thread([this] { run(); });
}

Watchdog::~Watchdog() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
}

void Watchdog::setIsolate(int slot, v8::Isolate *isolate) {
    std::lock_guard lock(mutex_);
    slots_[size_t(slot)].isolate = isolate;
}

void Watchdog::arm(int slot, Clock::time_point deadline) {
    bool wake = false;
    {
        std::lock_guard lock(mutex_);
        Slot &s = slots_[size_t(slot)];
        s.armed = true;
        s.fired = false;
        s.deadline = deadline;
        if (deadline < wakeAt_) {
            wakeAt_ = deadline;
            wake = true;
        }
    }
    if (wake) cv_.notify_one();
}

bool Watchdog::disarm(int slot) {
    std::lock_guard lock(mutex_);
    Slot &s = slots_[size_t(slot)];
    s.armed = false;
    const bool fired = s.fired;
    s.fired = false;
    return fired;
}

void Watchdog::run() {
    pthread_setname_np(pthread_self(), "dn-watchdog");
    std::unique_lock lock(mutex_);
    while (!stop_) {
        const auto now = Clock::now();
        auto next = Clock::time_point::max();
        for (Slot &s : slots_) {
            if (!s.armed || s.fired) continue;
            if (s.deadline <= now) {
                s.fired = true;
                if (s.isolate) s.isolate->TerminateExecution();  // thread-safe by V8's contract
                qCDebug(lcRuntime) << "watchdog: terminating a call that exceeded its time limit";
            } else if (s.deadline < next) {
                next = s.deadline;
            }
        }
        wakeAt_ = next;
        if (next == Clock::time_point::max())
            cv_.wait(lock);
        else
            cv_.wait_until(lock, next);
    }
}

}  // namespace dn
