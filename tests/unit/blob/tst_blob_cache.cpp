// BlobCache: hits and misses, the three eviction phases (each driven alone by
// small limits and a fake clock), the item-size bypass, manual eviction and
// the hard ceiling between timer runs.
#include "blob/BlobCache.h"
#include "blob/BlobStore.h"
#include "crypto/Sha256.h"
#include "store/Store.h"
#include <QTemporaryDir>
#include <QtTest>

using namespace dn;

namespace {
Hash32 idOf(int n) { return sha256(QByteArray::number(n)); }
QByteArray bytesOf(int size, char fill = 'x') { return QByteArray(size, fill); }
}  // namespace

class TestBlobCache : public QObject {
    Q_OBJECT
    int64_t clock_ = 1'000'000;
    BlobCache::Clock fakeClock() {
        return [this] { return clock_; };
    }

private slots:
    void hitsAndMisses() {
        BlobCache cache({}, fakeClock());
        int loads = 0;
        auto loader = [&] { ++loads; return std::optional<QByteArray>(bytesOf(10)); };
        QCOMPARE(cache.get(idOf(1), loader).value(), bytesOf(10));
        QCOMPARE(cache.get(idOf(1), loader).value(), bytesOf(10));
        QCOMPARE(cache.get(idOf(1), loader).value(), bytesOf(10));
        QCOMPARE(loads, 1);
        QVERIFY(!cache.lookup(idOf(2)));
        const auto s = cache.stats();
        QCOMPARE(s.hits, 2u);
        QCOMPARE(s.misses, 2u);
        QCOMPARE(s.entries, size_t(1));
        QCOMPARE(s.bytes, 10u);
        const auto e = cache.entries();
        QCOMPARE(e.size(), size_t(1));
        QCOMPARE(e[0].hits, 2u);
        QCOMPARE(e[0].size, 10u);
        // A loader that finds nothing caches nothing.
        QVERIFY(!cache.get(idOf(3), [] { return std::optional<QByteArray>(); }));
        QVERIFY(!cache.contains(idOf(3)));
    }

    void phaseIdle() {
        BlobCacheLimits l;
        l.maxIdleMs = 1000;
        BlobCache cache(l, fakeClock());
        cache.insert(idOf(1), bytesOf(5));
        cache.insert(idOf(2), bytesOf(5));
        clock_ += 600;
        QVERIFY(cache.lookup(idOf(2)));  // 2 is fresh again
        clock_ += 500;                   // 1 idle 1100 ms, 2 idle 500 ms
        const auto r = cache.runEviction();
        QCOMPARE(r.idle, size_t(1));
        QCOMPARE(r.count, size_t(0));
        QCOMPARE(r.bytes, size_t(0));
        QVERIFY(!cache.contains(idOf(1)));
        QVERIFY(cache.contains(idOf(2)));
        QCOMPARE(cache.stats().evictedIdle, 1u);
        QCOMPARE(cache.stats().evictionRuns, 1u);
    }

    void phaseCount() {
        BlobCacheLimits l;
        l.maxEntries = 3;
        BlobCache cache(l, fakeClock());
        for (int i = 0; i < 5; ++i) {
            cache.insert(idOf(i), bytesOf(1));
            clock_ += 1;
        }
        QVERIFY(cache.lookup(idOf(0)));  // 0 becomes most recently used
        const auto r = cache.runEviction();
        QCOMPARE(r.idle, size_t(0));
        QCOMPARE(r.count, size_t(2));
        QCOMPARE(r.bytes, size_t(0));
        // The two least recently used (1 and 2) went; 0 stayed.
        QVERIFY(cache.contains(idOf(0)));
        QVERIFY(!cache.contains(idOf(1)));
        QVERIFY(!cache.contains(idOf(2)));
        QCOMPARE(cache.stats().evictedCount, 2u);
        QCOMPARE(cache.stats().entries, size_t(3));
    }

    void phaseBytes() {
        BlobCacheLimits l;
        l.maxBytes = 250;
        BlobCache cache(l, fakeClock());
        for (int i = 0; i < 4; ++i) {
            cache.insert(idOf(i), bytesOf(100));  // 400 bytes, under the 2x ceiling
            clock_ += 1;
        }
        QCOMPARE(cache.stats().bytes, 400u);
        const auto r = cache.runEviction();
        QCOMPARE(r.idle, size_t(0));
        QCOMPARE(r.count, size_t(0));
        QCOMPARE(r.bytes, size_t(2));
        QCOMPARE(cache.stats().bytes, 200u);
        QVERIFY(cache.contains(idOf(3)));
        QVERIFY(!cache.contains(idOf(0)));
        QCOMPARE(cache.stats().evictedBytes, 2u);
    }

