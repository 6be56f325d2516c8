// Fail-stop storage (ARCHITECTURE "Fail-stop storage"), at the store: a
// LevelDB Env that fails on command is injected, and
//  - writes keep succeeding until the injected error; from it on nothing is
//    acknowledged, even once the disk is healthy again, and the failure is
//    reported once;
//  - a read error is an error, never "not found";
//  - reopening with a normal Env finds every acknowledged batch.
#include "store/Store.h"
#include "../../integration/FailingEnv.h"

#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <mutex>

using namespace dn;
using dn::test::FailingEnv;

namespace {
QByteArray key(int n) { return "t/" + QByteArray::number(n).rightJustified(6, '0'); }
QByteArray value(int n) { return "value-" + QByteArray::number(n); }

Batch one(int n) {
    Batch b;
    b.put(key(n), value(n));
    return b;
}

struct Reports {
    std::mutex mutex;
    int count = 0;
    Error first;
    void add(const Error &e) {
        std::lock_guard lock(mutex);
        if (count++ == 0) first = e;
    }
};
}  // namespace

class TestStoreFailure : public QObject {
    Q_OBJECT
private slots:
    void writesStopAtTheFirstError();
    void readErrorIsNotNotFound();
    void healthyStoreReadsNotFound();
};

void TestStoreFailure::writesStopAtTheFirstError() {
    QTemporaryDir dir;
    FailingEnv env;
    QList<int> acked;
    int attempted = 0;
    Reports reports;
    {
        StoreOptions o;
        o.env = &env;
        auto s = Store::open(dir.path(), o);
        QVERIFY2(s, s ? "" : qPrintable(s.error().message));
        Store &store = **s;
        store.setFailureHandler([&reports](const Error &e) { reports.add(e); });
        for (int i = 0; i < 10; ++i, ++attempted) {
            QVERIFY(store.commitSync(one(i)));
            acked << i;
        }
        QVERIFY(!store.failed());
        // A few more write operations succeed, then every one fails.
        env.failWritesAfter(5);
        bool sawFailure = false;
        for (int i = 10; i < 60; ++i, ++attempted) {
            const bool ok = store.commitSync(one(i));
            if (ok) {
                QVERIFY2(!sawFailure, "a write was acknowledged after a failed one");
                acked << i;
            } else {
                sawFailure = true;
            }
        }
        QVERIFY(sawFailure);
        QVERIFY(acked.size() > 10);
        QVERIFY(store.failed());
        QVERIFY(store.failure());
        QCOMPARE(store.failure()->code, ErrorCode::StorageFailed);
        QVERIFY2(store.failure()->message.contains(QLatin1String("injected")), qPrintable(store.failure()->message));

        // The disk is fine again: the store stays failed and writes nothing.
        env.heal();
        const int64_t failedOps = env.failedWrites();
        std::atomic<int> refused{0};
        for (int i = 60; i < 70; ++i, ++attempted)
            store.commit(one(i), [&refused](bool ok) {
                if (!ok) ++refused;
            });
        store.flush();
        QCOMPARE(refused.load(), 10);
        QVERIFY(!store.commitSync(one(70)));
        ++attempted;
        QCOMPARE(env.failedWrites(), failedOps);
        {
            std::lock_guard lock(reports.mutex);
            QCOMPARE(reports.count, 1);
            QCOMPARE(reports.first.code, ErrorCode::StorageFailed);
        }
        // A handler set late hears of the failure at once.
        int late = 0;
        store.setFailureHandler([&late](const Error &) { ++late; });
        QCOMPARE(late, 1);
    }
    // Reopened with the real filesystem: everything acknowledged is there.
    auto s = Store::open(dir.path());
    QVERIFY2(s, s ? "" : qPrintable(s.error().message));
    for (int i : acked) {
        auto r = (*s)->read(key(i));
        QVERIFY(r);
        QVERIFY2(r->has_value(), qPrintable(QStringLiteral("acknowledged batch %1 lost").arg(i)));
        QCOMPARE(**r, value(i));
    }
    // Nothing refused after the failure reached the disk.
    for (int i = 60; i < attempted; ++i) QVERIFY(!(*s)->get(key(i)));
    QVERIFY((*s)->commitSync(one(1000)));
}

void TestStoreFailure::readErrorIsNotNotFound() {
    QTemporaryDir dir;
    {
        auto s = Store::open(dir.path());
        QVERIFY(s);
        for (int i = 0; i < 100; ++i) QVERIFY((*s)->commitSync(one(i)));
    }
    FailingEnv env;
    Reports reports;
    {
        StoreOptions o;
        o.env = &env;
        o.blockCacheBytes = 0;  // every read reaches the Env
        auto s = Store::open(dir.path(), o);
        QVERIFY2(s, s ? "" : qPrintable(s.error().message));
        Store &store = **s;
        store.setFailureHandler([&reports](const Error &e) { reports.add(e); });
        auto before = store.read(key(42));
        QVERIFY(before);
        QCOMPARE(before->value_or(QByteArray()), value(42));

        env.failReadsAfter(0);
        auto r = store.read(key(7));
        QVERIFY2(!r, "a failed read answered as a value or as not-found");
        QCOMPARE(r.error().code, ErrorCode::StorageFailed);
        QVERIFY(store.failed());
        {
            std::lock_guard lock(reports.mutex);
            QCOMPARE(reports.count, 1);
        }
        // After a read error nothing is written: a decision made on it must
        // not become durable.
        env.heal();
        QVERIFY(!store.commitSync(one(500)));
        // Later reads still work where the disk does, but the store stays failed.
        QVERIFY(store.failed());
    }
    auto s = Store::open(dir.path());
    QVERIFY(s);
    for (int i = 0; i < 100; ++i) QCOMPARE((*s)->get(key(i)).value_or(QByteArray()), value(i));
    QVERIFY(!(*s)->get(key(500)));
}

void TestStoreFailure::healthyStoreReadsNotFound() {
    // The other side of the rule: not-found is not an error.
    QTemporaryDir dir;
    auto s = Store::open(dir.path());
    QVERIFY(s);
    QVERIFY((*s)->commitSync(one(1)));
    auto r = (*s)->read(key(2));
    QVERIFY(r);
    QVERIFY(!r->has_value());
    QVERIFY(!(*s)->failed());
}

QTEST_GUILESS_MAIN(TestStoreFailure)
#include "tst_store_failure.moc"
