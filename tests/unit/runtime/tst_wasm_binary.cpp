// WasmBinary, the one reader of module bytes the runtime uses before V8:
// LEB128 limits, vector counts, names and the section list on hostile input
// (truncated, oversized, counts larger than the data), the built test modules
// read and rewritten, and every truncation and single-byte corruption of a
// real module read and rewritten without reading out of bounds (the
// sanitizer build checks the latter).
#include "RuntimeFixture.h"
#include "runtime/MemoryImport.h"
#include "runtime/MethodDispatch.h"
#include "runtime/ModuleShape.h"
#include "runtime/WasmBinary.h"

using namespace dn;

namespace {

const QByteArray kHeader = QByteArray::fromHex("0061736d01000000");

QByteArray module(const char *sectionsHex) { return kHeader + QByteArray::fromHex(sectionsHex); }

// The message of a failed result (QVERIFY2 evaluates it even on success).
template <typename T>
QString errorOf(const Result<T> &r) {
    return r ? QString() : r.error().message;
}

// Runs every reader of module bytes over `bytes`; they may refuse it but must
// not crash or read outside it.
void readAll(const QByteArray &bytes) {
    (void)ModuleShape::read(bytes);
    (void)importMemory(bytes);
    (void)addMethodDispatch(bytes, {0, 1, 2}, 3);
}

const char *const kModules[] = {"abi_all", "many_methods", "trivial", "no_imports", "grow_memory", "panic",
                                "kv_store", "counter"};

}  // namespace

class TestWasmBinary : public QObject {
    Q_OBJECT
private slots:
    void u32Values_data() {
        QTest::addColumn<QByteArray>("in");
        QTest::addColumn<uint>("value");
        QTest::addColumn<int>("length");
        QTest::newRow("0") << QByteArray::fromHex("00") << 0u << 1;
        QTest::newRow("127") << QByteArray::fromHex("7f") << 127u << 1;
        QTest::newRow("128") << QByteArray::fromHex("8001") << 128u << 2;
        QTest::newRow("non-minimal 0 (valid in wasm)") << QByteArray::fromHex("8000") << 0u << 2;
        QTest::newRow("max") << QByteArray::fromHex("ffffffff0f") << 0xFFFFFFFFu << 5;
        QTest::newRow("padded to 5 bytes") << QByteArray::fromHex("8180808000") << 1u << 5;
    }
    void u32Values() {
        QFETCH(QByteArray, in);
        QFETCH(uint, value);
        QFETCH(int, length);
        WasmReader r{QByteArrayView(in)};
        QCOMPARE(r.u32(), uint32_t(value));
        QVERIFY2(r.ok(), r.error());
        QCOMPARE(r.offset(), qsizetype(length));
    }

    void u32Refused_data() {
        QTest::addColumn<QByteArray>("in");
        QTest::addColumn<QString>("why");
        QTest::newRow("empty") << QByteArray() << "unexpected end";
        QTest::newRow("truncated") << QByteArray::fromHex("8080") << "unexpected end";
        QTest::newRow("33 bits") << QByteArray::fromHex("ffffffff1f") << "does not fit in 32 bits";
        QTest::newRow("high bit of byte 5") << QByteArray::fromHex("8080808040") << "does not fit in 32 bits";
        QTest::newRow("6 bytes") << QByteArray::fromHex("ffffffff8f00") << "longer than 5 bytes";
        QTest::newRow("endless") << QByteArray(64, '\xff') << "longer than 5 bytes";
    }
    void u32Refused() {
        QFETCH(QByteArray, in);
        QFETCH(QString, why);
        WasmReader r{QByteArrayView(in)};
        QCOMPARE(r.u32(), 0u);
        QVERIFY(!r.ok());
        QVERIFY2(QString::fromLatin1(r.error()).contains(why), r.error());
        // Failed for good: at the end, later reads return zeros and keep the first reason.
        QVERIFY(r.atEnd());
        QCOMPARE(r.byte(), uint8_t(0));
        QCOMPARE(r.u32(), 0u);
        QVERIFY(r.bytes(0).isEmpty());
        QVERIFY2(QString::fromLatin1(r.error()).contains(why), r.error());
    }

