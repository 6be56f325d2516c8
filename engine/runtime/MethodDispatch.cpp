#include "runtime/MethodDispatch.h"
#include "runtime/CallError.h"
#include <cstring>

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

void writeSleb(QByteArray &out, int64_t v) {
    for (;;) {
        const uint8_t c = uint8_t(v & 0x7F);
        v >>= 7;
        if ((v == 0 && !(c & 0x40)) || (v == -1 && (c & 0x40))) {
            out.append(char(c));
            return;
        }
        out.append(char(c | 0x80));
    }
}

QByteArray section(uint8_t id, const QByteArray &payload) {
    QByteArray s(1, char(id));
    writeLeb(s, uint32_t(payload.size()));
    s.append(payload);
    return s;
}

// A vector section (count, items) with `extra` appended as one more item.
bool appendItem(const QByteArray &bytes, const Section *s, const QByteArray &extra, QByteArray &out) {
    uint32_t count = 0;
    qsizetype p = 0;
    if (s) {
        p = s->payload;
        if (!readLeb(bytes, p, s->end, count)) return false;
    }
    QByteArray payload;
    writeLeb(payload, count + 1);
    if (s) payload.append(bytes.constData() + p, s->end - p);
    payload.append(extra);
    out = section(s ? s->id : 0, payload);
    return true;
}

Result<QByteArray> malformed(const QString &why) {
    return Result<QByteArray>::failure(errorCodeOf(CallErrorKind::Compilation), why);
}

// Standard sections in the order the binary format requires them.
int rank(uint8_t id) {
    static const uint8_t order[] = {1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11};
    for (int i = 0; i < int(sizeof order); ++i)
        if (order[i] == id) return i;
    return -1;  // custom sections keep their place
}

}  // namespace

Result<QByteArray> addMethodDispatch(const QByteArray &bytes, const std::vector<uint32_t> &methodFunctions,
                                     uint32_t functionCount) {
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
    const Section *types = nullptr, *functions = nullptr, *code = nullptr;
    for (const Section &s : sections) {
        if (s.id == 1) types = &s;
        if (s.id == 3) functions = &s;
        if (s.id == 10) code = &s;
    }
    uint32_t typeCount = 0;
    if (types) {
        qsizetype p = types->payload;
        if (!readLeb(bytes, p, types->end, typeCount)) return malformed(QStringLiteral("malformed type section"));
    }

    // (i32) -> (), appended as the last type.
    QByteArray typeSection, functionSection, exportSection, codeSection;
    if (!appendItem(bytes, types, QByteArray("\x60\x01\x7f\x00", 4), typeSection))
        return malformed(QStringLiteral("malformed type section"));
    typeSection[0] = char(1);
    QByteArray typeIndex;
    writeLeb(typeIndex, typeCount);
    if (!appendItem(bytes, functions, typeIndex, functionSection))
        return malformed(QStringLiteral("malformed function section"));
    functionSection[0] = char(3);

    // Body: if (k == 0) { call m0; return } ... ; unreachable. A linear
    // chain: apps have a handful of methods, and a call compares a few i32s.
    QByteArray body;
    body.append(char(0x00));  // no locals besides the parameter
    for (size_t k = 0; k < methodFunctions.size(); ++k) {
        body.append("\x20\x00", 2);  // local.get 0
        body.append(char(0x41));     // i32.const k
        writeSleb(body, int64_t(k));
        body.append(char(0x46));     // i32.eq
        body.append("\x04\x40", 2);  // if (no result)
        body.append(char(0x10));     // call
        writeLeb(body, methodFunctions[k]);
        body.append(char(0x0F));  // return
        body.append(char(0x0B));  // end
    }
    body.append(char(0x00));  // unreachable: no such method
    body.append(char(0x0B));  // end
    QByteArray entry;
    writeLeb(entry, uint32_t(body.size()));
    entry.append(body);
    if (!appendItem(bytes, code, entry, codeSection)) return malformed(QStringLiteral("malformed code section"));
    codeSection[0] = char(10);

    QByteArray exportPayload;
    writeLeb(exportPayload, 1);
    writeLeb(exportPayload, uint32_t(strlen(kDispatchExport)));
    exportPayload.append(kDispatchExport);
    exportPayload.append(char(0x00));  // a function
    writeLeb(exportPayload, functionCount);
    exportSection = section(7, exportPayload);

    // Replace (or insert, in format order) the four sections; keep the rest.
    const std::pair<uint8_t, QByteArray *> made[] = {
        {1, &typeSection}, {3, &functionSection}, {7, &exportSection}, {10, &codeSection}};
    QByteArray out = bytes.left(8);
    size_t next = 0;  // the first of `made` not written yet
    auto flushBefore = [&](int r) {
        while (next < std::size(made) && rank(made[next].first) < r) out.append(*made[next++].second);
    };
    for (const Section &s : sections) {
        const int r = rank(s.id);
        if (r >= 0) flushBefore(r);
        if (s.id == 1 || s.id == 3 || s.id == 7 || s.id == 10) {
            if (next < std::size(made) && made[next].first == s.id) out.append(*made[next++].second);
            continue;
        }
        out.append(bytes.constData() + s.start, s.end - s.start);
    }
    flushBefore(1000);
    return out;
}

}  // namespace dn
