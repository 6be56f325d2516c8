#pragma once
// The V8 side of the host ABI: one `env` import object per worker, built once
// from FunctionTemplates (no JS source is compiled, ever). Host
// callbacks reach the running call through begin()/end(): a per-worker
// pointer, since a worker runs one call at a time.
#include "runtime/CallState.h"
#include "runtime/HostAbi.h"
#include <array>
#include <v8.h>

namespace dn {

class HostBindings {
public:
    HostBindings(v8::Isolate *isolate, v8::Local<v8::Context> context);
    ~HostBindings();

    v8::Local<v8::Object> envObject() const { return env_.Get(isolate_); }

    // Valid only inside the HandleScope of the call.
    void begin(CallState *state) { state_ = state; memory_.Clear(); }
    void setMemory(v8::Local<v8::WasmMemoryObject> memory) { memory_ = memory; }
    void end() { state_ = nullptr; memory_.Clear(); }

private:
    struct Entry {
        HostBindings *self;
        HostFn fn;
    };
    static void dispatch(const v8::FunctionCallbackInfo<v8::Value> &info);
    GuestMemory guestMemory() const;

    v8::Isolate *isolate_;
    v8::Global<v8::Object> env_;
    std::array<Entry, size_t(HostFn::Count_)> entries_;
    CallState *state_ = nullptr;
    v8::Local<v8::WasmMemoryObject> memory_;
};

}  // namespace dn
