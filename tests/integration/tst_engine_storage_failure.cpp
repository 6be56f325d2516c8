// Fail-stop storage (ARCHITECTURE "Fail-stop storage"), through the real
// engine with a LevelDB Env that fails on command (FailingEnv.h):
//  1. transactions keep being acknowledged until the injected write error;
//     from then on every call answers storage_failed (nothing more is
//     acknowledged, even once the disk is healthy) and the engine reports
//     the failure to its listener once;
//  2. a read error is reported as an error, never as not-found: a delta
//     received again while its record cannot be read is not applied twice;
//  3. after the failure, the data directory reopened with a normal Env is
//     consistent: every acknowledged change present, heads and root agree.
#include "FailingEnv.h"
#include "TestUtil.h"
#include "context/Engine.h"
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <mutex>

using namespace dn;
using dn::test::FailingEnv;

namespace {

QByteArray setArgs(int i) { return QStringLiteral(R"({"key":"k%1","value":"v%1"})").arg(i).toUtf8(); }
QByteArray getArgs(int i) { return QStringLiteral(R"({"key":"k%1"})").arg(i).toUtf8(); }
QByteArray expected(int i) { return QStringLiteral(R"("v%1")").arg(i).toUtf8(); }

class FailureListener : public EngineListener {
public:
    void storageFailed(const Error &error) override {
        std::lock_guard lock(mutex_);
        if (count_++ == 0) first_ = error;
    }
    int count() const {
        std::lock_guard lock(mutex_);
        return count_;
    }
    Error first() const {
        std::lock_guard lock(mutex_);
        return first_;
    }

private:
    mutable std::mutex mutex_;
    int count_ = 0;
    Error first_;
};

Engine::Options options(const QString &dir, FailingEnv *env = nullptr) {
    Engine::Options o;
    o.dataDir = dir;
    o.workers = 2;
    if (env) {
        o.store.env = env;
        o.store.blockCacheBytes = 0;  // reads reach the Env
    }
    return o;
}

// A fresh data dir with the kv_store app and one context.
bool prepare(const QString &dir, Hash32 *ctx, FailingEnv *env = nullptr) {
    auto e = Engine::open(options(dir, env));
    if (!e) return false;
    auto app = (*e)->installApp(test::readWasm("kv_store"), "kv_store");
    if (!app) return false;
    auto c = (*e)->createContextSync(app->id, "fail-stop");
    if (!c) return false;
    *ctx = c->id;
    return true;
}

// Reopened with the real filesystem: `acked` all present, DAG consistent.
void checkConsistent(const QString &dir, const Hash32 &ctx, const QList<int> &acked) {
    auto e = Engine::open(options(dir));
    QVERIFY2(e, e ? "" : qPrintable(e.error().message));
    QVERIFY(!(*e)->storageFailure());
    for (int i : acked) {
        auto r = (*e)->executeSync(ctx, "get", getArgs(i));
        QVERIFY2(r, r ? "" : qPrintable(r.error().message));
        QCOMPARE(r->output, expected(i));
    }
    auto v = (*e)->verify(ctx);
    QVERIFY(v);
    QVERIFY2(v->ok, qPrintable(v->problem));
    QCOMPARE(v->storedRoot, v->computedRoot);
    QVERIFY(v->appliedDeltas >= uint64_t(acked.size()) + 1);
    // And it takes changes again.
    auto w = (*e)->executeSync(ctx, "set", setArgs(99999));
    QVERIFY2(w, w ? "" : qPrintable(w.error().message));
}

}  // namespace

class TestEngineStorageFailure : public QObject {
    Q_OBJECT
private slots:
    void nothingAcknowledgedAfterAWriteError();
    void readErrorIsNeverNotFound();
};

