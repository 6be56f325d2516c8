#include "runtime/MemoryImport.h"
#include "runtime/CallError.h"
#include <cstring>
#include <vector>

namespace dn {
namespace {

struct Section {
    uint8_t id;
    qsizetype start;    // of the section header (id byte)
    qsizetype payload;  // of the payload
    qsizetype end;      // one past the payload
};

bool readLeb(const QByteArray &b, qsizetype &pos, qsizetype end, uint32_t &out) {
    out = 0;
    for (int shift = 0; shift < 35; shift += 7) {
        if (pos >= end) return false;
        const uint8_t c = uint8_t(b[pos++]);
        out |= uint32_t(c & 0x7F) << shift;
        if (!(c & 0x80)) return true;
    }
    return false;
}

void writeLeb(QByteArray &out, uint32_t v) {
    do {
        uint8_t c = v & 0x7F;
        v >>= 7;
        if (v) c |= 0x80;
        out.append(char(c));
    } while (v);
}

void writeName(QByteArray &out, const char *name) {
    const uint32_t n = uint32_t(strlen(name));
    writeLeb(out, n);
    out.append(name, n);
}

Result<QByteArray> malformed(const QString &why) {
    return Result<QByteArray>::failure(errorCodeOf(CallErrorKind::Compilation), why);
}

}  // namespace

Result<QByteArray> importMemory(const QByteArray &bytes) {
    std::vector<Section> sections;
    for (qsizetype pos = 8; pos < bytes.size();) {
        Section s{uint8_t(bytes[pos]), pos, 0, 0};
        qsizetype p = pos + 1;
        uint32_t size;
        if (!readLeb(bytes, p, bytes.size(), size) || size > bytes.size() - p)
            return malformed(QStringLiteral("malformed section header"));
        s.payload = p;
        s.end = p + size;
        sections.push_back(s);
        pos = s.end;
    }
    const Section *memory = nullptr, *imports = nullptr;
    for (const Section &s : sections) {
        if (s.id == 5) memory = &s;
        if (s.id == 2) imports = &s;
    }
    if (!memory) return malformed(QStringLiteral("module defines no memory"));

    // Memory section payload: count (1), then the limits, copied verbatim.
    qsizetype p = memory->payload;
    uint32_t count;
    if (!readLeb(bytes, p, memory->end, count) || count != 1)
        return malformed(QStringLiteral("module must define exactly one memory"));
    const QByteArray limits = bytes.mid(p, memory->end - p);

    QByteArray importPayload;
    uint32_t importCount = 0;
    qsizetype existingStart = 0;
    if (imports) {
        existingStart = imports->payload;
        if (!readLeb(bytes, existingStart, imports->end, importCount))
            return malformed(QStringLiteral("malformed import section"));
    }
    writeLeb(importPayload, importCount + 1);
    if (imports) importPayload.append(bytes.constData() + existingStart, imports->end - existingStart);
    writeName(importPayload, kMemoryImportModule);
    writeName(importPayload, kMemoryImportName);
    importPayload.append(char(0x02));
    importPayload.append(limits);
    QByteArray importSection(1, char(2));
    writeLeb(importSection, uint32_t(importPayload.size()));
    importSection.append(importPayload);

    // Sections keep their order; the import section goes where it was, or
    // else right before the first known section that must follow it.
    QByteArray out = bytes.left(8);
    bool placed = false;
    for (const Section &s : sections) {
        if (!placed && (s.id == 2 || (s.id != 0 && s.id != 1))) {
            out.append(importSection);
            placed = true;
        }
        if (s.id == 2 || s.id == 5) continue;
        out.append(bytes.constData() + s.start, s.end - s.start);
    }
    if (!placed) out.append(importSection);
    return out;
}

}  // namespace dn
