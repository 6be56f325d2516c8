#pragma once
// Enforces the per-call wall-time limit. One thread serves all workers of a
// pool: a worker arms its slot before a call and disarms it after; if the
// deadline passes first, the watchdog calls Isolate::TerminateExecution.
//
// Arming is cheap on the hot path: the watchdog sleeps until the earliest
// deadline it knows of and is only woken when a new deadline is earlier than
// that, so with a constant timeout a busy pool wakes it about once per timeout
// period, not once per call.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace v8 { class Isolate; }

namespace dn {

class Watchdog {
public:
    using Clock = std::chrono::steady_clock;

    explicit Watchdog(int slotCount);
    ~Watchdog();

    void setIsolate(int slot, v8::Isolate *isolate);
    void arm(int slot, Clock::time_point deadline);
    // Returns true if the watchdog terminated execution on this slot since arm().
    // Under the same lock as the termination, so no termination can land after
    // disarm returns; the caller must then CancelTerminateExecution.
    bool disarm(int slot);

private:
    struct Slot {
        v8::Isolate *isolate = nullptr;
        bool armed = false;
        bool fired = false;
        Clock::time_point deadline;
    };
    void run();

    std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<Slot> slots_;
    Clock::time_point wakeAt_ = Clock::time_point::max();
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace dn
