// Store: reads, writes, read-your-writes through the overlay, group commit,
// persistence and the refusals at open.
#include "store/Keys.h"
#include "store/Store.h"

#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <condition_variable>
#include <leveldb/db.h>
#include <mutex>
#include <thread>

using namespace dn;

namespace {
std::unique_ptr<Store> openOrFail(const QString &dir) {
    auto r = Store::open(dir);
    if (!r) qWarning() << r.error().message;
    return r ? std::move(r.value()) : nullptr;
}

Batch putOne(const QByteArray &k, const QByteArray &v) {
    Batch b;
    b.put(k, v);
    return b;
}

// Holds the committer thread inside a callback until released, so the test
// controls exactly what is queued but not yet durable.
struct Gate {
    std::mutex mu;
    std::condition_variable cv;
    bool entered = false, open = false;
    Store::DoneFn blocker() {
        return [this](bool) {
            std::unique_lock l(mu);
            entered = true;
            cv.notify_all();
            cv.wait(l, [&] { return open; });
        };
    }
    bool waitEntered() {
        std::unique_lock l(mu);
        return cv.wait_for(l, std::chrono::seconds(10), [&] { return entered; });
    }
    void release() {
        std::lock_guard l(mu);
        open = true;
        cv.notify_all();
    }
};

std::optional<QByteArray> rawGet(Store &s, const QByteArray &k) {
    std::string v;
    if (!s.db()->Get(leveldb::ReadOptions(), leveldb::Slice(k.constData(), size_t(k.size())), &v).ok())
        return std::nullopt;
    return QByteArray::fromStdString(v);
}
}  // namespace

class TstStore : public QObject {
    Q_OBJECT
private slots:
    void putGetRemove();
    void readYourWritesBeforeDurability();
    void callbacksInOrder();
    void concurrentCommittersAreGrouped();
    void scanVisitsPrefixInOrder();
    void destructorDrainsQueue();
    void reopenPersists();
    void schemaMismatchRefused();
    void foreignDatabaseRefused();
    void secondOpenRefused();
};

void TstStore::putGetRemove() {
    QTemporaryDir dir;
    auto s = openOrFail(dir.path());
    QVERIFY(s);
    QCOMPARE(s->get("x/a"), std::nullopt);
    QVERIFY(s->commitSync(putOne("x/a", "1")));
    QCOMPARE(s->get("x/a"), QByteArray("1"));
    QVERIFY(s->contains("x/a"));
    Batch b;
    b.remove("x/a");
    b.put("x/b", QByteArray("\0two", 4));  // values are binary-safe
    QVERIFY(s->commitSync(std::move(b)));
    QCOMPARE(s->get("x/a"), std::nullopt);
    QCOMPARE(s->get("x/b"), QByteArray("\0two", 4));
    QCOMPARE(s->get(keys::schema()), QByteArray("1"));
}

void TstStore::readYourWritesBeforeDurability() {
    QTemporaryDir dir;
    auto s = openOrFail(dir.path());
    QVERIFY(s);
    QVERIFY(s->commitSync(putOne("k/old", "durable")));

    Gate gate;
    s->commit(Batch{}, gate.blocker());
    QVERIFY(gate.waitEntered());
    // The committer is stuck in the callback: these stay queued.
    const uint64_t seq1 = s->commit(putOne("k/new", "v1"));
    Batch del;
    del.remove("k/old");
    s->commit(std::move(del));
    const uint64_t seq3 = s->commit(putOne("k/new", "v2"));  // latest queued write wins
    QVERIFY(s->durableSeq() < seq1);
    QCOMPARE(rawGet(*s, "k/new"), std::nullopt);            // not in leveldb yet...
    QCOMPARE(s->get("k/new"), QByteArray("v2"));            // ...but readable
    QCOMPARE(rawGet(*s, "k/old"), QByteArray("durable"));
    QCOMPARE(s->get("k/old"), std::nullopt);                // a queued delete hides it

    gate.release();
    s->flush();
    QVERIFY(s->durableSeq() >= seq3);
    QCOMPARE(rawGet(*s, "k/new"), QByteArray("v2"));
    QCOMPARE(rawGet(*s, "k/old"), std::nullopt);
    QCOMPARE(s->get("k/new"), QByteArray("v2"));
}

void TstStore::callbacksInOrder() {
    QTemporaryDir dir;
    auto s = openOrFail(dir.path());
    QVERIFY(s);
    std::mutex mu;
    std::vector<uint64_t> fired;
    std::vector<uint64_t> queued;
    bool allOk = true;
    for (int i = 0; i < 2000; ++i) {
        auto seqHolder = std::make_shared<uint64_t>(0);
        std::lock_guard l(mu);  // the callback may run before commit() returns
        const uint64_t seq = s->commit(putOne("o/" + QByteArray::number(i), "v"), [&, seqHolder](bool ok) {
            std::lock_guard l2(mu);
            fired.push_back(*seqHolder);
            allOk = allOk && ok;
        });
        *seqHolder = seq;
        queued.push_back(seq);
    }
    s->flush();
    std::lock_guard l(mu);
    QVERIFY(allOk);
    QCOMPARE(fired, queued);
    QVERIFY(std::is_sorted(queued.begin(), queued.end()));
}

