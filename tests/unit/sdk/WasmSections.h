#pragma once
// A small, strict reader of the wasm binary sections the sample-app checks
// need (types, imports, functions, memory, exports). Written here rather than
// trusting a tool's text output, so the test sees exactly what a runtime sees.
#include <QByteArray>
#include <QList>
#include <QString>
#include <cstdint>

namespace dn::test {

struct WasmFuncType {
    QList<uint8_t> params, results;   // value type codes: 0x7f i32, 0x7e i64, ...
    QString text() const;             // e.g. "(i64,i64)->(i32)"
};

struct WasmImport {
    QString module, name;
    uint8_t kind = 0;        // 0 func, 1 table, 2 memory, 3 global, 4 tag
    uint32_t typeIndex = 0;  // for functions
};

struct WasmExport {
    QString name;
    uint8_t kind = 0;
    uint32_t index = 0;
};

struct WasmModuleInfo {
    QList<WasmFuncType> types;
    QList<WasmImport> imports;
    QList<uint32_t> functionTypes;   // type index of each defined function
    QList<WasmExport> exports;
    int memories = 0;
    uint64_t memoryMin = 0, memoryMax = 0;
    bool memoryHasMax = false;
    QString error;                   // non-empty: the bytes are malformed

    int importedFunctionCount() const;
    // The type of function `index` in the function index space (imports first).
    const WasmFuncType *functionType(uint32_t index) const;
};

WasmModuleInfo parseWasm(const QByteArray &bytes);

inline QString WasmFuncType::text() const {
    auto list = [](const QList<uint8_t> &v) {
        QStringList s;
        for (uint8_t t : v)
            s << (t == 0x7f ? "i32" : t == 0x7e ? "i64" : t == 0x7d ? "f32" : t == 0x7c ? "f64" : "?");
        return "(" + s.join(',') + ")";
    };
    return list(params) + "->" + list(results);
}

inline int WasmModuleInfo::importedFunctionCount() const {
    int n = 0;
    for (const auto &i : imports) n += i.kind == 0;
    return n;
}

inline const WasmFuncType *WasmModuleInfo::functionType(uint32_t index) const {
    uint32_t t = UINT32_MAX;
    const uint32_t nImported = uint32_t(importedFunctionCount());
    if (index < nImported) {
        uint32_t seen = 0;
        for (const auto &i : imports)
            if (i.kind == 0 && seen++ == index) { t = i.typeIndex; break; }
    } else if (index - nImported < uint32_t(functionTypes.size())) {
        t = functionTypes[index - nImported];
    } else {
        return nullptr;
    }
    return t < uint32_t(types.size()) ? &types[t] : nullptr;
}

namespace detail {
struct Reader {
    const QByteArray &b;
    qsizetype pos = 0, end = 0;
    bool ok = true;
    uint64_t leb(int maxBits = 32) {
        uint64_t v = 0;
        for (int shift = 0; ok && shift < maxBits + 7; shift += 7) {
            if (pos >= end) break;
            const uint8_t c = uint8_t(b[pos++]);
            v |= uint64_t(c & 0x7f) << shift;
            if (!(c & 0x80)) return v;
        }
        ok = false;
        return 0;
    }
    uint8_t byte() {
        if (pos >= end) { ok = false; return 0; }
        return uint8_t(b[pos++]);
    }
    QString name() {
        const uint64_t n = leb();
        if (!ok || n > uint64_t(end - pos)) { ok = false; return {}; }
        const QString s = QString::fromUtf8(b.constData() + pos, qsizetype(n));
        pos += qsizetype(n);
        return s;
    }
    void limits(uint64_t &min, uint64_t &max, bool &hasMax) {
        const uint8_t flags = byte();
        min = leb();
        hasMax = flags & 1;
        if (hasMax) max = leb();
    }
};
}  // namespace detail

inline WasmModuleInfo parseWasm(const QByteArray &bytes) {
    WasmModuleInfo m;
    if (bytes.size() < 8 || bytes.left(8) != QByteArray("\0asm\1\0\0\0", 8)) {
        m.error = "bad magic/version";
        return m;
    }
    detail::Reader r{bytes, 8, bytes.size()};
    while (r.ok && r.pos < bytes.size()) {
        const uint8_t id = r.byte();
        const uint64_t size = r.leb();
        if (!r.ok || size > uint64_t(bytes.size() - r.pos)) { r.ok = false; break; }
        detail::Reader s{bytes, r.pos, r.pos + qsizetype(size)};
        r.pos += qsizetype(size);
        if (id == 1) {  // type
            for (uint64_t n = s.leb(); s.ok && n--;) {
                if (s.byte() != 0x60) s.ok = false;
                WasmFuncType t;
                for (uint64_t k = s.leb(); s.ok && k--;) t.params << s.byte();
                for (uint64_t k = s.leb(); s.ok && k--;) t.results << s.byte();
                m.types << t;
            }
        } else if (id == 2) {  // import
            for (uint64_t n = s.leb(); s.ok && n--;) {
                WasmImport i;
                i.module = s.name();
                i.name = s.name();
                i.kind = s.byte();
                uint64_t a, b; bool c;
                switch (i.kind) {
                case 0: i.typeIndex = uint32_t(s.leb()); break;
                case 1: s.byte(); s.limits(a, b, c); break;
                case 2: s.limits(a, b, c); break;
                case 3: s.byte(); s.byte(); break;
                case 4: s.byte(); s.leb(); break;
                default: s.ok = false;
                }
                m.imports << i;
            }
        } else if (id == 3) {  // function
            for (uint64_t n = s.leb(); s.ok && n--;) m.functionTypes << uint32_t(s.leb());
        } else if (id == 5) {  // memory
            for (uint64_t n = s.leb(); s.ok && n--;) {
                ++m.memories;
                s.limits(m.memoryMin, m.memoryMax, m.memoryHasMax);
            }
        } else if (id == 7) {  // export
            for (uint64_t n = s.leb(); s.ok && n--;) {
                WasmExport e;
                e.name = s.name();
                e.kind = s.byte();
                e.index = uint32_t(s.leb());
                m.exports << e;
            }
        } else {
            s.pos = s.end;  // sections the checks do not need
        }
        if (s.ok && (id == 1 || id == 2 || id == 3 || id == 5 || id == 7) && s.pos != s.end)
            s.ok = false;   // a known section must be consumed exactly
        if (!s.ok) { m.error = QString("malformed section %1").arg(id); return m; }
    }
    if (!r.ok) m.error = "truncated module";
    return m;
}

}  // namespace dn::test
