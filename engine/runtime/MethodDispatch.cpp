#include "runtime/MethodDispatch.h"
#include "runtime/CallError.h"
#include "runtime/WasmBinary.h"

namespace dn {
namespace {

Result<QByteArray> malformed(const QString &why) {
    return Result<QByteArray>::failure(errorCodeOf(CallErrorKind::Compilation), why);
}

// The vector section `id` (`s` if the module has one) with `extra` appended
// as one more item; `count` receives the number of items it had. The count is
// bounded by the section's size, so count + 1 cannot wrap.
bool appendItem(const WasmBinary &binary, WasmSectionId id, const QByteArray &extra, QByteArray &out,
                uint32_t *count = nullptr) {
    const WasmSection *s = binary.find(id);
    uint32_t n = 0;
    QByteArrayView items;
    if (s) {
        WasmReader r = binary.reader(*s);
        n = r.count();
        if (!r.ok()) return false;
        items = binary.payload(*s).sliced(r.offset());
    }
    QByteArray payload;
    appendWasmU32(payload, n + 1);
    payload.append(items);
    payload.append(extra);
    out = wasmSection(id, payload);
    if (count) *count = n;
    return true;
}

}  // namespace

Result<QByteArray> addMethodDispatch(const QByteArray &bytes, const std::vector<uint32_t> &methodFunctions,
                                     uint32_t functionCount) {
    auto binary = WasmBinary::parse(bytes);
    if (!binary) return binary.error();

    // (i32) -> (), appended as the last type.
    QByteArray typeSection, functionSection, exportSection, codeSection;
    uint32_t typeCount = 0;
    if (!appendItem(*binary, WasmSectionId::Type, QByteArray("\x60\x01\x7f\x00", 4), typeSection, &typeCount))
        return malformed(QStringLiteral("malformed type section"));
    QByteArray typeIndex;
    appendWasmU32(typeIndex, typeCount);
    if (!appendItem(*binary, WasmSectionId::Function, typeIndex, functionSection))
        return malformed(QStringLiteral("malformed function section"));

    // Body: if (k == 0) { call m0; return } ... ; unreachable. A linear
    // chain: apps have a handful of methods, and a call compares a few i32s.
    QByteArray body;
    body.append(char(0x00));  // no locals besides the parameter
    for (size_t k = 0; k < methodFunctions.size(); ++k) {
        body.append("\x20\x00", 2);  // local.get 0
        body.append(char(0x41));     // i32.const k
        appendWasmI32(body, int32_t(k));
        body.append(char(0x46));     // i32.eq
        body.append("\x04\x40", 2);  // if (no result)
        body.append(char(0x10));     // call
        appendWasmU32(body, methodFunctions[k]);
        body.append(char(0x0F));  // return
        body.append(char(0x0B));  // end
    }
    body.append(char(0x00));  // unreachable: no such method
    body.append(char(0x0B));  // end
    QByteArray entry;
    appendWasmU32(entry, uint32_t(body.size()));
    entry.append(body);
    if (!appendItem(*binary, WasmSectionId::Code, entry, codeSection))
        return malformed(QStringLiteral("malformed code section"));

    QByteArray exportPayload;
    appendWasmU32(exportPayload, 1);
    appendWasmName(exportPayload, kDispatchExport);
    exportPayload.append(char(WasmExternKind::Func));
    appendWasmU32(exportPayload, functionCount);
    exportSection = wasmSection(WasmSectionId::Export, exportPayload);

    // Replace (or insert, in format order) the four sections; keep the rest.
    const std::pair<WasmSectionId, QByteArray *> made[] = {{WasmSectionId::Type, &typeSection},
                                                           {WasmSectionId::Function, &functionSection},
                                                           {WasmSectionId::Export, &exportSection},
                                                           {WasmSectionId::Code, &codeSection}};
    auto rank = [](WasmSectionId id) { return wasmSectionRank(uint8_t(id)); };
    QByteArray out = bytes.left(8);
    size_t next = 0;  // the first of `made` not written yet
    auto flushBefore = [&](int r) {
        while (next < std::size(made) && rank(made[next].first) < r) out.append(*made[next++].second);
    };
    for (const WasmSection &s : binary->sections()) {
        const int r = wasmSectionRank(s.id);
        if (r >= 0) flushBefore(r);
        const auto id = WasmSectionId(s.id);
        if (id == WasmSectionId::Type || id == WasmSectionId::Function || id == WasmSectionId::Export ||
            id == WasmSectionId::Code) {
            if (next < std::size(made) && made[next].first == id) out.append(*made[next++].second);
            continue;
        }
        out.append(binary->whole(s));
    }
    flushBefore(1000);
    return out;
}

}  // namespace dn
