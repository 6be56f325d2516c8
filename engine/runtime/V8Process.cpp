#include "runtime/V8Process.h"
#include "runtime/RuntimeLog.h"
#include <libplatform/libplatform.h>
#include <mutex>
#include <string>
#include <v8.h>

namespace dn {
namespace {

v8::Platform *g_platform = nullptr;
v8::ArrayBuffer::Allocator *g_allocator = nullptr;

}  // namespace

void ensureV8(uint32_t maxMemoryPages) {
    static std::once_flag once;
    std::call_once(once, [maxMemoryPages] {
        // --wasm-max-mem-pages: memory.grow past the cap returns -1 (ARCHITECTURE §7).
        // No exception handling in wasm: a host error thrown into the module
        // must not be catchable by it (the call is failed anyway, see CallState).
        // Liftoff first, TurboFan tier-up for hot functions: fast startup,
        // good steady state.
        std::string flags = "--wasm-max-mem-pages=" + std::to_string(maxMemoryPages) +
                            " --no-experimental-wasm-eh --liftoff --wasm-tier-up --wasm-dynamic-tiering";
        // Extra V8 flags for diagnosis (e.g. --perf-basic-prof), appended last.
        const QByteArray extra = qgetenv("DN_V8_FLAGS");
        if (!extra.isEmpty()) flags += " " + extra.toStdString();
        v8::V8::SetFlagsFromString(flags.c_str(), flags.size());
        g_platform = v8::platform::NewDefaultPlatform().release();
        v8::V8::InitializePlatform(g_platform);
        v8::V8::Initialize();
        g_allocator = v8::ArrayBuffer::Allocator::NewDefaultAllocator();
        qCDebug(lcRuntime) << "V8" << v8::V8::GetVersion() << "initialized, memory cap" << maxMemoryPages << "pages";
    });
}

v8::Isolate *newIsolate() {
    v8::Isolate::CreateParams params;
    params.array_buffer_allocator = g_allocator;
    // Apps keep their state in the host, not in the JS heap; a small heap keeps
    // the per-worker footprint low (ARCHITECTURE §14 memory targets).
    params.constraints.ConfigureDefaultsFromHeapSize(0, size_t(256) << 20);
    return v8::Isolate::New(params);
}

}  // namespace dn
