#include "runtime/Worker.h"
#include "runtime/CallState.h"
#include "runtime/HostBindings.h"
#include "runtime/RuntimeLog.h"
#include "runtime/V8Process.h"
#include "runtime/WasmApp.h"
#include "runtime/Watchdog.h"
#include <chrono>
#include <thread>
#include <unordered_map>
#include <v8.h>

namespace dn {
namespace {

constexpr size_t kModuleCacheSize = 128;  // apps whose module object a worker keeps

QString exceptionMessage(v8::Isolate *isolate, const v8::TryCatch &tc) {
    if (!tc.HasCaught()) return QStringLiteral("unknown failure");
    v8::String::Utf8Value msg(isolate, tc.Exception());
    return *msg ? QString::fromUtf8(*msg) : QStringLiteral("unknown failure");
}

}  // namespace

struct Worker::Impl {
    int index;
    RuntimeLimits limits;
    Watchdog &watchdog;
    std::thread::id thread = std::this_thread::get_id();
    v8::Isolate *isolate = nullptr;
    v8::Global<v8::Context> context;
    v8::Global<v8::Function> instanceCtor;  // WebAssembly.Instance
    v8::Global<v8::String> exportsName, memoryName;
    std::unique_ptr<HostBindings> host;
    std::unordered_map<Hash32, v8::Global<v8::WasmModuleObject>> modules;
    CallState state;  // reused: its containers keep their capacity between calls