    void i32RoundTrip() {
        const int32_t values[] = {0, 1, -1, 63, 64, -64, -65, 127, 128, -129, 8191, -8193, 1 << 20, -(1 << 27) - 1,
                                  INT32_MAX, INT32_MIN, INT32_MAX - 1, INT32_MIN + 1};
        QByteArray all;
        for (int32_t v : values) appendWasmI32(all, v);
        WasmReader r{QByteArrayView(all)};
        for (int32_t v : values) QCOMPARE(r.i32(), v);
        QVERIFY2(r.ok(), r.error());
        QVERIFY(r.atEnd());
        // Fixed encodings from the spec's examples: -1 is 0x7f, 64 needs two bytes.
        QByteArray b;
        appendWasmI32(b, -1);
        QCOMPARE(b, QByteArray::fromHex("7f"));
        b.clear();
        appendWasmI32(b, 64);
        QCOMPARE(b, QByteArray::fromHex("c000"));
    }

    void i32Refused() {
        // Byte 5 carries bits 28-31; bits 4-6 of it must repeat bit 3 (the sign).
        for (const char *hex : {"ffffffff0f" /* +2^32-1 */, "8080808070" /* sign bits without bit 3 */,
                                "ffffffff8f00" /* 6 bytes */, "ffff"}) {
            const QByteArray in = QByteArray::fromHex(hex);
            WasmReader r{QByteArrayView(in)};
            r.i32();
            QVERIFY2(!r.ok(), hex);
        }
        const QByteArray min = QByteArray::fromHex("8080808078");  // INT32_MIN
        WasmReader r{QByteArrayView(min)};
        QCOMPARE(r.i32(), INT32_MIN);
        QVERIFY(r.ok());
    }

    void s33Bounds() {
        for (const char *hex : {"40", "7f", "ffffffff0f", "8080808070"}) {
            const QByteArray in = QByteArray::fromHex(hex);
            WasmReader r{QByteArrayView(in)};
            r.s33();
            QVERIFY2(r.ok() && r.atEnd(), hex);
        }
        for (const char *hex : {"ffffffff1f", "ffffffff8f00", "80"}) {
            const QByteArray in = QByteArray::fromHex(hex);
            WasmReader r{QByteArrayView(in)};
            r.s33();
            QVERIFY2(!r.ok(), hex);
        }
    }

    void countsLargerThanTheData() {
        const QByteArray in = QByteArray::fromHex("05aabbcc");  // 5 items, 3 bytes
        WasmReader r{QByteArrayView(in)};
        QCOMPARE(r.count(), 0u);
        QVERIFY(QByteArray(r.error()).contains("count"));
        const QByteArray four = QByteArray::fromHex("02aabbccddeeff00");  // 2 items of >= 4 bytes: 7 bytes fit 1
        WasmReader fits{QByteArrayView(four)};
        QCOMPARE(fits.count(3), 2u);
        WasmReader tooMany{QByteArrayView(four)};
        QCOMPARE(tooMany.count(4), 0u);
        QVERIFY(!tooMany.ok());
        // The largest count: no overflow in count * size.
        const QByteArray huge = QByteArray::fromHex("ffffffff0f00");
        WasmReader h{QByteArrayView(huge)};
        QCOMPARE(h.count(qsizetype(1) << 40), 0u);
        QVERIFY(!h.ok());
    }

    void namesAndBytes() {
        const QByteArray in = QByteArray::fromHex("03616263" "05616263");  // "abc", then 5 of 3 bytes
        WasmReader r{QByteArrayView(in)};
        QCOMPARE(r.name().toByteArray(), QByteArray("abc"));
        QVERIFY(r.ok());
        QVERIFY(r.name().isEmpty());
        QVERIFY(!r.ok());
        WasmReader n{QByteArrayView(in)};
        QVERIFY(n.bytes(-1).isEmpty());
        QVERIFY(!n.ok());
        const QByteArray big = QByteArray::fromHex("ffffffff0f");  // a 4 GiB name
        WasmReader b{QByteArrayView(big)};
        QVERIFY(b.name().isEmpty());
        QVERIFY(!b.ok());
    }