void TestEngineStorageFailure::nothingAcknowledgedAfterAWriteError() {
    QTemporaryDir dir;
    FailingEnv env;
    FailureListener listener;
    Hash32 ctx;
    QVERIFY(prepare(dir.path(), &ctx));
    QList<int> acked;
    {
        auto e = Engine::open(options(dir.path(), &env));
        QVERIFY2(e, e ? "" : qPrintable(e.error().message));
        Engine &engine = **e;
        engine.setListener(&listener);
        for (int i = 0; i < 10; ++i) {
            auto r = engine.executeSync(ctx, "set", setArgs(i));
            QVERIFY2(r, r ? "" : qPrintable(r.error().message));
            acked << i;
        }
        // Some more write operations succeed, then every one fails.
        env.failWritesAfter(9);
        bool failed = false;
        for (int i = 10; i < 60; ++i) {
            auto r = engine.executeSync(ctx, "set", setArgs(i));
            if (r) {
                QVERIFY2(!failed, "a transaction was acknowledged after the storage failed");
                acked << i;
                continue;
            }
            failed = true;
            QCOMPARE(r.error().code, ErrorCode::StorageFailed);
            QCOMPARE(r.error().wire(), QLatin1String("storage_failed"));
        }
        QVERIFY(failed);
        QVERIFY(acked.size() > 10);
        QTRY_COMPARE_WITH_TIMEOUT(listener.count(), 1, 10000);
        QCOMPARE(listener.first().code, ErrorCode::StorageFailed);
        QVERIFY2(listener.first().message.contains(QLatin1String("injected")), qPrintable(listener.first().message));
        QVERIFY(engine.storageFailure());

        // A healthy disk does not revive it: every kind of change is refused.
        env.heal();
        const int64_t failedOps = env.failedWrites();
        auto r = engine.executeSync(ctx, "set", setArgs(1000));
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::StorageFailed);
        auto app = engine.installApp(test::readWasm("kv_store"), "again");
        QVERIFY(!app);
        QCOMPARE(app.error().code, ErrorCode::StorageFailed);
        auto apps = engine.apps();
        QVERIFY(!apps.empty());
        auto c = engine.createContextSync(apps.front().id, "refused");
        QVERIFY(!c);
        QCOMPARE(c.error().code, ErrorCode::StorageFailed);
        auto inv = engine.issueInvite(ctx, 3600, 1);
        QVERIFY(!inv);
        QCOMPARE(inv.error().code, ErrorCode::StorageFailed);
        QCOMPARE(env.failedWrites(), failedOps);  // nothing more even reached LevelDB
        QCOMPARE(listener.count(), 1);            // reported once
    }
    checkConsistent(dir.path(), ctx, acked);
}

void TestEngineStorageFailure::readErrorIsNeverNotFound() {
    QTemporaryDir dir;
    Hash32 ctx;
    QVERIFY(prepare(dir.path(), &ctx));
    QList<int> acked;
    QByteArray genesisEnvelope;
    uint64_t appliedBefore = 0;
    {
        auto e = Engine::open(options(dir.path()));
        QVERIFY(e);
        for (int i = 0; i < 20; ++i) {
            QVERIFY((*e)->executeSync(ctx, "set", setArgs(i)));
            acked << i;
        }
        // The genesis: its only parent is the zero id, so nothing in memory
        // stops it from applying again if the store said "not stored".
        auto ds = (*e)->deltas(ctx, 1000);
        QVERIFY(ds);
        Hash32 genesis;
        for (const DeltaSummary &s : *ds)
            if (s.parents.size() == 1 && s.parents.front().isZero()) genesis = s.id;
        QVERIFY(!genesis.isZero());
        auto env = (*e)->envelopes(ctx, {genesis});
        QVERIFY(env && env->size() == 1);
        genesisEnvelope = env->front();
        auto v = (*e)->verify(ctx);
        QVERIFY(v && v->ok);
        appliedBefore = v->appliedDeltas;
    }
    FailingEnv env;
    FailureListener listener;
    {
        auto e = Engine::open(options(dir.path(), &env));
        QVERIFY2(e, e ? "" : qPrintable(e.error().message));
        Engine &engine = **e;
        engine.setListener(&listener);
        // Healthy, it is a duplicate.
        auto dup = engine.receiveSync(genesisEnvelope);
        QVERIFY2(dup, dup ? "" : qPrintable(dup.error().message));
        QCOMPARE(int(dup->status), int(ReceiveResult::Status::Duplicate));

        env.failReadsAfter(0);
        auto r = engine.receiveSync(genesisEnvelope);
        QVERIFY2(!r, r ? "the delta was accepted although its record could not be read" : "");
        QCOMPARE(r.error().code, ErrorCode::StorageFailed);
        QVERIFY2(r.error().message.contains(QLatin1String("injected")), qPrintable(r.error().message));
        QTRY_COMPARE_WITH_TIMEOUT(listener.count(), 1, 10000);
        QVERIFY(engine.storageFailure());

        env.heal();
        auto again = engine.receiveSync(genesisEnvelope);
        QVERIFY(!again);
        QCOMPARE(again.error().code, ErrorCode::StorageFailed);
        auto w = engine.executeSync(ctx, "set", setArgs(500));
        QVERIFY(!w);
        QCOMPARE(w.error().code, ErrorCode::StorageFailed);
    }
    checkConsistent(dir.path(), ctx, acked);
    // Applied once: the reopened DAG holds exactly what it held before
    // (plus the one write checkConsistent made).
    auto e = Engine::open(options(dir.path()));
    QVERIFY(e);
    auto v = (*e)->verify(ctx);
    QVERIFY(v && v->ok);
    QCOMPARE(v->appliedDeltas, appliedBefore + 1);
}

QTEST_GUILESS_MAIN(TestEngineStorageFailure)
#include "tst_engine_storage_failure.moc"
