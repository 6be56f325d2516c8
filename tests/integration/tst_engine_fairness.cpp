// The executor's fairness seen through the engine (ARCHITECTURE §3): app
// calls that loop until the watchdog stops them, in three contexts, leave a
// fourth context's read answering within 200 ms on a two-worker engine.
#include "TestUtil.h"
#include "context/Engine.h"
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>

using namespace dn;
using dn::test::readWasm;
using namespace std::chrono_literals;

class TestEngineFairness : public QObject {
    Q_OBJECT
private slots:
    void loopingContextsDoNotStarveOthers();
    void shutdownAnswersQueuedCalls();
};

// 40 calls that each run until the time limit, queued on one context of a
// one-worker engine: after beginShutdown() the ones not yet started answer
// `busy` at once, so the flush that ends a node waits for one call, not 40.
void TestEngineFairness::shutdownAnswersQueuedCalls() {
    QTemporaryDir dir;
    Engine::Options o;
    o.dataDir = dir.path();
    o.workers = 1;
    o.limits.timeout = 300ms;
    auto opened = Engine::open(o);
    QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
    std::unique_ptr<Engine> engine = std::move(*opened);
    auto app = engine->installApp(readWasm(QStringLiteral("loop_forever")), QStringLiteral("loop"));
    QVERIFY2(app, app ? "" : qPrintable(app.error().message));
    auto c = engine->createContextSync(app->id, QStringLiteral("c"), {});
    QVERIFY2(c, c ? "" : qPrintable(c.error().message));
    std::mutex m;
    int shuttingDown = 0, timedOut = 0, other = 0;
    for (int i = 0; i < 40; ++i)
        engine->execute(c->id, "spin", {}, [&](Result<ExecuteResult> r) {
            std::lock_guard lock(m);
            if (!r && r.error().code == ErrorCode::Busy && r.error().message.contains(QLatin1String("shutting down"))) ++shuttingDown;
            else if (!r && r.error().code == ErrorCode::Timeout) ++timedOut;
            else ++other;
        });
    engine->beginShutdown();
    engine->flush();
    std::lock_guard lock(m);
    QCOMPARE(shuttingDown + timedOut + other, 40);
    QCOMPARE(other, 0);
    QVERIFY2(timedOut <= 2, qPrintable(QString::number(timedOut)));  // the one running, maybe one more
    // New calls are refused the same way, before anything is queued.
    auto late = engine->executeSync(c->id, "ok", {});
    QVERIFY(!late);
    QCOMPARE(late.error().code, ErrorCode::Busy);
}

void TestEngineFairness::loopingContextsDoNotStarveOthers() {
    QTemporaryDir dir;
    Engine::Options o;
    o.dataDir = dir.path();
    o.workers = 2;
    o.limits.timeout = 300ms;  // each `spin` call runs this long
    auto opened = Engine::open(o);
    QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
    std::unique_ptr<Engine> engine = std::move(*opened);
    auto app = engine->installApp(readWasm(QStringLiteral("loop_forever")), QStringLiteral("loop"));
    QVERIFY2(app, app ? "" : qPrintable(app.error().message));
    std::vector<Hash32> ctx;
    for (int i = 0; i < 4; ++i) {
        auto c = engine->createContextSync(app->id, QStringLiteral("c%1").arg(i), {});
        QVERIFY2(c, c ? "" : qPrintable(c.error().message));
        ctx.push_back(c->id);
    }

    // Three contexts call `spin` again as soon as the last call timed out.
    std::mutex m;
    std::condition_variable cv;
    int timeouts = 0, inFlight = 0, unexpected = 0;
    bool stop = false;
    std::function<void(const Hash32 &)> spin = [&](const Hash32 &id) {
        {
            std::lock_guard lock(m);
            ++inFlight;
        }
        engine->execute(id, "spin", {}, [&, id](Result<ExecuteResult> r) {
            bool again;
            {
                std::lock_guard lock(m);
                --inFlight;
                if (!r && r.error().code == ErrorCode::Timeout) ++timeouts;
                else ++unexpected;
                again = !stop;
            }
            cv.notify_all();
            if (again) spin(id);
        });
    };
    for (int i = 0; i < 3; ++i) spin(ctx[size_t(i)]);
    auto waitUntil = [&](auto pred, std::chrono::milliseconds deadline) {
        std::unique_lock lock(m);
        return cv.wait_for(lock, deadline, pred);
    };
    // The first wave fills both workers before anything is known to loop, and
    // a read then waits up to one time limit; after three timeouts each of
    // the three contexts has been seen running long.
    QVERIFY(waitUntil([&] { return timeouts >= 3; }, 10s));

    for (int round = 0; round < 5; ++round) {
        QElapsedTimer t;
        t.start();
        auto r = engine->executeSync(ctx[3], "ok", {});
        const qint64 ms = t.elapsed();
        QVERIFY2(r, r ? "" : qPrintable(r.error().message));
        QCOMPARE(r->output, QByteArray("ok"));
        qInfo("round %d: read answered in %lld ms", round, (long long)ms);
        QVERIFY2(ms < 200, qPrintable(QStringLiteral("round %1: %2 ms").arg(round).arg(ms)));
        int seen;
        {
            std::lock_guard lock(m);
            seen = timeouts;
        }
        QVERIFY(waitUntil([&] { return timeouts > seen; }, 5s));  // next round at another point of the cycle
    }
    {
        std::lock_guard lock(m);
        stop = true;
    }
    QVERIFY(waitUntil([&] { return inFlight == 0; }, 10s));
    QCOMPARE(unexpected, 0);
    engine.reset();
}

QTEST_GUILESS_MAIN(TestEngineFairness)
#include "tst_engine_fairness.moc"
