#include "runtime/WasmBinary.h"
#include "runtime/CallError.h"
#include <algorithm>
#include <cstring>

namespace dn {

int wasmSectionRank(uint8_t id) {
    static const uint8_t order[] = {1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11};
    for (int i = 0; i < int(sizeof order); ++i)
        if (order[i] == id) return i;
    return -1;
}

void WasmReader::fail(const char *why) {
    if (!error_) error_ = why;
    pos_ = data_.size();
}

uint8_t WasmReader::byte() {
    if (pos_ >= data_.size()) {
        fail("unexpected end");
        return 0;
    }
    return uint8_t(data_[pos_++]);
}

// The binary format bounds an N-bit LEB128 number to ceil(N/7) bytes, and the
// bits of the last byte beyond N must be zero (unsigned) or copies of the
// sign bit (signed). Checking that, rather than masking, means a number never
// silently wraps and no shift ever reaches the width of the result.
uint32_t WasmReader::u32() {
    uint32_t v = 0;
    for (int i = 0; i < 5; ++i) {
        const uint8_t b = byte();
        if (!ok()) return 0;
        if (i == 4 && (b & 0x80)) {
            fail("LEB128 number longer than 5 bytes");
            return 0;
        }
        if (i == 4 && (b & 0x70)) {
            fail("LEB128 number does not fit in 32 bits");
            return 0;
        }
        v |= uint32_t(b & 0x7F) << (7 * i);
        if (!(b & 0x80)) break;
    }
    return v;
}

int32_t WasmReader::i32() {
    uint32_t v = 0;
    for (int i = 0; i < 5; ++i) {
        const uint8_t b = byte();
        if (!ok()) return 0;
        if (i == 4) {
            // Bits 4-6 of the fifth byte must repeat bit 3, the sign bit.
            const uint8_t high = b & 0x70;
            if ((b & 0x80) || high != ((b & 0x08) ? 0x70 : 0x00)) {
                fail("LEB128 number does not fit in 32 bits");
                return 0;
            }
        }
        v |= uint32_t(b & 0x7F) << (7 * i);
        if (!(b & 0x80)) {
            const int used = 7 * (i + 1);
            if (used < 32 && (b & 0x40)) v |= ~uint32_t(0) << used;  // sign-extend
            break;
        }
    }
    return int32_t(v);
}

void WasmReader::s33() {
    for (int i = 0; i < 5; ++i) {
        const uint8_t b = byte();
        if (!ok()) return;
        if (i == 4) {
            // Bits 5-6 of the fifth byte must repeat bit 4, the sign bit.
            if ((b & 0x80) || (b & 0x60) != ((b & 0x10) ? 0x60 : 0x00)) fail("LEB128 number does not fit in 33 bits");
            return;
        }
        if (!(b & 0x80)) return;
    }
}

uint32_t WasmReader::count(qsizetype minItemBytes) {
    const uint32_t n = u32();
    // Divided rather than multiplied: n * minItemBytes could overflow.
    if (ok() && uint64_t(n) > uint64_t(remaining()) / uint64_t(std::max<qsizetype>(minItemBytes, 1))) {
        fail("vector count larger than the bytes left");
        return 0;
    }
    return n;
}

QByteArrayView WasmReader::bytes(qsizetype n) {
    if (n < 0 || n > remaining()) {
        fail("unexpected end");
        return {};
    }
    const QByteArrayView v = data_.sliced(pos_, n);
    pos_ += n;
    return v;
}

QByteArrayView WasmReader::name() {
    const uint32_t n = u32();
    return ok() ? bytes(qsizetype(n)) : QByteArrayView();
}

void WasmReader::skip(qsizetype n) { bytes(n); }

uint8_t readWasmValType(WasmReader &r) {
    const uint8_t t = r.byte();
    switch (t) {
    case 0x7F: case 0x7E: case 0x7D: case 0x7C: case 0x7B: return t;
    case 0x70: case 0x6F: case 0x6E: return 0;
    case 0x6B: case 0x6C: r.s33(); return 0;
    default: r.fail("unknown value type"); return 0;
    }
}

WasmLimits readWasmLimits(WasmReader &r, bool memory) {
    WasmLimits l;
    const uint8_t flags = r.byte();
    if (flags & 4) {  // 64-bit index type: limits would be u64
        r.fail(memory ? "64-bit memories are not supported" : "bad limits flags");
        return l;
    }
    if (flags > 3) {
        r.fail("bad limits flags");
        return l;
    }
    l.min = r.u32();
    if (flags & 1) l.max = r.u32();
    l.shared = flags & 2;
    return l;
}

WasmImport readWasmImport(WasmReader &r) {
    WasmImport im;
    im.module = r.name().toByteArray();
    im.name = r.name().toByteArray();
    const uint8_t kind = r.byte();
    switch (kind) {
    case 0: im.typeIndex = r.u32(); break;
    case 1: readWasmValType(r); im.limits = readWasmLimits(r, false); break;
    case 2: im.limits = readWasmLimits(r, true); break;
    case 3: readWasmValType(r); r.byte(); break;  // value type, mutability
    case 4: r.byte(); r.u32(); break;             // attribute, type index
    default: r.fail("unknown import kind"); break;
    }
    im.kind = WasmExternKind(kind <= 4 ? kind : 0);
    return im;
}

WasmExport readWasmExport(WasmReader &r) {
    WasmExport ex;
    ex.name = r.name().toByteArray();
    const uint8_t kind = r.byte();
    if (kind > 4) {
        r.fail("unknown export kind");
        return ex;
    }
    ex.kind = WasmExternKind(kind);
    ex.index = r.u32();
    return ex;
}

Result<WasmBinary> WasmBinary::parse(const QByteArray &bytes) {
    auto failure = [](const QString &why) {
        return Result<WasmBinary>::failure(errorCodeOf(CallErrorKind::Compilation), why);
    };
    static const char header[8] = {0, 'a', 's', 'm', 1, 0, 0, 0};
    if (bytes.size() < 8 || memcmp(bytes.constData(), header, 4) != 0)
        return failure(QStringLiteral("not a WebAssembly module (bad magic number)"));
    if (memcmp(bytes.constData() + 4, header + 4, 4) != 0)
        return failure(QStringLiteral("unsupported WebAssembly binary version"));

    WasmBinary b;
    b.bytes_ = bytes;
    WasmReader r{QByteArrayView(bytes)};
    r.skip(8);
    int lastRank = -1;
    while (!r.atEnd()) {
        WasmSection s;
        s.start = r.offset();
        s.id = r.byte();
        const uint32_t size = r.u32();
        if (!r.ok())
            return failure(QStringLiteral("malformed module: section header at offset %1: %2")
                               .arg(s.start).arg(QLatin1String(r.error())));
        if (qsizetype(size) > r.remaining())
            return failure(QStringLiteral("malformed module: section %1 at offset %2 runs past the end of the module")
                               .arg(s.id).arg(s.start));
        if (s.id > 13) return failure(QStringLiteral("malformed module: unknown section id %1").arg(s.id));
        const int rank = wasmSectionRank(s.id);
        if (rank >= 0) {
            if (rank <= lastRank)
                return failure(QStringLiteral("malformed module: section %1 is out of order or repeated").arg(s.id));
            lastRank = rank;
        }
        s.payload = r.offset();
        r.skip(size);
        s.end = r.offset();
        b.sections_.push_back(s);
    }
    return b;
}

const WasmSection *WasmBinary::find(WasmSectionId id) const {
    for (const WasmSection &s : sections_)
        if (s.id == uint8_t(id)) return &s;
    return nullptr;
}

QByteArrayView WasmBinary::payload(const WasmSection &s) const {
    return QByteArrayView(bytes_).sliced(s.payload, s.end - s.payload);
}

QByteArrayView WasmBinary::whole(const WasmSection &s) const {
    return QByteArrayView(bytes_).sliced(s.start, s.end - s.start);
}

WasmReader WasmBinary::reader(const WasmSection &s) const { return WasmReader(payload(s)); }

void appendWasmU32(QByteArray &out, uint32_t v) {
    do {
        uint8_t c = v & 0x7F;
        v >>= 7;
        if (v) c |= 0x80;
        out.append(char(c));
    } while (v);
}

void appendWasmI32(QByteArray &out, int32_t value) {
    int64_t v = value;  // arithmetic shifts on a wider type: no sign-bit edge cases
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

void appendWasmName(QByteArray &out, QByteArrayView name) {
    appendWasmU32(out, uint32_t(name.size()));
    out.append(name);
}

QByteArray wasmSection(WasmSectionId id, const QByteArray &payload) {
    QByteArray s(1, char(id));
    appendWasmU32(s, uint32_t(payload.size()));
    s.append(payload);
    return s;
}

}  // namespace dn
