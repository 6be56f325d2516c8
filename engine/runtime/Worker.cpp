#include "runtime/Worker.h"
#include "runtime/CallState.h"
#include "runtime/HostBindings.h"
#include "runtime/MemoryImport.h"
#include "runtime/MethodDispatch.h"
#include "runtime/RuntimeLog.h"
#include "runtime/V8Process.h"
#include "runtime/WasmApp.h"
#include "runtime/Watchdog.h"
#include <chrono>
#include <cstring>
#include <string_view>
#include <sys/mman.h>
#include <thread>
#include <unordered_map>
#include <v8.h>

namespace dn {
namespace {

constexpr size_t kAppCacheSize = 128;         // apps whose module object and memory a worker keeps
constexpr size_t kMemsetLimit = size_t(1) << 20;  // zero up to this much with memset, the rest via the kernel
constexpr uint64_t kPageBytes = 65536;

QString exceptionMessage(v8::Isolate *isolate, const v8::TryCatch &tc) {
    if (!tc.HasCaught()) return QStringLiteral("unknown failure");
    v8::String::Utf8Value msg(isolate, tc.Exception());
    return *msg ? QString::fromUtf8(*msg) : QStringLiteral("unknown failure");
}

// Zeroes a recycled memory so the next instance sees it exactly as a fresh
// one (before its data segments are applied). Large memories are handed back
// to the kernel instead, which zero-fills them on the next touch.
void zeroMemory(void *data, size_t bytes) {
    if (!data || !bytes) return;
    const size_t head = std::min(bytes, kMemsetLimit);
    memset(data, 0, head);
    if (bytes > head && madvise(static_cast<char *>(data) + head, bytes - head, MADV_DONTNEED) != 0)
        memset(static_cast<char *>(data) + head, 0, bytes - head);
}

}  // namespace

// What a worker keeps per app: the isolate's module object and the app's
// recycled memory with the import object that supplies it.
struct AppSlot {
    v8::Global<v8::WasmModuleObject> module;
    v8::Global<v8::Object> imports;        // {env: host functions, "dn.internal": holder}
    v8::Global<v8::Object> memoryHolder;   // {memory: the current memory}
    v8::Global<v8::WasmMemoryObject> memory;
    bool used = false;                     // memory may hold a previous call's bytes
};

struct Worker::Impl {
    int index;
    RuntimeLimits limits;
    Watchdog &watchdog;
    std::thread::id thread = std::this_thread::get_id();
    v8::Isolate *isolate = nullptr;
    v8::Global<v8::Context> context;
    v8::Global<v8::Function> instanceCtor, memoryCtor;  // WebAssembly.Instance / .Memory
    v8::Global<v8::String> exportsName, dispatchName, memoryName, initialName, maximumName, internalName;
    std::unique_ptr<HostBindings> host;
    std::unordered_map<Hash32, std::unique_ptr<AppSlot>> apps;
    CallState state;  // reused: its containers keep their capacity between calls

