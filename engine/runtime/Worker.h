#pragma once
// One executor thread's WASM engine: a V8 isolate with a context, the host
// import object, and a cache of per-isolate module objects. Owned by
// ExecutorPool and used only on its own thread (inside tasks given to
// ExecutorPool::post).
#include "runtime/CallInput.h"
#include "runtime/CallOutcome.h"
#include "runtime/RuntimeLimits.h"
#include <memory>

namespace dn {

class WasmApp;
class Watchdog;

class Worker {
public:
    ~Worker();
    Worker(const Worker &) = delete;
    Worker &operator=(const Worker &) = delete;

    // Runs method `in.method` of `app` on a fresh instance (fresh memory).
    // Never throws; every failure is reported in CallOutcome::error.
    CallOutcome call(const WasmApp &app, const CallInput &in);
    int index() const;

private:
    friend class ExecutorPool;
    // Must be constructed (and destroyed) on the thread that will use it.
    Worker(int index, const RuntimeLimits &limits, Watchdog &watchdog);

    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace dn
