#include "runtime/ModuleShape.h"
#include "runtime/CallError.h"
#include "runtime/WasmBinary.h"

namespace dn {
namespace {

// Smallest encodings of one vector item, so that a count can be checked
// against the bytes left before the loop runs.
constexpr qsizetype kMinFuncType = 3;  // 0x60, no params, no results
constexpr qsizetype kMinImport = 4;    // two empty names, kind, one-byte index
constexpr qsizetype kMinExport = 3;    // empty name, kind, one-byte index
constexpr qsizetype kMinLimits = 2;    // flags, minimum

void readTypes(WasmReader &r, ModuleShape &s) {
    for (uint32_t n = r.count(kMinFuncType); n && r.ok(); --n) {
        if (r.byte() != 0x60) { r.fail("unsupported type form"); return; }
        ModuleShape::FuncType t;
        for (uint32_t k = r.count(); k && r.ok(); --k) t.params.append(char(readWasmValType(r)));
        for (uint32_t k = r.count(); k && r.ok(); --k) t.results.append(char(readWasmValType(r)));
        s.types.push_back(std::move(t));
    }
}

void readImports(WasmReader &r, ModuleShape &s) {
    for (uint32_t n = r.count(kMinImport); n && r.ok(); --n) {
        WasmImport w = readWasmImport(r);
        if (!r.ok()) return;
        if (w.kind == WasmExternKind::Func) s.functionTypes.push_back(w.typeIndex);
        if (w.kind == WasmExternKind::Memory)
            s.memories.push_back({w.limits.min, w.limits.max, w.limits.shared, /*imported=*/true});
        s.imports.push_back({std::move(w.module), std::move(w.name), w.kind, w.typeIndex});
    }
}

void readExports(WasmReader &r, ModuleShape &s) {
    for (uint32_t n = r.count(kMinExport); n && r.ok(); --n) {
        WasmExport w = readWasmExport(r);
        if (!r.ok()) return;
        s.exports.push_back({std::move(w.name), w.kind, w.index});
    }
}

}  // namespace

const ModuleShape::FuncType *ModuleShape::functionType(uint32_t index) const {
    if (index >= functionTypes.size()) return nullptr;
    const uint32_t t = functionTypes[index];
    return t < types.size() ? &types[t] : nullptr;
}

Result<ModuleShape> ModuleShape::read(const QByteArray &bytes) {
    auto binary = WasmBinary::parse(bytes);
    if (!binary) return binary.error();
    ModuleShape s;
    for (const WasmSection &section : binary->sections()) {
        WasmReader r = binary->reader(section);
        switch (WasmSectionId(section.id)) {
        case WasmSectionId::Type: readTypes(r, s); break;
        case WasmSectionId::Import: readImports(r, s); break;
        case WasmSectionId::Function:
            for (uint32_t n = r.count(); n && r.ok(); --n) s.functionTypes.push_back(r.u32());
            break;
        case WasmSectionId::Memory:
            for (uint32_t n = r.count(kMinLimits); n && r.ok(); --n) {
                const WasmLimits l = readWasmLimits(r, true);
                s.memories.push_back({l.min, l.max, l.shared, false});
            }
            break;
        case WasmSectionId::Export: readExports(r, s); break;
        default: continue;  // code, data, custom, ...: V8 validates them
        }
        if (r.ok() && !r.atEnd()) r.fail("bytes left over at the end of the section");
        if (!r.ok())
            return Result<ModuleShape>::failure(
                errorCodeOf(CallErrorKind::Compilation),
                QStringLiteral("malformed module (section %1): %2").arg(section.id).arg(QLatin1String(r.error())));
    }
    return s;
}

}  // namespace dn
