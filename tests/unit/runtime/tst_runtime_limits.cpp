// Failure paths of the runtime: module validation, traps, panics, timeouts,
// memory growth, limits, out-of-bounds host access, missing methods. In every
// case the call fails with the right kind and nothing of it is committed.
#include "RuntimeFixture.h"
#include <QElapsedTimer>
#include <future>

using namespace dn;
using namespace abi;

class TestRuntimeLimits : public QObject {
    Q_OBJECT
    std::unique_ptr<ExecutorPool> pool;
    std::shared_ptr<const WasmApp> abiApp;

    CallOutcome run(const Script &s, StorageView *storage = nullptr, int worker = 0) {
        return pool->callAndWait(worker, *abiApp, makeInput("run", s.b, storage));
    }
    CallOutcome call(const WasmApp &app, const QByteArray &method, int worker = 0) {
        return pool->callAndWait(worker, app, makeInput(method, {}));
    }

private slots:
    void initTestCase() {
        RuntimeLimits limits;
        limits.timeout = std::chrono::milliseconds(200);
        pool = std::make_unique<ExecutorPool>(2, limits);
        COMPILE_OR_FAIL(a, *pool, "abi_all");
        abiApp = a;
    }

    // ---- compile-time refusals ----

    void refusedModules_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("unknown import") << loadWasm("unknown_import") << "link_error" << "env.fetch";
        QTest::newRow("no memory export") << loadWasm("no_memory") << "link_error" << "memory";
        QTest::newRow("wrong import signature") << loadWasm("bad_signature") << "link_error" << "env.storage_read";
        QTest::newRow("imported memory") << loadWasm("imported_memory") << "link_error" << "env.memory";
        QTest::newRow("memory minimum over cap") << loadWasm("huge_memory") << "limit_exceeded" << "2000 pages";
        QTest::newRow("garbage") << QByteArray("this is not wasm at all") << "compilation_error" << "magic";
        QTest::newRow("empty") << QByteArray() << "compilation_error" << "magic";
        QTest::newRow("truncated") << loadWasm("abi_all").left(200) << "compilation_error" << "malformed";
        QTest::newRow("too large") << QByteArray((20 << 20) + 1, '\0') << "limit_exceeded" << "limit";
        // Sections our reader accepts but whose code V8 rejects: a () -> ()
        // function body `i32.add end` pops from an empty stack.
        const QByteArray invalidCode = QByteArray::fromHex(
            "0061736d01000000"            // magic, version
            "010401600000"                // type section: () -> ()
            "03020100"                    // function section: f0 : type 0
            "0503010001"                  // memory section: min 1
            "070f02066d656d6f727902000167" "0000"  // exports: memory, "g"
            "0a0601040000" "6a0b");       // code: one body, no locals, i32.add end
        QTest::newRow("invalid code") << invalidCode << "compilation_error" << "";
    }
    void refusedModules() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, code);
        QFETCH(QString, mentions);
        auto r = pool->compile(bytes);
        QVERIFY(!r.ok());
        QCOMPARE(QString(r.error().wire()), code);
        QVERIFY2(r.error().message.contains(mentions), qPrintable(r.error().message));
    }

    // ---- traps and panics ----

    void trapDiscardsEverything() {
        COMPILE_OR_FAIL(app, *pool, "trap_after_write");
        FakeStorage st;
        CallOutcome out = pool->callAndWait(0, *app, makeInput("write_then_trap", {}, &st));
        EXPECT_ERROR(out, CallErrorKind::Trap);
        QVERIFY2(out.error->message.contains("unreachable"), qPrintable(out.error->message));
        QVERIFY(out.actions.empty());
        QVERIFY(out.events.empty());
        QCOMPARE(out.logs, QStringList({"k"}));  // logs survive, for debugging
        QVERIFY(st.values.empty());
        out = pool->callAndWait(0, *app, makeInput("write_ok", {}, &st));  // the same code without the trap
        QVERIFY2(out.ok(), qPrintable(describe(out)));
        QVERIFY(out.actions == std::vector<Action>{Action::put("k", "v")});
    }

    void panicMessage() {
        COMPILE_OR_FAIL(app, *pool, "panic");
        const CallOutcome out = call(*app, "boom");
        EXPECT_ERROR(out, CallErrorKind::Trap);
        QCOMPARE(out.error->message, QStringLiteral("panicked at app.c:12:7: boom"));
    }

    void stackOverflowTraps() {
        COMPILE_OR_FAIL(app, *pool, "loop_forever");
        EXPECT_ERROR(call(*app, "recurse"), CallErrorKind::Trap);
        QVERIFY(call(*app, "ok").ok());
    }

    // ---- watchdog ----

    void infiniteLoopTimesOutAndWorkerRecovers() {
        COMPILE_OR_FAIL(app, *pool, "loop_forever");
        for (int worker = 0; worker < pool->workerCount(); ++worker) {
            QElapsedTimer t;
            t.start();
            CallOutcome out = call(*app, "spin", worker);
            EXPECT_ERROR(out, CallErrorKind::Timeout);
            QVERIFY2(t.elapsed() >= 150 && t.elapsed() < 2000, qPrintable(QString::number(t.elapsed())));
            out = call(*app, "ok", worker);  // the same isolate runs the next call normally
            QVERIFY2(out.ok(), qPrintable(describe(out)));
            QCOMPARE(out.returnValue, QByteArray("ok"));
        }
    }

    void timeoutDiscardsWrites() {
        Script s;
        s.buf(0x100, 0x1000, "k").buf(0x110, 0x1010, "v").op(StorageWrite, {0x100, 0x110, 1}).op(Spin);
        const CallOutcome out = run(s);
        EXPECT_ERROR(out, CallErrorKind::Timeout);
        QVERIFY(out.actions.empty());
    }

    void concurrentTimeoutsOnAllWorkers() {
        COMPILE_OR_FAIL(app, *pool, "loop_forever");
        std::vector<std::future<CallOutcome>> results;
        QElapsedTimer t;
        t.start();
        for (int w = 0; w < pool->workerCount(); ++w)
            results.push_back(std::async(std::launch::async, [&, w] { return call(*app, "spin", w); }));
        for (auto &f : results) {
            const CallOutcome out = f.get();
            EXPECT_ERROR(out, CallErrorKind::Timeout);
        }
        QVERIFY2(t.elapsed() < 2000, qPrintable(QString::number(t.elapsed())));
    }

    // ---- memory ----

    void memoryGrowthStopsAtCap() {
        COMPILE_OR_FAIL(app, *pool, "grow_memory");
        CallOutcome out = call(*app, "grow");
        QVERIFY2(out.ok(), qPrintable(describe(out)));
        QCOMPARE(out.returnValue, u64(1024));  // 64 MiB, then memory.grow returned -1
        out = call(*app, "grow_then_trap");
        EXPECT_ERROR(out, CallErrorKind::Trap);
        QVERIFY(call(*app, "grow").ok());  // and the worker is fine afterwards
    }

    void outOfBoundsAccessTraps_data() {
        QTest::addColumn<QByteArray>("script");
        Script descOutside, dataOutside, overflow;
        descOutside.op(LogUtf8, {0x40000});                            // descriptor past the 4-page memory
        dataOutside.desc(0x100, 0x3FFFF, 2).op(LogUtf8, {0x100});      // data straddles the end
        overflow.desc(0x100, UINT64_MAX - 3, 8).op(StorageRead, {0x100, 1});  // ptr + len wraps around
        QTest::newRow("descriptor") << descOutside.b;
        QTest::newRow("data") << dataOutside.b;
        QTest::newRow("overflow") << overflow.b;
        // read_register checks the length first (mismatch → 0), so give it the right one.
        Script rr;
        rr.op(ContextId, {1}).desc(0x100, 0x3FFF0, 32).op(ReadRegister, {1, 0x100});
        QTest::newRow("read_register destination") << rr.b;
    }
    void outOfBoundsAccessTraps() {
        QFETCH(QByteArray, script);
        const CallOutcome out = run(Script{script});
        EXPECT_ERROR(out, CallErrorKind::Trap);
        QVERIFY2(out.error->message.contains("out of bounds"), qPrintable(out.error->message));
    }

    // ---- limits ----

    void limitsExceeded_data() {
        QTest::addColumn<QByteArray>("script");
        QTest::addColumn<QString>("mentions");
        Script longLine;
        longLine.op(Fill, {0x1000, (16 << 10) + 1, 'a'}).desc(0x100, 0x1000, (16 << 10) + 1).op(LogUtf8, {0x100});
        QTest::newRow("log line > 16 KiB") << longLine.b << "log line";
        Script manyLines;
        manyLines.buf(0x100, 0x1000, "x");
        for (int i = 0; i < 1025; ++i) manyLines.op(LogUtf8, {0x100});
        QTest::newRow("1025 log lines") << manyLines.b << "log lines";
        Script manyEvents;
        manyEvents.buf(0x100, 0x1000, "E").buf(0x110, 0x1010, "d");
        for (int i = 0; i < 101; ++i) manyEvents.op(Emit, {0x100});
        QTest::newRow("101 events") << manyEvents.b << "events";
        Script longKind;
        longKind.desc(0x100, 0x1000, 101).desc(0x110, 0x1000, 1).op(Emit, {0x100});
        QTest::newRow("event kind > 100 B") << longKind.b << "event kind";
        Script bigData;
        bigData.desc(0x100, 0x1000, 1).desc(0x110, 0x1000, (16 << 10) + 1).op(Emit, {0x100});
        QTest::newRow("event data > 16 KiB") << bigData.b << "event data";
        Script longHandler;
        longHandler.desc(0x100, 0x1000, 1).desc(0x110, 0x1000, 1).desc(0x200, 0x1000, 257);
        longHandler.op(EmitWithHandler, {0x100, 0x200});
        QTest::newRow("handler name > 256 B") << longHandler.b << "handler";
        Script bigKey;
        bigKey.desc(0x100, 0x1000, (1 << 20) + 1).buf(0x110, 0x1010, "v").op(StorageWrite, {0x100, 0x110, 1});
        QTest::newRow("key > 1 MiB") << bigKey.b << "storage key";
        Script bigValue;
        bigValue.buf(0x100, 0x1000, "k").desc(0x110, 0x1010, (10 << 20) + 1).op(StorageWrite, {0x100, 0x110, 1});
        QTest::newRow("value > 10 MiB") << bigValue.b << "storage value";
        Script bigReturn;
        bigReturn.poke(0x200, u64(0) + u64(0x1000) + u64((16 << 20) + 1)).op(ValueReturn, {0x200});
        QTest::newRow("return > 16 MiB") << bigReturn.b << "return value";
        Script registers;
        for (uint64_t r = 1; r <= 100; ++r) registers.op(ContextId, {r});  // register 0 holds the script
        QTest::newRow("101 registers") << registers.b << "registers";
    }
    void limitsExceeded() {
        QFETCH(QByteArray, script);
        QFETCH(QString, mentions);
        Script s;  // a valid write first: it must be discarded with the rest
        s.buf(0x180, 0x1F00, "w").op(StorageWrite, {0x180, 0x180, 1});
        s.b += script;
        const CallOutcome out = run(s);
        EXPECT_ERROR(out, CallErrorKind::LimitExceeded);
        QVERIFY2(out.error->message.contains(mentions), qPrintable(out.error->message));
        QVERIFY(out.actions.empty() && out.events.empty());
    }

    void valuesAtTheLimitsPass() {
        Script s;
        s.op(Grow, {40});  // room for a 1 MiB key at 0x100000
        s.op(Fill, {0x100000, 1 << 20, 'k'}).desc(0x100, 0x100000, 1 << 20).buf(0x110, 0x1010, "v");
        s.op(StorageWrite, {0x100, 0x110, 1});
        s.op(Fill, {0x1000, 16 << 10, 'a'}).desc(0x120, 0x1000, 16 << 10).op(LogUtf8, {0x120});
        s.desc(0x130, 0x1000, 100).desc(0x140, 0x1000, 16 << 10).op(Emit, {0x130});
        const CallOutcome out = run(s);
        QVERIFY2(out.ok(), qPrintable(describe(out)));
        QCOMPARE(out.actions.size(), size_t(1));
        QCOMPARE(out.actions[0].key.size(), qsizetype(1 << 20));
        QCOMPARE(out.logs.first().size(), qsizetype(16 << 10));
        QCOMPARE(out.events.size(), size_t(1));
    }

    void writeCountLimit() {
        RuntimeLimits limits;
        limits.maxWrites = 10;
        ExecutorPool small(1, limits);
        auto app = small.compile(loadWasm("abi_all"));
        QVERIFY(app.ok());
        auto writes = [](int n) {
            Script s;
            s.buf(0x100, 0x1000, "c");
            for (int i = 0; i < n; ++i) s.op(CounterAdd, {0x100, 1});
            return s.b;
        };
        QVERIFY(small.callAndWait(0, **app, makeInput("run", writes(10))).ok());
        const CallOutcome out = small.callAndWait(0, **app, makeInput("run", writes(11)));
        EXPECT_ERROR(out, CallErrorKind::LimitExceeded);
    }

    // ---- method resolution ----

    void methodNotFound_data() {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<int>("kind");
        QTest::newRow("missing") << QByteArray("nope") << int(CallErrorKind::MethodNotFound);
        QTest::newRow("has parameters") << QByteArray("add") << int(CallErrorKind::MethodNotFound);
        QTest::newRow("has a result") << QByteArray("answer") << int(CallErrorKind::MethodNotFound);
        QTest::newRow("memory is not a method") << QByteArray("memory") << int(CallErrorKind::MethodNotFound);
        QTest::newRow("name > 256 B") << QByteArray(257, 'm') << int(CallErrorKind::LimitExceeded);
    }
    void methodNotFound() {
        QFETCH(QByteArray, method);
        QFETCH(int, kind);
        const CallOutcome out = call(*abiApp, method);
        EXPECT_ERROR(out, CallErrorKind(kind));
        QVERIFY(call(*abiApp, "noop").ok());
    }
};

QTEST_GUILESS_MAIN(TestRuntimeLimits)
#include "tst_runtime_limits.moc"
