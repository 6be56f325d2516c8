#include "runtime/ModuleCompiler.h"
#include "crypto/Sha256.h"
#include "runtime/CallError.h"
#include "runtime/HostAbi.h"
#include "runtime/MemoryImport.h"
#include "runtime/MethodDispatch.h"
#include "runtime/ModuleShape.h"
#include "runtime/RuntimeLog.h"
#include "runtime/V8Process.h"
#include <v8.h>

namespace dn {
namespace {

using AppResult = Result<std::shared_ptr<const WasmApp>>;

AppResult failure(CallErrorKind kind, const QString &message) {
    return AppResult::failure(errorCodeOf(kind), message);
}

// Linking rules that only need the module's shape (before V8 sees it).
std::optional<Error> checkShape(const ModuleShape &shape, const RuntimeLimits &limits) {
    if (auto imports = checkImports(shape); !imports) return imports.error();
    const ModuleShape::Export *memory = nullptr;
    for (const auto &ex : shape.exports)
        if (ex.name == "memory" && ex.kind == ModuleShape::ExternKind::Memory) memory = &ex;
    if (!memory || memory->index >= shape.memories.size())
        return Error{errorCodeOf(CallErrorKind::Link), QStringLiteral("module does not export `memory`")};
    if (shape.memories.size() != 1 || shape.memories[0].shared)
        return Error{errorCodeOf(CallErrorKind::Link),
                     QStringLiteral("module must define exactly one non-shared memory")};
    const uint64_t minPages = shape.memories[memory->index].minPages;
    if (minPages > limits.maxMemoryPages)
        return Error{errorCodeOf(CallErrorKind::LimitExceeded),
                     QStringLiteral("module memory starts at %1 pages, the limit is %2 pages")
                         .arg(minPages).arg(limits.maxMemoryPages)};
    return std::nullopt;
}

}  // namespace

ModuleCompiler::ModuleCompiler(const RuntimeLimits &limits) : limits_(limits) {}

ModuleCompiler::~ModuleCompiler() {
    if (isolate_) isolate_->Dispose();
}

AppResult ModuleCompiler::compile(const QByteArray &bytes) {
    if (size_t(bytes.size()) > limits_.maxModuleBytes)
        return failure(CallErrorKind::LimitExceeded, QStringLiteral("module is %1 bytes, the limit is %2 bytes")
                                                         .arg(bytes.size()).arg(limits_.maxModuleBytes));
    auto shape = ModuleShape::read(bytes);
    if (!shape) return shape.error();
    if (auto err = checkShape(*shape, limits_)) return *err;

    AppInfo info;
    info.size = size_t(bytes.size());
    QSet<QByteArray> otherFunctions;
    std::vector<uint32_t> methodFunctions;  // dispatcher slot k -> function index of info.methods[k]
    for (const auto &ex : shape->exports) {
        if (ex.kind != ModuleShape::ExternKind::Func) continue;
        const auto *type = shape->functionType(ex.index);
        if (type && type->params.isEmpty() && type->results.isEmpty()) {
            info.methods << QString::fromUtf8(ex.name);
            methodFunctions.push_back(ex.index);
        } else {
            otherFunctions.insert(ex.name);
        }
    }
    info.hasInit = info.methods.contains(QStringLiteral("init"));
    const ModuleShape::Memory &mem = shape->memories[0];
    const WasmApp::MemoryLimits memoryLimits{
        uint32_t(mem.minPages), uint32_t(std::min<uint64_t>(mem.maxPages.value_or(limits_.maxMemoryPages),
                                                            limits_.maxMemoryPages))};
    auto memoryImported = importMemory(bytes);
    if (!memoryImported) return memoryImported.error();
    auto rewritten = addMethodDispatch(*memoryImported, methodFunctions, uint32_t(shape->functionTypes.size()));
    if (!rewritten) return rewritten.error();

    std::unique_ptr<v8::CompiledWasmModule> compiled;
    {
        std::lock_guard lock(mutex_);
        ensureV8(limits_.maxMemoryPages);
        if (!isolate_) isolate_ = newIsolate();
        v8::Locker locker(isolate_);  // the compile isolate is used from any caller's thread
        v8::Isolate::Scope isolateScope(isolate_);
        v8::HandleScope handles(isolate_);
        v8::Local<v8::Context> context = v8::Context::New(isolate_);
        v8::Context::Scope contextScope(context);
        v8::TryCatch tc(isolate_);
        auto module = v8::WasmModuleObject::Compile(
            isolate_, {reinterpret_cast<const uint8_t *>(rewritten->constData()), size_t(rewritten->size())});
        if (module.IsEmpty()) {
            QString why = QStringLiteral("invalid module");
            if (tc.HasCaught()) {
                v8::String::Utf8Value msg(isolate_, tc.Exception());
                if (*msg) why = QString::fromUtf8(*msg);
            }
            return failure(CallErrorKind::Compilation, why);
        }
        compiled = std::make_unique<v8::CompiledWasmModule>(module.ToLocalChecked()->GetCompiledModule());
    }
    info.id = sha256(bytes);
    qCDebug(lcRuntime) << "compiled app" << info.id.toHex() << info.size << "bytes," << info.methods.size() << "methods";
    return std::shared_ptr<const WasmApp>(std::make_shared<WasmApp>(std::move(info), std::move(compiled),
                                                                   std::move(otherFunctions), memoryLimits));
}

}  // namespace dn
