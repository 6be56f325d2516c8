// ExecutorPool behaviour: tasks pinned to a worker run FIFO there, concurrent use
// from many threads, draining on destruction, per-call overhead, and the
// sample kv_store app through the pool when it has been built.
#include "RuntimeFixture.h"
#include <QElapsedTimer>
#include <algorithm>
#include <atomic>
#include <future>
#include <set>
#include <thread>

using namespace dn;
using namespace abi;

class TestExecutorPool : public QObject {
    Q_OBJECT
    std::unique_ptr<ExecutorPool> pool;

private slots:
    void initTestCase() { pool = std::make_unique<ExecutorPool>(2); }

    void tasksRunInOrderOnTheirWorker() {
        std::mutex m;
        std::vector<int> order;
        std::set<std::thread::id> threads;
        std::set<int> indexes;
        std::promise<void> done;
        for (int i = 0; i < 200; ++i)
            pool->post(1, [&, i](Worker &w) {
                std::lock_guard lock(m);
                order.push_back(i);
                indexes.insert(w.index());
                threads.insert(std::this_thread::get_id());
                if (i == 199) done.set_value();
            });
        QVERIFY(done.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready);
        std::lock_guard lock(m);
        QCOMPARE(order.size(), size_t(200));
        QVERIFY(std::is_sorted(order.begin(), order.end()));
        QCOMPARE(indexes, std::set<int>{1});
        QCOMPARE(threads.size(), size_t(1));
        QVERIFY(*threads.begin() != std::this_thread::get_id());
    }

    void callsFromManyThreads() {
        COMPILE_OR_FAIL(app, *pool, "abi_all");
        constexpr int kThreads = 8, kCalls = 40;
        std::atomic<int> good{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&, t] {
                for (int i = 0; i < kCalls; ++i) {
                    const QByteArray tag = QByteArray::number(t * 1000 + i);
                    Script s;
                    s.buf(0x100, 0x1000, tag).buf(0x110, 0x1100, "v" + tag).op(StorageWrite, {0x100, 0x110, 1});
                    s.poke(0x2000, tag).op(RetMem, {0x2000, uint64_t(tag.size())});
                    const CallOutcome out = pool->callAndWait((t + i) % 2, *app, makeInput("run", s.b));
                    if (out.ok() && out.returnValue == tag && out.actions.size() == 1 && out.actions[0].key == tag &&
                        out.actions[0].value == "v" + tag)
                        good.fetch_add(1);
                }
            });
        for (auto &th : threads) th.join();
        QCOMPARE(good.load(), kThreads * kCalls);
    }

    void compileAndPostFromInsideATask() {
        std::promise<QString> result;
        pool->post(1, [&](Worker &w) {
            auto app = pool->compile(loadWasm("trivial"));  // compiling on a worker thread is fine
            if (!app.ok()) return result.set_value(app.error().message);
            const CallOutcome direct = pool->callAndWait(1, **app, makeInput("noop", {}));  // own worker: direct
            pool->post(0, [&, a = *app](Worker &other) {
                const CallOutcome out = other.call(*a, makeInput("noop", {}));
                result.set_value(direct.ok() && out.ok() ? QStringLiteral("ok") : describe(out));
            });
        });
        auto f = result.get_future();
        QVERIFY(f.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
        QCOMPARE(f.get(), QStringLiteral("ok"));
    }

    void destructionDrainsQueues() {
        std::atomic<int> ran{0};
        {
            ExecutorPool local(2);
            auto app = local.compile(loadWasm("trivial"));
            QVERIFY(app.ok());
            for (int i = 0; i < 100; ++i)
                local.post(i % 2, [&ran, a = *app](Worker &w) {
                    if (w.call(*a, makeInput("noop", {})).ok()) ran.fetch_add(1);
                });
        }
        QCOMPARE(ran.load(), 100);
    }

    // Per-call overhead of the runtime for a trivial method (fresh instance,
    // watchdog, host bindings), measured on the worker so queueing is excluded.
    void perCallOverhead() {
        COMPILE_OR_FAIL(app, *pool, "trivial");
        FakeStorage st;
        auto measure = [&](const QByteArray &method, int n) {
            std::promise<std::vector<int64_t>> done;
            pool->post(0, [&](Worker &w) {
                std::vector<int64_t> us;
                us.reserve(size_t(n));
                for (int i = 0; i < n; ++i) {
                    const CallOutcome out = w.call(*app, makeInput(method, "{\"key\":\"k\"}", &st));
                    us.push_back(out.ok() ? out.elapsedUs : -1);
                }
                done.set_value(std::move(us));
            });
            std::vector<int64_t> us = done.get_future().get();
            std::sort(us.begin(), us.end());
            return us;
        };
        measure("noop", 500);  // warm up (module object cache, tier-up)
        for (const char *method : {"noop", "set"}) {
            const std::vector<int64_t> us = measure(method, 3000);
            QVERIFY2(us.front() >= 0, "a call failed");
            const int64_t median = us[us.size() / 2], p99 = us[us.size() * 99 / 100];
            qInfo("per-call overhead, %s: median %lld us, p99 %lld us (%zu calls)", method, (long long)median,
                  (long long)p99, us.size());
            // Generous bound: catches a regression to milliseconds per call
            // (e.g. JS compilation per call), not noise on a shared machine.
            QVERIFY2(median < 1000, qPrintable(QString::number(median)));
        }
    }

    // The sample app (resources/apps/kv_store.c) through the pool, if built.
    void kvStoreSmoke() {
        const QByteArray bytes = loadWasm("kv_store");
        if (bytes.isEmpty()) QSKIP("kv_store.wasm is not built");
        auto app = pool->compile(bytes);
        QVERIFY2(app.ok(), qPrintable(app.ok() ? QString() : app.error().message));
        FakeStorage st;
        const int w = 0;
        CallOutcome out = pool->callAndWait(w, **app, makeInput("set", R"({"key":"greeting","value":"hello"})", &st));
        QVERIFY2(out.ok(), qPrintable(describe(out)));
        QVERIFY(!out.actions.empty());
        for (const Action &a : out.actions)  // commit what the call produced, as the engine would
            if (a.kind == Action::Kind::Put) st.values[a.key] = a.value;
        out = pool->callAndWait(w, **app, makeInput("get", R"({"key":"greeting"})", &st));
        QVERIFY2(out.ok(), qPrintable(describe(out)));
        QVERIFY2(out.returnValue.contains("hello"), out.returnValue.constData());
        QVERIFY(out.actions.empty());
    }
};

QTEST_GUILESS_MAIN(TestExecutorPool)
#include "tst_executor_pool.moc"
