#pragma once
// Validates and compiles application modules (ARCHITECTURE §7) on a dedicated
// isolate, so compiling never waits behind, or blocks, the executor workers.
// The result is shared by all workers' isolates. Thread-safe.
#include "runtime/RuntimeLimits.h"
#include "runtime/WasmApp.h"
#include "util/Result.h"
#include <QByteArray>
#include <memory>
#include <mutex>

namespace v8 { class Isolate; }

namespace dn {

class ModuleCompiler {
public:
    explicit ModuleCompiler(const RuntimeLimits &limits);
    ~ModuleCompiler();
    ModuleCompiler(const ModuleCompiler &) = delete;
    ModuleCompiler &operator=(const ModuleCompiler &) = delete;

    // Error codes: limit_exceeded (size, memory minimum), compilation_error
    // (not a valid module), link_error (imports, missing `memory`).
    Result<std::shared_ptr<const WasmApp>> compile(const QByteArray &bytes);

private:
    RuntimeLimits limits_;
    std::mutex mutex_;             // serializes use of the compile isolate
    v8::Isolate *isolate_ = nullptr;  // created on first use
};

}  // namespace dn
