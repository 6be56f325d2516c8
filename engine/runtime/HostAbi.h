#pragma once
// The host functions an app may import from module `env` (ARCHITECTURE §7 plus
// storage_scan), with their exact wasm signatures. Every parameter is i64
// (pointers, lengths and register ids are u64 on the ABI).
#include "runtime/ModuleShape.h"
#include "util/Result.h"
#include <QByteArray>
#include <cstdint>

namespace dn {

enum class HostFn : uint8_t {
    RegisterLen, ReadRegister, Input, ValueReturn, LogUtf8, PanicUtf8, Emit, EmitWithHandler,
    StorageRead, StorageWrite, StorageRemove, StorageScan, CounterAdd, CounterGet,
    ContextId, ExecutorId, TimeNow,
    Count_
};

struct HostFnSpec {
    HostFn id;
    const char *name;
    uint8_t params;   // number of i64 parameters
    char result;      // 'v' none, 'i' i32, 'I' i64
};

// All host functions, indexed by HostFn.
const HostFnSpec *hostFunctions();
constexpr int hostFunctionCount() { return int(HostFn::Count_); }

// Checks that `module` imports only host functions with their exact signatures
// and nothing else (no imported memory, table, global or tag). Error code
// "link_error", message naming the offending import.
Result<void> checkImports(const ModuleShape &module);

}  // namespace dn
