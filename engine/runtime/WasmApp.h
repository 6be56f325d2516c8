#pragma once
// A validated, compiled application module. Immutable and shared by every
// executor worker: each worker turns the compiled code into its own isolate's
// module object without recompiling (v8::WasmModuleObject::FromCompiledModule).
#include "crypto/Hash32.h"
#include <QByteArray>
#include <QHash>
#include <QSet>
#include <QStringList>
#include <cstdint>
#include <memory>

namespace v8 { class CompiledWasmModule; }

namespace dn {

struct AppInfo {
    Hash32 id;            // SHA-256 of the module bytes
    size_t size = 0;      // module bytes
    QStringList methods;  // exported functions of type () -> (), in export order
    bool hasInit = false; // exports an `init` method
};

class WasmApp {
public:
    // The module's memory (declared limits, maximum capped at RuntimeLimits::maxMemoryPages).
    // The compiled code imports it (see MemoryImport.h); workers provide it.
    struct MemoryLimits {
        uint32_t initialPages = 0;
        uint32_t maxPages = 0;
    };

    WasmApp(AppInfo info, std::unique_ptr<v8::CompiledWasmModule> compiled, QSet<QByteArray> otherFunctions,
            MemoryLimits memory);
    ~WasmApp();
    WasmApp(const WasmApp &) = delete;
    WasmApp &operator=(const WasmApp &) = delete;

    const AppInfo &info() const { return info_; }
    bool hasMethod(const QByteArray &name) const { return methods_.contains(name); }
    // The method's slot in the compiled module's dispatcher (MethodDispatch.h),
    // i.e. its position in info().methods; -1 if it is not a method.
    int methodSlot(const QByteArray &name) const { return methods_.value(name, -1); }
    // An exported function whose type is not () -> () (so it is not callable as a method).
    bool hasNonMethodFunction(const QByteArray &name) const { return otherFunctions_.contains(name); }
    const v8::CompiledWasmModule &compiled() const { return *compiled_; }
    const MemoryLimits &memory() const { return memory_; }

private:
    AppInfo info_;
    QHash<QByteArray, int> methods_;
    QSet<QByteArray> otherFunctions_;
    std::unique_ptr<v8::CompiledWasmModule> compiled_;
    MemoryLimits memory_;
};

}  // namespace dn
