#pragma once
// A module's type, import, function, memory and export sections, read with
// WasmBinary. V8 validates the whole module when it compiles it; we read these
// sections ourselves first because V8 10.2 does not expose import and export
// signatures, and the linking rules depend on them.
#include "runtime/WasmBinary.h"
#include "util/Result.h"
#include <QByteArray>
#include <cstdint>
#include <optional>
#include <vector>

namespace dn {

struct ModuleShape {
    using ExternKind = WasmExternKind;
    struct FuncType {
        QByteArray params;   // one byte per value type (0x7F i32, 0x7E i64, ...); 0 = a reference type
        QByteArray results;
    };
    struct Import {
        QByteArray module, name;
        ExternKind kind;
        uint32_t typeIndex = 0;  // Func only
    };
    struct Export {
        QByteArray name;
        ExternKind kind;
        uint32_t index;
    };
    struct Memory {
        uint64_t minPages = 0;
        std::optional<uint64_t> maxPages;
        bool shared = false;
        bool imported = false;
    };

    std::vector<FuncType> types;
    std::vector<Import> imports;
    std::vector<uint32_t> functionTypes;  // type index per function, imported ones first
    std::vector<Memory> memories;
    std::vector<Export> exports;

    // Type of function `index` in the function index space, or nullptr.
    const FuncType *functionType(uint32_t index) const;

    // Parses the sections above; error code "compilation_error" on malformed input.
    static Result<ModuleShape> read(const QByteArray &bytes);
};

}  // namespace dn