void TstStore::concurrentCommittersAreGrouped() {
    QTemporaryDir dir;
    auto s = openOrFail(dir.path());
    QVERIFY(s);
    constexpr int kThreads = 8, kPerThread = 500;
    std::atomic<int> acked{0}, failed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                const QByteArray k = "c/" + QByteArray::number(t) + "/" + QByteArray::number(i);
                if (i % 50 == 49) {
                    if (!s->commitSync(putOne(k, k))) failed++;
                    acked++;
                } else {
                    s->commit(putOne(k, k), [&](bool ok) { ok ? acked++ : failed++; });
                }
            }
        });
    for (auto &th : threads) th.join();
    s->flush();
    QCOMPARE(acked.load(), kThreads * kPerThread);
    QCOMPARE(failed.load(), 0);
    for (int t = 0; t < kThreads; ++t)
        for (int i = 0; i < kPerThread; ++i) {
            const QByteArray k = "c/" + QByteArray::number(t) + "/" + QByteArray::number(i);
            QCOMPARE(rawGet(*s, k), k);
        }
    const StoreStats st = s->stats();
    QCOMPARE(st.batchesCommitted, uint64_t(kThreads * kPerThread));
    QVERIFY2(st.syncedWrites < st.batchesCommitted,
             qPrintable(QStringLiteral("%1 synced writes for %2 batches").arg(st.syncedWrites).arg(st.batchesCommitted)));
    QVERIFY(st.bytesWritten > 0);
}

void TstStore::scanVisitsPrefixInOrder() {
    QTemporaryDir dir;
    auto s = openOrFail(dir.path());
    QVERIFY(s);
    Batch b;
    for (const char *k : {"s/b", "s/a", "s/c", "t/a", "r/z"}) b.put(k, QByteArray(k).toUpper());
    s->commit(std::move(b));  // scan must see it without an explicit flush
    QStringList seen;
    s->scan("s/", [&](const QByteArray &k, const QByteArray &v) {
        seen << QString::fromLatin1(k + "=" + v);
        return true;
    });
    QCOMPARE(seen, QStringList({"s/a=S/A", "s/b=S/B", "s/c=S/C"}));
    int visits = 0;
    s->scan("s/", [&](const QByteArray &, const QByteArray &) { return ++visits < 2; });
    QCOMPARE(visits, 2);
}

void TstStore::destructorDrainsQueue() {
    QTemporaryDir dir;
    std::atomic<int> done{0};
    {
        auto s = openOrFail(dir.path());
        QVERIFY(s);
        for (int i = 0; i < 3000; ++i) s->commit(putOne("q/" + QByteArray::number(i), "v"), [&](bool ok) { done += ok; });
    }
    QCOMPARE(done.load(), 3000);
    auto s = openOrFail(dir.path());
    QVERIFY(s);
    int n = 0;
    s->scan("q/", [&](const QByteArray &, const QByteArray &) { return ++n; });
    QCOMPARE(n, 3000);
}

void TstStore::reopenPersists() {
    QTemporaryDir dir;
    {
        auto s = openOrFail(dir.path());
        QVERIFY(s);
        QVERIFY(s->commitSync(putOne("p/1", "one")));
        s->commit(putOne("p/2", "two"));
    }
    auto s = openOrFail(dir.path());
    QVERIFY(s);
    QCOMPARE(s->get("p/1"), QByteArray("one"));
    QCOMPARE(s->get("p/2"), QByteArray("two"));
}

void TstStore::schemaMismatchRefused() {
    QTemporaryDir dir;
    {
        auto s = openOrFail(dir.path());
        QVERIFY(s);
        QVERIFY(s->commitSync(putOne(keys::schema(), "7")));
    }
    auto r = Store::open(dir.path());
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::StoreSchema);
    QCOMPARE(r.error().message,
             QStringLiteral("database schema version 7 is not supported by this deltanode (expects 1)"));
}

void TstStore::foreignDatabaseRefused() {
    QTemporaryDir dir;
    {
        leveldb::Options o;
        o.create_if_missing = true;
        leveldb::DB *db = nullptr;
        QVERIFY(leveldb::DB::Open(o, dir.path().toStdString(), &db).ok());
        QVERIFY(db->Put(leveldb::WriteOptions(), "somebody", "else").ok());
        delete db;
    }
    auto r = Store::open(dir.path());
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::StoreSchema);
    QVERIFY2(r.error().message.contains("not a deltanode database"), qPrintable(r.error().message));
}

void TstStore::secondOpenRefused() {
    QTemporaryDir dir;
    auto first = openOrFail(dir.path());
    QVERIFY(first);
    auto second = Store::open(dir.path());
    QVERIFY(!second);
    QCOMPARE(second.error().code, ErrorCode::StoreLocked);
    QVERIFY2(second.error().message.contains("already in use"), qPrintable(second.error().message));
    QVERIFY(first->commitSync(putOne("still", "works")));
    first.reset();
    auto third = openOrFail(dir.path());  // the lock goes with the first store
    QVERIFY(third);
    QCOMPARE(third->get("still"), QByteArray("works"));
}

QTEST_GUILESS_MAIN(TstStore)
#include "tst_store.moc"
