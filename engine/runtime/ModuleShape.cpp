#include "runtime/ModuleShape.h"
#include "runtime/CallError.h"

namespace dn {
namespace {

// Bounds-checked cursor over the module bytes. Any read past the end marks the
// reader failed; callers check ok() at section boundaries.
class Reader {
public:
    Reader(const uint8_t *p, size_t n) : p_(p), end_(p + n) {}
    bool ok() const { return ok_; }
    bool atEnd() const { return p_ >= end_; }
    size_t remaining() const { return size_t(end_ - p_); }
    const uint8_t *pos() const { return p_; }
    void fail(const char *why) {
        if (ok_) why_ = why;
        ok_ = false;
        p_ = end_;
    }
    const char *why() const { return why_; }

    uint8_t byte() {
        if (p_ >= end_) { fail("unexpected end"); return 0; }
        return *p_++;
    }
    uint64_t uleb(int maxBits) {
        uint64_t v = 0;
        for (int shift = 0; shift < maxBits + 7; shift += 7) {
            const uint8_t b = byte();
            if (!ok_) return 0;
            v |= uint64_t(b & 0x7F) << shift;
            if (!(b & 0x80)) return v;
        }
        fail("LEB128 too long");
        return 0;
    }
    uint32_t u32() { return uint32_t(uleb(32)); }
    void sleb33() {  // heap types of typed references; value not needed
        for (int i = 0; i < 5; ++i)
            if (!(byte() & 0x80)) return;
        fail("LEB128 too long");
    }
    QByteArray bytes(size_t n) {
        if (n > remaining()) { fail("unexpected end"); return {}; }
        QByteArray b(reinterpret_cast<const char *>(p_), qsizetype(n));
        p_ += n;
        return b;
    }
    QByteArray name() { return bytes(u32()); }
    void skip(size_t n) {
        if (n > remaining()) fail("unexpected end");
        else p_ += n;
    }

private:
    const uint8_t *p_, *end_;
    bool ok_ = true;
    const char *why_ = "";
};

// A value type; reference types with a heap-type immediate collapse to 0.
uint8_t valType(Reader &r) {
    const uint8_t t = r.byte();
    switch (t) {
    case 0x7F: case 0x7E: case 0x7D: case 0x7C: case 0x7B: return t;
    case 0x70: case 0x6F: case 0x6E: return 0;
    case 0x6B: case 0x6C: r.sleb33(); return 0;
    default: r.fail("unknown value type"); return 0;
    }
}

ModuleShape::Memory limits(Reader &r, bool isMemory) {
    ModuleShape::Memory m;
    const uint8_t flags = r.byte();
    if (flags > 7) r.fail("bad limits flags");
    const int bits = (isMemory && (flags & 4)) ? 64 : 32;
    m.minPages = r.uleb(bits);
    if (flags & 1) m.maxPages = r.uleb(bits);
    m.shared = flags & 2;
    if (isMemory && (flags & 4)) r.fail("64-bit memories are not supported");
    return m;
}

void readTypes(Reader &r, ModuleShape &s) {
    for (uint32_t n = r.u32(); n && r.ok(); --n) {
        if (r.byte() != 0x60) { r.fail("unsupported type form"); return; }
        ModuleShape::FuncType t;
        for (uint32_t k = r.u32(); k && r.ok(); --k) t.params.append(char(valType(r)));
        for (uint32_t k = r.u32(); k && r.ok(); --k) t.results.append(char(valType(r)));
        s.types.push_back(std::move(t));
    }
}

void readImports(Reader &r, ModuleShape &s) {
    for (uint32_t n = r.u32(); n && r.ok(); --n) {
        ModuleShape::Import im;
        im.module = r.name();
        im.name = r.name();
        const uint8_t kind = r.byte();
        switch (kind) {
        case 0: im.typeIndex = r.u32(); s.functionTypes.push_back(im.typeIndex); break;
        case 1: valType(r); limits(r, false); break;
        case 2: { auto m = limits(r, true); m.imported = true; s.memories.push_back(m); break; }
        case 3: valType(r); r.byte(); break;
        case 4: r.byte(); r.u32(); break;
        default: r.fail("unknown import kind"); return;
        }
        im.kind = ModuleShape::ExternKind(kind);
        s.imports.push_back(std::move(im));
    }
}

void readExports(Reader &r, ModuleShape &s) {
    for (uint32_t n = r.u32(); n && r.ok(); --n) {
        ModuleShape::Export ex;
        ex.name = r.name();
        const uint8_t kind = r.byte();
        if (kind > 4) { r.fail("unknown export kind"); return; }
        ex.kind = ModuleShape::ExternKind(kind);
        ex.index = r.u32();
        s.exports.push_back(std::move(ex));
    }
}

}  // namespace

const ModuleShape::FuncType *ModuleShape::functionType(uint32_t index) const {
    if (index >= functionTypes.size()) return nullptr;
    const uint32_t t = functionTypes[index];
    return t < types.size() ? &types[t] : nullptr;
}

Result<ModuleShape> ModuleShape::read(const QByteArray &bytes) {
    auto failure = [](const QString &why) {
        return Result<ModuleShape>::failure(errorCodeOf(CallErrorKind::Compilation), why);
    };
    static const char header[8] = {0, 'a', 's', 'm', 1, 0, 0, 0};
    if (bytes.size() < 8 || memcmp(bytes.constData(), header, 4) != 0)
        return failure(QStringLiteral("not a WebAssembly module (bad magic number)"));
    if (memcmp(bytes.constData() + 4, header + 4, 4) != 0)
        return failure(QStringLiteral("unsupported WebAssembly binary version"));

    ModuleShape s;
    Reader r(reinterpret_cast<const uint8_t *>(bytes.constData()) + 8, size_t(bytes.size()) - 8);
    while (r.ok() && !r.atEnd()) {
        const uint8_t id = r.byte();
        const uint32_t size = r.u32();
        if (!r.ok() || size > r.remaining()) {
            r.fail("section runs past the end of the module");
            break;
        }
        Reader sec(r.pos(), size);
        r.skip(size);
        switch (id) {
        case 1: readTypes(sec, s); break;
        case 2: readImports(sec, s); break;
        case 3:
            for (uint32_t n = sec.u32(); n && sec.ok(); --n) s.functionTypes.push_back(sec.u32());
            break;
        case 5:
            for (uint32_t n = sec.u32(); n && sec.ok(); --n) s.memories.push_back(limits(sec, true));
            break;
        case 7: readExports(sec, s); break;
        default: break;  // code, data, custom, ...: V8 validates them
        }
        if (!sec.ok())
            return failure(QStringLiteral("malformed module (section %1): %2").arg(id).arg(QLatin1String(sec.why())));
    }
    if (!r.ok()) return failure(QStringLiteral("malformed module: %1").arg(QLatin1String(r.why())));
    return s;
}

}  // namespace dn