    Impl(int i, const RuntimeLimits &l, Watchdog &w) : index(i), limits(l), watchdog(w) {}
    v8::Local<v8::String> str(const v8::Global<v8::String> &s) const { return s.Get(isolate); }
    AppSlot *slotFor(const WasmApp &app, v8::Local<v8::Context> ctx);
    v8::MaybeLocal<v8::WasmMemoryObject> freshMemory(AppSlot &slot, const WasmApp &app, v8::Local<v8::Context> ctx);
    void run(const WasmApp &app, const CallInput &in, CallOutcome &out);
};

Worker::Worker(int index, const RuntimeLimits &limits, Watchdog &watchdog)
    : d(std::make_unique<Impl>(index, limits, watchdog)) {
    ensureV8(limits.maxMemoryPages);
    d->isolate = newIsolate();
    v8::Isolate *iso = d->isolate;
    iso->Enter();  // this thread is the isolate's only user for the worker's lifetime
    v8::HandleScope handles(iso);
    v8::Local<v8::Context> ctx = v8::Context::New(iso);
    v8::Context::Scope contextScope(ctx);
    d->context.Reset(iso, ctx);
    auto name = [iso](const char *s) {
        return v8::String::NewFromUtf8(iso, s, v8::NewStringType::kInternalized).ToLocalChecked();
    };
    auto wasm = ctx->Global()->Get(ctx, name("WebAssembly")).ToLocalChecked().As<v8::Object>();
    d->instanceCtor.Reset(iso, wasm->Get(ctx, name("Instance")).ToLocalChecked().As<v8::Function>());
    d->memoryCtor.Reset(iso, wasm->Get(ctx, name("Memory")).ToLocalChecked().As<v8::Function>());
    d->exportsName.Reset(iso, name("exports"));
    d->dispatchName.Reset(iso, name(kDispatchExport));
    d->memoryName.Reset(iso, name(kMemoryImportName));
    d->initialName.Reset(iso, name("initial"));
    d->maximumName.Reset(iso, name("maximum"));
    d->internalName.Reset(iso, name(kMemoryImportModule));
    d->host = std::make_unique<HostBindings>(iso, ctx);
    watchdog.setIsolate(index, iso);
}

Worker::~Worker() {
    d->watchdog.setIsolate(d->index, nullptr);
    d->apps.clear();
    d->host.reset();
    for (auto *s : {&d->exportsName, &d->dispatchName, &d->memoryName, &d->initialName, &d->maximumName, &d->internalName}) s->Reset();
    d->instanceCtor.Reset();
    d->memoryCtor.Reset();
    d->context.Reset();
    d->isolate->Exit();
    d->isolate->Dispose();
}

int Worker::index() const { return d->index; }

v8::MaybeLocal<v8::WasmMemoryObject> Worker::Impl::freshMemory(AppSlot &slot, const WasmApp &app,
                                                               v8::Local<v8::Context> ctx) {
    v8::Local<v8::Object> desc = v8::Object::New(isolate);
    const auto &lim = app.memory();
    if (desc->Set(ctx, str(initialName), v8::Integer::NewFromUnsigned(isolate, lim.initialPages)).IsNothing() ||
        desc->Set(ctx, str(maximumName), v8::Integer::NewFromUnsigned(isolate, lim.maxPages)).IsNothing())
        return {};
    v8::Local<v8::Value> args[1] = {desc};
    v8::Local<v8::Object> mem;
    if (!memoryCtor.Get(isolate)->NewInstance(ctx, 1, args).ToLocal(&mem) || !mem->IsWasmMemoryObject()) return {};
    v8::Local<v8::WasmMemoryObject> memory = mem.As<v8::WasmMemoryObject>();
    if (slot.memoryHolder.Get(isolate)->Set(ctx, str(memoryName), memory).IsNothing()) return {};
    slot.memory.Reset(isolate, memory);
    slot.used = false;
    return memory;
}

AppSlot *Worker::Impl::slotFor(const WasmApp &app, v8::Local<v8::Context> ctx) {
    auto it = apps.find(app.info().id);
    if (it != apps.end()) return it->second.get();
    v8::Local<v8::WasmModuleObject> module;
    if (!v8::WasmModuleObject::FromCompiledModule(isolate, app.compiled()).ToLocal(&module)) return nullptr;
    auto slot = std::make_unique<AppSlot>();
    v8::Local<v8::Object> holder = v8::Object::New(isolate), imports = v8::Object::New(isolate);
    if (imports->Set(ctx, v8::String::NewFromUtf8Literal(isolate, "env"), host->envObject()).IsNothing() ||
        imports->Set(ctx, str(internalName), holder).IsNothing())
        return nullptr;
    slot->module.Reset(isolate, module);
    slot->imports.Reset(isolate, imports);
    slot->memoryHolder.Reset(isolate, holder);
    if (freshMemory(*slot, app, ctx).IsEmpty()) return nullptr;
    if (apps.size() >= kAppCacheSize) apps.clear();  // rare: more live apps than slots
    return apps.emplace(app.info().id, std::move(slot)).first->second.get();
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
    watchdog.arm(index, std::chrono::steady_clock::now() + limits.timeout);

    bool completed = false;
    const char *stage = "instantiation";
    AppSlot *slot = slotFor(app, ctx);
    v8::Local<v8::WasmMemoryObject> memory;
    if (slot) {
        // Fresh memory for this call: the recycled one zeroed, or a new one if
        // the last call grew it (a memory cannot shrink).
        memory = slot->memory.Get(isolate);
        v8::Local<v8::ArrayBuffer> buf = memory->Buffer();
        if (buf->ByteLength() != uint64_t(app.memory().initialPages) * kPageBytes) {
            if (!freshMemory(*slot, app, ctx).ToLocal(&memory)) slot = nullptr;
        } else if (slot->used) {
            zeroMemory(buf->Data(), buf->ByteLength());
        }
    }
    if (slot) {
        slot->used = true;
        host->begin(&state);
        host->setMemory(memory);  // also serves host calls from a start function
        v8::Local<v8::Value> args[2] = {slot->module.Get(isolate), slot->imports.Get(isolate)};
        v8::Local<v8::Object> instance;
        v8::Local<v8::Value> exports, fn;
        if (instanceCtor.Get(isolate)->NewInstance(ctx, 2, args).ToLocal(&instance) &&
            instance->Get(ctx, str(exportsName)).ToLocal(&exports) && exports->IsObject()) {
            stage = "call";
            // Methods are reached through the module's one export (MethodDispatch.h).
            v8::Local<v8::Value> methodArg[1] = {v8::Integer::New(isolate, app.methodSlot(in.method))};
            if (exports.As<v8::Object>()->Get(ctx, str(dispatchName)).ToLocal(&fn) && fn->IsFunction())
                completed = !fn.As<v8::Function>()->Call(ctx, v8::Undefined(isolate), 1, methodArg).IsEmpty();
        }
    }

    const bool timedOut = watchdog.disarm(index);
    host->end();
    if (timedOut || tc.HasTerminated()) {
        // The watchdog's TerminateExecution may still be pending if the call
        // finished just before V8 noticed it; clear it so the next call runs.
        isolate->CancelTerminateExecution();
        // A host error recorded earlier wins (fail keeps the first error): the
        // call had already failed for that reason.
        state.fail(CallErrorKind::Timeout,
                   QStringLiteral("call exceeded the time limit of %1 ms").arg(limits.timeout.count()));
    } else if (!completed && !state.failed()) {
        const QString why = slot ? exceptionMessage(isolate, tc) : QStringLiteral("could not set up the module");
        state.fail(CallErrorKind::Trap, stage == std::string_view("call")
                                            ? why
                                            : QStringLiteral("%1 failed: %2").arg(QLatin1String(stage), why));
    }
    state.finish(out);
}

}  // namespace dn
