#pragma once
// Process-wide V8 setup. V8 can be initialized once per process only, and its
// flags must be set before that, so the first caller's memory cap wins; the
// platform and V8 then live until the process exits (never disposed: workers
// of other pools may still be running during static destruction).
#include <cstdint>

namespace v8 { class Isolate; }

namespace dn {

// Idempotent and thread-safe. `maxMemoryPages` becomes --wasm-max-mem-pages.
void ensureV8(uint32_t maxMemoryPages);

// A new isolate with the runtime's allocator and heap settings. Call ensureV8 first.
v8::Isolate *newIsolate();

}  // namespace dn