    void allPhasesInOneRun() {
        BlobCacheLimits l;
        l.maxIdleMs = 1000;
        l.maxEntries = 4;
        l.maxBytes = 150;
        BlobCache cache(l, fakeClock());
        cache.insert(idOf(0), bytesOf(10));
        cache.insert(idOf(1), bytesOf(10));
        clock_ += 2000;  // 0 and 1 idle
        for (int i = 2; i < 8; ++i) cache.insert(idOf(i), bytesOf(i == 7 ? 120 : 10));
        // 8 entries: 2 idle go (phase 1), 6 left > 4 → 2 more (phase 2),
        // then 4 entries of 10+10+10+120 = 150 bytes: at the limit, none.
        auto r = cache.runEviction();
        QCOMPARE(r.idle, size_t(2));
        QCOMPARE(r.count, size_t(2));
        QCOMPARE(r.bytes, size_t(0));
        cache.insert(idOf(8), bytesOf(20));  // 170 bytes, 5 entries
        r = cache.runEviction();
        QCOMPARE(r.count, size_t(1));  // down to 4 entries: 160 bytes
        QCOMPARE(r.bytes, size_t(1));  // then under 150 bytes
        const auto s = cache.stats();
        QCOMPARE(s.evictedIdle, 2u);
        QCOMPARE(s.evictedCount, 3u);
        QCOMPARE(s.evictedBytes, 1u);
        QVERIFY(s.bytes <= 150u);
        QVERIFY(s.entries <= 4u);
    }

    void maxItemBypass() {
        BlobCacheLimits l;
        l.maxItemBytes = 64;
        BlobCache cache(l, fakeClock());
        int loads = 0;
        auto big = [&] { ++loads; return std::optional<QByteArray>(bytesOf(65)); };
        QCOMPARE(cache.get(idOf(1), big)->size(), 65);
        QCOMPARE(cache.get(idOf(1), big)->size(), 65);
        QCOMPARE(loads, 2);  // never kept
        QVERIFY(!cache.contains(idOf(1)));
        QVERIFY(cache.insert(idOf(2), bytesOf(64)));
        QCOMPARE(cache.stats().bypassed, 2u);
        QCOMPARE(cache.stats().entries, size_t(1));
    }

    void manualEvict() {
        BlobCache cache({}, fakeClock());
        cache.insert(idOf(1), bytesOf(3));
        cache.insert(idOf(2), bytesOf(4));
        cache.insert(idOf(3), bytesOf(5));
        QVERIFY(cache.evict(idOf(2)));
        QVERIFY(!cache.evict(idOf(2)));
        QCOMPARE(cache.stats().bytes, 8u);
        QCOMPARE(cache.clear(), size_t(2));
        const auto s = cache.stats();
        QCOMPARE(s.evictedManual, 3u);
        QCOMPARE(s.entries, size_t(0));
        QCOMPARE(s.bytes, 0u);
    }

    void hardCeilingBetweenRuns() {
        BlobCacheLimits l;
        l.maxEntries = 2;
        BlobCache cache(l, fakeClock());
        for (int i = 0; i < 20; ++i) cache.insert(idOf(i), bytesOf(1));
        const auto s = cache.stats();
        QVERIFY2(s.entries <= 4u, "never more than twice maxEntries");
        QVERIFY(s.evictedCount > 0);
        QVERIFY(cache.contains(idOf(19)));
    }

    void entriesInRecencyOrder() {
        BlobCache cache({}, fakeClock());
        cache.insert(idOf(1), bytesOf(1));
        clock_ += 10;
        cache.insert(idOf(2), bytesOf(2));
        clock_ += 10;
        QVERIFY(cache.lookup(idOf(1)));
        const auto e = cache.entries();
        QCOMPARE(e.size(), size_t(2));
        QCOMPARE(e[0].id, idOf(1));
        QCOMPARE(e[0].lastAccessMs, clock_);
        QCOMPARE(e[0].insertedAtMs, clock_ - 20);
        QCOMPARE(e[1].id, idOf(2));
    }

    void blobsFromTheStore() {
        QTemporaryDir dir;
        auto store = Store::open(dir.path());
        QVERIFY(store);
        BlobStore blobs(**store);
        const auto small = blobs.put(bytesOf(1000, 's'));
        const auto large = blobs.put(bytesOf(3000, 'l'));
        QVERIFY(small && large);
        BlobCacheLimits l;
        l.maxItemBytes = 2000;
        BlobCache cache(l, fakeClock());
        QCOMPARE(cache.blob(blobs, small->id).value(), bytesOf(1000, 's'));
        QCOMPARE(cache.blob(blobs, small->id).value(), bytesOf(1000, 's'));
        QCOMPARE(cache.stats().hits, 1u);
        const auto tooLarge = cache.blob(blobs, large->id);
        QVERIFY(!tooLarge);
        QCOMPARE(tooLarge.error().code, ErrorCode::TooLarge);
        const auto missing = cache.blob(blobs, idOf(42));
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::BlobNotFound);
    }

    void concurrentReaders() {
        BlobCacheLimits l;
        l.maxEntries = 8;
        BlobCache cache(l);
        std::atomic<int> wrong{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (int i = 0; i < 2000; ++i) {
                    const int k = (i * 7 + t) % 24;
                    auto v = cache.get(idOf(k), [k] { return std::optional<QByteArray>(QByteArray::number(k)); });
                    if (!v || *v != QByteArray::number(k)) ++wrong;
                    if (i % 100 == 0) cache.runEviction();
                }
            });
        for (auto &th : threads) th.join();
        QCOMPARE(wrong.load(), 0);
        const auto s = cache.stats();
        QCOMPARE(s.hits + s.misses, 8000u);
        QVERIFY(s.entries <= 16u);
    }
};

QTEST_GUILESS_MAIN(TestBlobCache)
#include "tst_blob_cache.moc"
