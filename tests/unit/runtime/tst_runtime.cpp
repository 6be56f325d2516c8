// The host ABI (ARCHITECTURE §7 + storage_scan): every host function, driven through
// tests/wasm/abi_all.wat scripts on a real ExecutorPool, with checked results.
#include "RuntimeFixture.h"

using namespace dn;
using namespace abi;

class TestRuntime : public QObject {
    Q_OBJECT
    std::unique_ptr<ExecutorPool> pool;
    std::shared_ptr<const WasmApp> app;

    CallOutcome run(const Script &s, StorageView *storage = nullptr, int worker = 0) {
        return pool->callAndWait(worker, *app, makeInput("run", s.b, storage));
    }
    static Out outOf(const CallOutcome &o) { return Out{o.returnValue}; }

private slots:
    void initTestCase() {
        pool = std::make_unique<ExecutorPool>(2);
        COMPILE_OR_FAIL(a, *pool, "abi_all");
        app = a;
    }

    void appInfo() {
        const AppInfo &info = app->info();
        const QByteArray bytes = loadWasm("abi_all");
        QCOMPARE(info.size, size_t(bytes.size()));
        QCOMPARE(info.id.toHex(), QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()));
        QCOMPARE(info.methods, QStringList({"run", "noop"}));  // add/answer are not () -> ()
        QVERIFY(!info.hasInit);
    }

    void registersAndInput() {
        Script s;
        s.op(Input, {5}).op(RegisterLen, {5}).op(RegisterLen, {99});
        s.desc(0x100, 0x1000, 3).op(ReadRegister, {5, 0x100});  // wrong length → 0
        s.op(AppendReg, {5}).op(ReturnOut);
        const CallOutcome out = run(s);
        QVERIFY2(out.ok(), qPrintable(describe(out)));
        Out o = outOf(out);
        QCOMPARE(o.u64(), uint64_t(s.b.size()));  // register_len of the input
        QCOMPARE(o.u64(), UINT64_MAX);            // absent register
        QCOMPARE(o.u64(), uint64_t(0));           // read_register length mismatch
        QCOMPARE(o.reg(), s.b);                   // read_register copied the whole input
        QVERIFY(o.atEnd());
        QVERIFY(out.actions.empty() && out.events.empty() && out.logs.isEmpty());
        QVERIFY(out.elapsedUs > 0);
    }

    void readMissingRegisterIsHostError() {
        Script s;
        s.desc(0x100, 0x1000, 0).op(ReadRegister, {42, 0x100});
        EXPECT_ERROR(run(s), CallErrorKind::HostError);
    }

    void valueReturnOkAndErr() {
        Script ok;
        ok.poke(0x1000, "hello").op(RetMem, {0x1000, 5});
        CallOutcome out = run(ok);
        QVERIFY2(out.ok(), qPrintable(describe(out)));
        QCOMPARE(out.returnValue, QByteArray("hello"));

        FakeStorage st;
        Script err;  // a write, then value_return(tag 1): AppError, nothing committed
        err.buf(0x100, 0x1000, "k").buf(0x110, 0x1010, "v").op(StorageWrite, {0x100, 0x110, 1});
        err.poke(0x200, u64(1) + u64(0x1100) + u64(9)).poke(0x1100, "bad input").op(ValueReturn, {0x200});
        out = run(err, &st);
        EXPECT_ERROR(out, CallErrorKind::AppError);
        QCOMPARE(out.error->message, QStringLiteral("bad input"));
        QCOMPARE(out.returnValue, QByteArray("bad input"));
        QVERIFY(out.actions.empty());

        Script errThenOk;  // the last value_return wins
        errThenOk.poke(0x200, u64(1) + u64(0x1100) + u64(1)).op(ValueReturn, {0x200}).op(RetMem, {0x1000, 0});
        out = run(errThenOk);
        QVERIFY2(out.ok(), qPrintable(describe(out)));
        QCOMPARE(out.returnValue, QByteArray());

        Script badTag;
        badTag.poke(0x200, u64(7) + u64(0x1100) + u64(1)).op(ValueReturn, {0x200});
        EXPECT_ERROR(run(badTag), CallErrorKind::HostError);
    }

    void logs() {
        const QByteArray utf8 = QStringLiteral("h\u00e9llo \u2713 \U0001F600").toUtf8();
        Script s;
        s.buf(0x100, 0x1000, "first").op(LogUtf8, {0x100}).buf(0x110, 0x1100, utf8).op(LogUtf8, {0x110});
        s.buf(0x120, 0x1200, "").op(LogUtf8, {0x120});
        const CallOutcome out = run(s);
        QVERIFY2(out.ok(), qPrintable(describe(out)));
        QCOMPARE(out.logs, QStringList({"first", QString::fromUtf8(utf8), ""}));
    }

    void badUtf8LogTraps_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("lone continuation") << QByteArray("a\x80z");
        QTest::newRow("truncated") << QByteArray("\xe2\x9c");
        QTest::newRow("overlong") << QByteArray("\xc0\xaf");
        QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80");
    }
    void badUtf8LogTraps() {
        QFETCH(QByteArray, bytes);
        Script s;
        s.buf(0x100, 0x1000, bytes).op(LogUtf8, {0x100});
        const CallOutcome out = run(s);
        EXPECT_ERROR(out, CallErrorKind::Trap);
        QVERIFY2(out.error->message.contains("UTF-8"), qPrintable(out.error->message));
    }

    void events() {
        Script s;
        s.buf(0x100, 0x1000, "Inserted").buf(0x110, 0x1100, "{\"k\":1}").op(Emit, {0x100});
        s.buf(0x200, 0x1200, "Posted").buf(0x210, 0x1300, "msg").buf(0x300, 0x1400, "on_post");
        s.op(EmitWithHandler, {0x200, 0x300});
        s.desc(0x400, 0x1000, 0).desc(0x410, 0x1000, 0).op(Emit, {0x400});  // empty kind and data
        const CallOutcome out = run(s);
        QVERIFY2(out.ok(), qPrintable(describe(out)));
        QCOMPARE(out.events.size(), size_t(3));
        QCOMPARE(out.events[0], (Event{"Inserted", "{\"k\":1}", {}}));
        QCOMPARE(out.events[1], (Event{"Posted", "msg", "on_post"}));
        QCOMPARE(out.events[2], (Event{{}, {}, {}}));
    }

    void storageReadWriteRemoveWithOverlay() {
        FakeStorage st;
        st.values["a"] = "old";
        Script s;
        s.buf(0x100, 0x1000, "a").buf(0x110, 0x1010, "new").buf(0x120, 0x1020, "b").buf(0x130, 0x1030, "1");
        s.op(StorageRead, {0x100, 1});           // 1, reg1 = old
        s.op(StorageWrite, {0x100, 0x110, 2});   // 1, reg2 = old
        s.op(StorageRead, {0x100, 3});           // 1, reg3 = new (own write)
        s.op(StorageRemove, {0x100, 4});         // 1, reg4 = new
        s.op(StorageRead, {0x100, 5});           // 0, reg5 untouched
        s.op(StorageRemove, {0x100, 6});         // 0, no action
        s.op(StorageWrite, {0x120, 0x130, 7});   // 0 (new key), reg7 untouched
        s.op(StorageRead, {0x120, 8});           // 1, reg8 = 1
        for (uint64_t r : {1, 2, 3, 4, 5, 6, 7, 8}) s.op(AppendReg, {r});
        s.op(ReturnOut);
        const CallOutcome out = run(s, &st);
        QVERIFY2(out.ok(), qPrintable(describe(out)));
        Out o = outOf(out);
        for (uint64_t expected : {1, 1, 1, 1, 0, 0, 0, 1}) QCOMPARE(o.u64(), uint64_t(expected));
        for (const char *expected : {"old", "old", "new", "new", "<absent>", "<absent>", "<absent>", "1"})
            QCOMPARE(o.reg(), QByteArray(expected));
        QVERIFY(o.atEnd());
        const std::vector<Action> want{Action::put("a", "new"), Action::remove("a"), Action::put("b", "1")};
        QVERIFY(out.actions == want);
        QCOMPARE(st.values.size(), size_t(1));  // the runtime never writes the committed state
        QCOMPARE(st.values["a"], QByteArray("old"));
    }

    void counters() {
        FakeStorage st;
        st.counters["c"] = 5;
        Script s;
        s.buf(0x100, 0x1000, "c").buf(0x110, 0x1010, "unknown");
        s.op(CounterGet, {0x100, 1}).op(CounterAdd, {0x100, 3}).op(CounterAdd, {0x100, uint64_t(-10)});
        s.op(CounterGet, {0x100, 2}).op(CounterGet, {0x110, 3});
        s.op(AppendReg, {1}).op(AppendReg, {2}).op(AppendReg, {3}).op(ReturnOut);
        const CallOutcome out = run(s, &st);
        QVERIFY2(out.ok(), qPrintable(describe(out)));
        Out o = outOf(out);
        QCOMPARE(o.u64(), uint64_t(1));
        QCOMPARE(o.u64(), uint64_t(1));
        QCOMPARE(o.u64(), uint64_t(1));
        QCOMPARE(o.reg(), u64(5));
        QCOMPARE(o.reg(), u64(uint64_t(-2)));
        QCOMPARE(o.reg(), u64(0));
        QVERIFY(o.atEnd());
        const std::vector<Action> want{Action::counterAdd("c", 3), Action::counterAdd("c", -10)};
        QVERIFY(out.actions == want);
    }

    void scanMergesOverlayInKeyOrder() {
        FakeStorage st;
        st.values = {{"p/1", "a"}, {"p/2", "b"}, {"p/3", "c"}, {"q/1", "x"}, {QByteArray("\0members/x", 10), "secret"}};
        Script s;
        s.buf(0x100, 0x1000, "p/2").buf(0x110, 0x1010, "B").buf(0x120, 0x1020, "p/3");
        s.buf(0x130, 0x1030, "p/0").buf(0x140, 0x1040, "z").buf(0x150, 0x1050, "p/4").buf(0x160, 0x1060, "d");
        s.buf(0x170, 0x1070, "p/").desc(0x180, 0x1080, 0);
        s.op(StorageWrite, {0x100, 0x110, 9}).op(StorageRemove, {0x120, 9});
        s.op(StorageWrite, {0x130, 0x140, 9}).op(StorageWrite, {0x150, 0x160, 9});
        s.op(StorageScan, {0x170, 1}).op(StorageScan, {0x180, 2});
        s.op(AppendReg, {1}).op(AppendReg, {2}).op(ReturnOut);
        const CallOutcome out = run(s, &st);
        QVERIFY2(out.ok(), qPrintable(describe(out)));
        auto entry = [](const QByteArray &k, const QByteArray &v) { return u32(k.size()) + k + u32(v.size()) + v; };
        const QByteArray p = entry("p/0", "z") + entry("p/1", "a") + entry("p/2", "B") + entry("p/4", "d");
        Out o = outOf(out);
        for (int i = 0; i < 4; ++i) o.u64();  // storage_write/remove results
        QCOMPARE(o.u64(), uint64_t(4));                  // entries under p/
        QCOMPARE(o.u64(), uint64_t(5));                  // everything but the reserved key
        QCOMPARE(o.reg(), p);
        QCOMPARE(o.reg(), p + entry("q/1", "x"));
        QVERIFY(o.atEnd());
    }

    void scanStopsAtEntryCap() {
        FakeStorage st;
        for (int i = 0; i < 10050; ++i) st.values[QByteArray::number(100000 + i)] = "v";
        Script s;
        s.buf(0x100, 0x1000, "1").op(StorageScan, {0x100, 1}).op(RegisterLen, {1}).op(ReturnOut);
        const CallOutcome out = run(s, &st);
        QVERIFY2(out.ok(), qPrintable(describe(out)));
        Out o = outOf(out);
        QCOMPARE(o.u64(), uint64_t(10000));
        QCOMPARE(o.u64(), uint64_t(10000 * (4 + 6 + 4 + 1)));
    }

    void scanStopsAtByteCap() {
        RuntimeLimits limits;
        limits.maxScanBytes = 40;  // room for two 15-byte entries, not three
        ExecutorPool small(1, limits);
        auto compiled = small.compile(loadWasm("abi_all"));
        QVERIFY(compiled.ok());
        FakeStorage st;
        st.values = {{"k1", "value"}, {"k2", "value"}, {"k3", "value"}};
        Script s;
        s.buf(0x100, 0x1000, "k").op(StorageScan, {0x100, 1}).op(RegisterLen, {1}).op(ReturnOut);
        const CallOutcome out = small.callAndWait(0, **compiled, makeInput("run", s.b, &st));
        QVERIFY2(out.ok(), qPrintable(describe(out)));
        Out o = outOf(out);
        QCOMPARE(o.u64(), uint64_t(2));
        QCOMPARE(o.u64(), uint64_t(30));
    }

    void idsAndTime() {
        Script s;
        s.op(ContextId, {1}).op(ExecutorId, {2}).desc(0x100, 0x1000, 8).op(TimeNow, {0x100});
        s.op(AppendReg, {1}).op(AppendReg, {2}).op(AppendMem, {0x1000, 8}).op(ReturnOut);
        const CallOutcome out = run(s);
        QVERIFY2(out.ok(), qPrintable(describe(out)));
        Out o = outOf(out);
        QCOMPARE(o.reg(), filledHash(0xC1).toByteArray());
        QCOMPARE(o.reg(), filledHash(0xE7).toByteArray());
        QCOMPARE(o.bytes(8), u64(0x0123456789ABCDEFull));
        QVERIFY(o.atEnd());

        Script wrongLen;
        wrongLen.desc(0x100, 0x1000, 4).op(TimeNow, {0x100});
        EXPECT_ERROR(run(wrongLen), CallErrorKind::HostError);
    }

    void reservedKeysRefused_data() {
        QTest::addColumn<int>("op");
        QTest::newRow("storage_read") << int(StorageRead);
        QTest::newRow("storage_write") << int(StorageWrite);
        QTest::newRow("storage_remove") << int(StorageRemove);
        QTest::newRow("storage_scan") << int(StorageScan);
        QTest::newRow("counter_add") << int(CounterAdd);
        QTest::newRow("counter_get") << int(CounterGet);
    }
    void reservedKeysRefused() {
        QFETCH(int, op);
        FakeStorage st;
        st.values[QByteArray("\0members/x", 10)] = "secret";
        Script s;
        s.buf(0x100, 0x1000, "ok").buf(0x110, 0x1010, "v").op(StorageWrite, {0x100, 0x110, 1});
        s.buf(0x120, 0x1020, QByteArray("\0members/x", 10));
        const uint64_t second = op == StorageWrite ? 0x110 : 2;
        s.op(Op(op), {0x120, second, 3});
        const CallOutcome out = run(s, &st);
        EXPECT_ERROR(out, CallErrorKind::HostError);
        QVERIFY2(out.error->message.contains("reserved"), qPrintable(out.error->message));
        QVERIFY(out.actions.empty());  // the earlier, valid write is discarded too
    }

    // Every call sees a fresh memory: zeroed, data segments restored, initial size.
    void freshMemoryPerCall() {
        Script dirty;
        dirty.poke(0x1000, "leftover").poke(0x7000, "dirty!!!").op(ReturnOut);
        QVERIFY(run(dirty).ok());
        Script check;
        check.op(AppendMem, {0x1000, 8}).op(AppendMem, {0x7000, 8}).op(Grow, {0}).op(ReturnOut);
        CallOutcome out = run(check);
        QVERIFY2(out.ok(), qPrintable(describe(out)));
        Out o = outOf(out);
        QCOMPARE(o.bytes(8), QByteArray(8, '\0'));
        QCOMPARE(o.bytes(8), QByteArray("pristine"));
        const uint64_t initialPages = o.u64();  // memory.grow(0) = the current size

        Script grow;  // a call that grows memory, then traps
        grow.poke(0x1000, "leftover").op(Grow, {3}).op(Trap);
        EXPECT_ERROR(run(grow), CallErrorKind::Trap);
        out = run(check);
        QVERIFY2(out.ok(), qPrintable(describe(out)));
        o = outOf(out);
        QCOMPARE(o.bytes(8), QByteArray(8, '\0'));
        QCOMPARE(o.bytes(8), QByteArray("pristine"));
        QCOMPARE(o.u64(), initialPages);
    }

    // A module without imports; its own maximum (2 pages) is honoured.
    // Methods go through the dispatcher the compiler adds: every slot (past
    // the one-byte LEB range too) reaches its own method; start function,
    // table and globals behave as in the original module; exported functions
    // that are not methods are still refused as such.
    void methodDispatchReachesEveryMethod() {
        COMPILE_OR_FAIL(m, *pool, "many_methods");
        QCOMPARE(m->info().methods.size(), 72);  // m0..m69, started, indirect
        for (int k : {0, 1, 5, 62, 63, 64, 65, 69}) {
            const CallOutcome out = pool->callAndWait(0, *m, makeInput("m" + QByteArray::number(k), {}));
            QVERIFY2(out.ok(), qPrintable(describe(out)));
            QCOMPARE(out.returnValue, QByteArray(1, char(k + 1)));
        }
        const CallOutcome started = pool->callAndWait(0, *m, makeInput("started", {}));
        QVERIFY2(started.ok(), qPrintable(describe(started)));
        QCOMPARE(started.returnValue, QByteArray("S"));
        const CallOutcome indirect = pool->callAndWait(1, *m, makeInput("indirect", {}));
        QVERIFY2(indirect.ok(), qPrintable(describe(indirect)));
        QCOMPARE(indirect.returnValue, QByteArray(1, char(6)));
        const CallOutcome helper = pool->callAndWait(0, *m, makeInput("helper", {}));
        EXPECT_ERROR(helper, CallErrorKind::MethodNotFound);
        QVERIFY(helper.error->message.contains(QLatin1String("not a method")));
        EXPECT_ERROR(pool->callAndWait(0, *m, makeInput("m70", {})), CallErrorKind::MethodNotFound);
        EXPECT_ERROR(pool->callAndWait(0, *m, makeInput("calls", {})), CallErrorKind::MethodNotFound);
    }

    void moduleWithoutImports() {
        COMPILE_OR_FAIL(m, *pool, "no_imports");
        QVERIFY(pool->callAndWait(1, *m, makeInput("noop", {})).ok());
        for (int i = 0; i < 2; ++i) {
            const CallOutcome out = pool->callAndWait(1, *m, makeInput("grow_twice", {}));
            QVERIFY2(out.ok(), qPrintable(describe(out)));
        }
    }

    void bigMemoryIsZeroedToo() {
        COMPILE_OR_FAIL(big, *pool, "big_memory");
        for (int i = 0; i < 2; ++i) {
            QVERIFY(pool->callAndWait(0, *big, makeInput("dirty", {})).ok());
            const CallOutcome out = pool->callAndWait(0, *big, makeInput("check", {}));
            QVERIFY2(out.ok(), qPrintable(describe(out)));
            QCOMPARE(out.returnValue, QByteArray(16, '\0'));
        }
    }
};

QTEST_GUILESS_MAIN(TestRuntime)
#include "tst_runtime.moc"
