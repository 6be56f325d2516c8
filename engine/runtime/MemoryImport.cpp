#include "runtime/MemoryImport.h"
#include "runtime/CallError.h"
#include "runtime/WasmBinary.h"

namespace dn {
namespace {

Result<QByteArray> malformed(const QString &why) {
    return Result<QByteArray>::failure(errorCodeOf(CallErrorKind::Compilation), why);
}

}  // namespace

Result<QByteArray> importMemory(const QByteArray &bytes) {
    auto binary = WasmBinary::parse(bytes);
    if (!binary) return binary.error();
    const WasmSection *memory = binary->find(WasmSectionId::Memory);
    const WasmSection *imports = binary->find(WasmSectionId::Import);
    if (!memory) return malformed(QStringLiteral("module defines no memory"));

    // Memory section payload: count (1), then the limits, copied verbatim.
    WasmReader mem = binary->reader(*memory);
    if (mem.count() != 1 || !mem.ok()) return malformed(QStringLiteral("module must define exactly one memory"));
    const qsizetype limitsStart = mem.offset();
    readWasmLimits(mem, true);
    if (!mem.ok() || !mem.atEnd())
        return malformed(QStringLiteral("malformed memory section: %1")
                             .arg(QLatin1String(mem.ok() ? "bytes left over" : mem.error())));
    const QByteArrayView limits = binary->payload(*memory).sliced(limitsStart);

    // The existing imports are kept as they are: one more entry is appended.
    // The count is bounded by the section's size, so count + 1 cannot wrap.
    uint32_t importCount = 0;
    QByteArrayView existing;
    if (imports) {
        WasmReader r = binary->reader(*imports);
        importCount = r.count();
        if (!r.ok()) return malformed(QStringLiteral("malformed import section: %1").arg(QLatin1String(r.error())));
        existing = binary->payload(*imports).sliced(r.offset());
    }
    QByteArray importPayload;
    appendWasmU32(importPayload, importCount + 1);
    importPayload.append(existing);
    appendWasmName(importPayload, kMemoryImportModule);
    appendWasmName(importPayload, kMemoryImportName);
    importPayload.append(char(WasmExternKind::Memory));
    importPayload.append(limits);
    const QByteArray importSection = wasmSection(WasmSectionId::Import, importPayload);

    // Sections keep their order; the import section goes where it was, or
    // else right before the first known section that must follow it.
    QByteArray out = bytes.left(8);
    bool placed = false;
    for (const WasmSection &s : binary->sections()) {
        if (!placed && wasmSectionRank(s.id) > wasmSectionRank(uint8_t(WasmSectionId::Type))) {
            out.append(importSection);
            placed = true;
        }
        if (s.id == uint8_t(WasmSectionId::Import) || s.id == uint8_t(WasmSectionId::Memory)) continue;
        out.append(binary->whole(s));
    }
    if (!placed) out.append(importSection);
    return out;
}

}  // namespace dn