    void sectionsRefused_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("why");
        QTest::newRow("empty") << QByteArray() << "magic";
        QTest::newRow("magic only") << kHeader.left(4) << "magic";
        QTest::newRow("version 2") << QByteArray::fromHex("0061736d02000000") << "version";
        QTest::newRow("id without size") << module("01") << "unexpected end";
        QTest::newRow("size truncated") << module("0180") << "unexpected end";
        QTest::newRow("size oversized LEB") << module("01ffffffffff0f") << "longer than 5 bytes";
        QTest::newRow("size over 32 bits") << module("01ffffffff7f") << "32 bits";
        QTest::newRow("size past the end") << module("010a600000") << "runs past the end";
        QTest::newRow("size 4 GiB") << module("01ffffffff0f00") << "runs past the end";
        QTest::newRow("unknown id") << module("0e00") << "unknown section id 14";
        QTest::newRow("repeated") << module("0100" "0100") << "out of order or repeated";
        QTest::newRow("out of order") << module("0300" "0100") << "out of order or repeated";
    }
    void sectionsRefused() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, why);
        auto r = WasmBinary::parse(bytes);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::CompilationError);
        QVERIFY2(errorOf(r).contains(why), qPrintable(errorOf(r)));
    }

    void sectionList() {
        // type, custom "n" (anywhere), tag between memory and global, custom at the end.
        const QByteArray bytes = module("010401600000" "00020161" "0300" "0500" "0d00" "0600" "00020162");
        auto r = WasmBinary::parse(bytes);
        QVERIFY2(r, qPrintable(errorOf(r)));
        QCOMPARE(r->sections().size(), size_t(7));
        const WasmSection &t = r->sections()[0];
        QCOMPARE(t.id, uint8_t(1));
        QCOMPARE(t.start, qsizetype(8));
        QCOMPARE(t.payload, qsizetype(10));
        QCOMPARE(t.end, qsizetype(14));
        QCOMPARE(r->payload(t).toByteArray(), QByteArray::fromHex("01600000"));
        QCOMPARE(r->whole(r->sections()[1]).toByteArray(), QByteArray::fromHex("00020161"));
        QVERIFY(r->find(WasmSectionId::Tag));
        QVERIFY(!r->find(WasmSectionId::Import));
    }

    void shapeCountsLargerThanTheData_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("types") << module("0105ffffffff0f");
        QTest::newRow("params") << module("010401 60 ff 0f");
        QTest::newRow("imports") << module("0205ffffffff0f");
        QTest::newRow("functions") << module("030302ff0f");
        QTest::newRow("memories") << module("0502" "0900");
        QTest::newRow("exports") << module("0705ffffffff0f");
        QTest::newRow("name past the section") << module("0704" "01" "0a6d65");
        QTest::newRow("left over") << module("0504" "01" "000100");
    }
    void shapeCountsLargerThanTheData() {
        QFETCH(QByteArray, bytes);
        auto s = ModuleShape::read(bytes);
        QVERIFY(!s);
        QCOMPARE(s.error().code, ErrorCode::CompilationError);
        QVERIFY2(s.error().message.startsWith("malformed module"), qPrintable(errorOf(s)));
    }

    void rewritesRefuseHostileCounts() {
        // A memory section of one memory but an import count of 2^32-1: the
        // old reader wrapped count + 1 to 0.
        const QByteArray bytes = module("0205ffffffff0f" "0503010001");
        QVERIFY(!importMemory(bytes));
        QVERIFY(!addMethodDispatch(module("0105ffffffff0f"), {}, 0));
        QVERIFY(!addMethodDispatch(module("0a05ffffffff0f"), {}, 0));
        QVERIFY(!importMemory(module("0503020001")));  // two memories
        QVERIFY(!importMemory(module("050401000100")));  // bytes after the limits
        QVERIFY(!importMemory(module("0100")));          // no memory
    }

    void builtModules_data() {
        QTest::addColumn<QByteArray>("bytes");
        for (const char *name : kModules) QTest::newRow(name) << loadWasm(name);
    }
    void builtModules() {
        QFETCH(QByteArray, bytes);
        QVERIFY2(!bytes.isEmpty(), "test module not built");
        auto binary = WasmBinary::parse(bytes);
        QVERIFY2(binary, qPrintable(errorOf(binary)));
        QVERIFY(binary->find(WasmSectionId::Memory));
        qsizetype covered = 8;
        for (const WasmSection &s : binary->sections()) {
            QCOMPARE(s.start, covered);
            covered = s.end;
        }
        QCOMPARE(covered, bytes.size());

        auto shape = ModuleShape::read(bytes);
        QVERIFY2(shape, qPrintable(errorOf(shape)));
        QCOMPARE(shape->memories.size(), size_t(1));

        // The memory becomes the last import, with the same limits.
        auto imported = importMemory(bytes);
        QVERIFY2(imported, qPrintable(errorOf(imported)));
        auto after = ModuleShape::read(*imported);
        QVERIFY2(after, qPrintable(errorOf(after)));
        QCOMPARE(after->imports.size(), shape->imports.size() + 1);
        const auto &im = after->imports.back();
        QCOMPARE(im.module, QByteArray(kMemoryImportModule));
        QCOMPARE(im.name, QByteArray(kMemoryImportName));
        QVERIFY(im.kind == WasmExternKind::Memory);
        QCOMPARE(after->memories.size(), size_t(1));
        QVERIFY(after->memories[0].imported);
        QCOMPARE(after->memories[0].minPages, shape->memories[0].minPages);
        QVERIFY(after->memories[0].maxPages == shape->memories[0].maxPages);
        QVERIFY(!WasmBinary::parse(*imported)->find(WasmSectionId::Memory));

        // The dispatcher is one more type and function, and the only export.
        const uint32_t functions = uint32_t(after->functionTypes.size());
        auto dispatched = addMethodDispatch(*imported, {0}, functions);
        QVERIFY2(dispatched, qPrintable(errorOf(dispatched)));
        auto last = ModuleShape::read(*dispatched);
        QVERIFY2(last, qPrintable(errorOf(last)));
        QCOMPARE(last->types.size(), after->types.size() + 1);
        QCOMPARE(last->types.back().params, QByteArray("\x7f"));
        QVERIFY(last->types.back().results.isEmpty());
        QCOMPARE(last->functionTypes.size(), size_t(functions) + 1);
        QCOMPARE(last->exports.size(), size_t(1));
        QCOMPARE(last->exports[0].name, QByteArray(kDispatchExport));
        QCOMPARE(last->exports[0].index, functions);
    }

    // Every prefix and every single-byte corruption of real modules: each
    // reader refuses or accepts, and never reads out of bounds (ASan/UBSan).
    void truncationsAndCorruptions() {
        int refusedPrefixes = 0;
        for (const char *name : {"many_methods", "abi_all"}) {
            const QByteArray bytes = loadWasm(name);
            QVERIFY2(!bytes.isEmpty(), name);
            for (qsizetype n = 0; n < bytes.size(); ++n) {
                // Detached copies: a read past `n` is a read past the allocation.
                const QByteArray prefix(bytes.constData(), n);
                readAll(prefix);
                refusedPrefixes += !WasmBinary::parse(prefix);
            }
            for (qsizetype i = 8; i < bytes.size(); ++i)
                for (uint8_t v : {uint8_t(0x00), uint8_t(0x7f), uint8_t(0x80), uint8_t(0xff)}) {
                    QByteArray corrupt(bytes.constData(), bytes.size());
                    corrupt[i] = char(v);
                    readAll(corrupt);
                }
        }
        QVERIFY(refusedPrefixes > 0);
    }
};

QTEST_GUILESS_MAIN(TestWasmBinary)
#include "tst_wasm_binary.moc"