    Impl(int i, const RuntimeLimits &l, Watchdog &w) : index(i), limits(l), watchdog(w) {}
    v8::Local<v8::WasmModuleObject> moduleFor(const WasmApp &app, v8::Local<v8::Context> ctx);
    void run(const WasmApp &app, const CallInput &in, CallOutcome &out);
};

Worker::Worker(int index, const RuntimeLimits &limits, Watchdog &watchdog)
    : d(std::make_unique<Impl>(index, limits, watchdog)) {
    ensureV8(limits.maxMemoryPages);
    d->isolate = newIsolate();
    v8::Isolate *iso = d->isolate;
    d->isolate->Enter();  // this thread is the isolate's only user for the worker's lifetime
    v8::HandleScope handles(iso);
    v8::Local<v8::Context> ctx = v8::Context::New(iso);
    v8::Context::Scope contextScope(ctx);
    d->context.Reset(iso, ctx);
    auto wasm = ctx->Global()->Get(ctx, v8::String::NewFromUtf8Literal(iso, "WebAssembly")).ToLocalChecked();
    auto ctor = wasm.As<v8::Object>()->Get(ctx, v8::String::NewFromUtf8Literal(iso, "Instance")).ToLocalChecked();
    d->instanceCtor.Reset(iso, ctor.As<v8::Function>());
    d->exportsName.Reset(iso, v8::String::NewFromUtf8Literal(iso, "exports", v8::NewStringType::kInternalized));
    d->memoryName.Reset(iso, v8::String::NewFromUtf8Literal(iso, "memory", v8::NewStringType::kInternalized));
    d->host = std::make_unique<HostBindings>(iso, ctx);
    watchdog.setIsolate(index, iso);
}

Worker::~Worker() {
    d->watchdog.setIsolate(d->index, nullptr);
    d->modules.clear();
    d->host.reset();
    d->exportsName.Reset();
    d->memoryName.Reset();
    d->instanceCtor.Reset();
    d->context.Reset();
    d->isolate->Exit();
    d->isolate->Dispose();
}

int Worker::index() const { return d->index; }

v8::Local<v8::WasmModuleObject> Worker::Impl::moduleFor(const WasmApp &app, v8::Local<v8::Context>) {
    auto it = modules.find(app.info().id);
    if (it != modules.end()) return it->second.Get(isolate);
    v8::Local<v8::WasmModuleObject> module;
    if (!v8::WasmModuleObject::FromCompiledModule(isolate, app.compiled()).ToLocal(&module)) return {};
    if (modules.size() >= kModuleCacheSize) modules.clear();  // rare: more live apps than slots
    modules.emplace(app.info().id, v8::Global<v8::WasmModuleObject>(isolate, module));
    return module;
}

CallOutcome Worker::call(const WasmApp &app, const CallInput &in) {
    const auto started = std::chrono::steady_clock::now();
    CallOutcome out;
    if (std::this_thread::get_id() != d->thread) {
        out.error = CallError{CallErrorKind::HostError, QStringLiteral("Worker::call used off its worker thread")};
    } else if (size_t(in.method.size()) > d->limits.maxMethodName) {
        out.error = CallError{CallErrorKind::LimitExceeded, QStringLiteral("method name is %1 bytes, the limit is %2")
                                                                .arg(in.method.size()).arg(d->limits.maxMethodName)};
    } else if (!app.hasMethod(in.method)) {
        const QString name = QString::fromUtf8(in.method);
        out.error = CallError{CallErrorKind::MethodNotFound,
                              app.hasNonMethodFunction(in.method)
                                  ? QStringLiteral("export `%1` is not a method: methods have type () -> ()").arg(name)
                                  : QStringLiteral("method `%1` not found").arg(name)};
    } else {
        d->run(app, in, out);
    }
    out.elapsedUs = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
    return out;
}

void Worker::Impl::run(const WasmApp &app, const CallInput &in, CallOutcome &out) {
    v8::HandleScope handles(isolate);
    v8::Local<v8::Context> ctx = context.Get(isolate);
    v8::Context::Scope contextScope(ctx);
    v8::TryCatch tc(isolate);
    state.begin(in, limits);
    host->begin(&state);
    watchdog.arm(index, std::chrono::steady_clock::now() + limits.timeout);

    bool completed = false;
    const char *stage = "instantiation";
    v8::Local<v8::WasmModuleObject> module = moduleFor(app, ctx);
    if (!module.IsEmpty()) {
        v8::Local<v8::Value> args[2] = {module, host->importObject()};
        v8::Local<v8::Object> instance;
        v8::Local<v8::Value> exports, memory, fn;
        if (instanceCtor.Get(isolate)->NewInstance(ctx, 2, args).ToLocal(&instance) &&
            instance->Get(ctx, exportsName.Get(isolate)).ToLocal(&exports) && exports->IsObject() &&
            exports.As<v8::Object>()->Get(ctx, memoryName.Get(isolate)).ToLocal(&memory) &&
            memory->IsWasmMemoryObject()) {
            host->setMemory(memory.As<v8::WasmMemoryObject>());
            stage = "call";
            auto name = v8::String::NewFromUtf8(isolate, in.method.constData(), v8::NewStringType::kNormal,
                                                int(in.method.size()));
            v8::Local<v8::String> nameStr;
            if (name.ToLocal(&nameStr) && exports.As<v8::Object>()->Get(ctx, nameStr).ToLocal(&fn) && fn->IsFunction())
                completed = !fn.As<v8::Function>()->Call(ctx, v8::Undefined(isolate), 0, nullptr).IsEmpty();
        }
    }

    const bool timedOut = watchdog.disarm(index);
    host->end();
    if (timedOut || tc.HasTerminated()) {
        // The watchdog's TerminateExecution may still be pending if the call
        // finished just before V8 noticed it; clear it so the next call runs.
        isolate->CancelTerminateExecution();
        state.fail(CallErrorKind::Timeout,
                   QStringLiteral("call exceeded the time limit of %1 ms").arg(limits.timeout.count()));
        // A host error recorded first wins (fail keeps the first error), which
        // is right: the call failed for that reason before it ran out of time.
    } else if (!completed && !state.failed()) {
        const QString why = exceptionMessage(isolate, tc);
        state.fail(CallErrorKind::Trap, stage == std::string_view("call")
                                            ? why
                                            : QStringLiteral("%1 failed: %2").arg(QLatin1String(stage), why));
    }
    state.finish(out);
}

}  // namespace dn
