// Hybrid logical clock (ARCHITECTURE §4): monotonic stamps, the logical counter,
// remote adoption and the 5 s drift refusal, ms conversions.
#include "state/Hlc.h"

#include <QtTest>
#include <algorithm>
#include <thread>
#include <vector>

using namespace dn;

class TstHlc : public QObject {
    Q_OBJECT
private slots:
    void stallingClockBumpsTheCounter();
    void advancingClockResetsTheCounter();
    void steppingBackStaysMonotonic();
    void observeAdoptsRemoteTime();
    void observeRefusesFarFuture();
    void concurrentStampsAreUnique();
    void millisecondConversions();
};

void TstHlc::stallingClockBumpsTheCounter() {
    uint64_t wall = (uint64_t(1700000000) << 32) | 0x12345678;
    Hlc hlc([&] { return wall; });
    const uint64_t first = hlc.now();
    QCOMPARE(first, wall & ~Hlc::kLogicalMask);  // the counter bits start cleared
    for (uint64_t i = 1; i <= 100; ++i) QCOMPARE(hlc.now(), first + i);
}

void TstHlc::advancingClockResetsTheCounter() {
    uint64_t wall = uint64_t(1700000000) << 32;
    Hlc hlc([&] { return wall; });
    hlc.now();
    hlc.now();
    wall += 0x10000 * 5 + 7;  // five counter ticks later, with noise in the counter bits
    const uint64_t t = hlc.now();
    QCOMPARE(t, wall & ~Hlc::kLogicalMask);
    QCOMPARE(t & Hlc::kLogicalMask, uint64_t(0));
}

void TstHlc::steppingBackStaysMonotonic() {
    uint64_t wall = uint64_t(1700000010) << 32;
    Hlc hlc([&] { return wall; });
    const uint64_t a = hlc.now();
    wall -= uint64_t(3) << 32;  // NTP steps the clock back 3 s
    const uint64_t b = hlc.now();
    const uint64_t c = hlc.now();
    QVERIFY(b > a);
    QVERIFY(c > b);
    QCOMPARE(b, a + 1);
}

void TstHlc::observeAdoptsRemoteTime() {
    uint64_t wall = uint64_t(1700000000) << 32;
    Hlc hlc([&] { return wall; });
    const uint64_t remote = wall + (uint64_t(4) << 32) + 0x30005;  // 4 s ahead: tolerated
    QVERIFY(hlc.observe(remote));
    QCOMPARE(hlc.last(), remote);
    QCOMPARE(hlc.now(), remote + 1);
    // An older remote time does not move the clock back.
    QVERIFY(hlc.observe(wall - 1000));
    QCOMPARE(hlc.now(), remote + 2);
}

void TstHlc::observeRefusesFarFuture() {
    uint64_t wall = uint64_t(1700000000) << 32;
    Hlc hlc([&] { return wall; });
    const uint64_t before = hlc.now();
    QVERIFY(!hlc.observe(wall + (uint64_t(6) << 32)));       // 6 s ahead
    QVERIFY(!hlc.observe(wall + Hlc::kMaxDriftNtp64 + 1));   // just beyond 5 s
    QCOMPARE(hlc.last(), before);
    QCOMPARE(hlc.now(), before + 1);
    QVERIFY(hlc.observe(wall + Hlc::kMaxDriftNtp64));        // exactly 5 s: accepted
    QCOMPARE(hlc.last(), wall + Hlc::kMaxDriftNtp64);
    // Near the top of the range the comparison must not wrap around.
    uint64_t high = ~uint64_t(0) - 10;
    Hlc top([&] { return high; });
    QVERIFY(top.observe(~uint64_t(0)));
}

void TstHlc::concurrentStampsAreUnique() {
    const uint64_t fixed = uint64_t(1700000000) << 32;  // stalled clock: all counter bumps
    Hlc hlc([&] { return fixed; });
    constexpr int kThreads = 4, kEach = 20000;
    std::vector<std::vector<uint64_t>> got(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            got[t].reserve(kEach);
            for (int i = 0; i < kEach; ++i) got[t].push_back(hlc.now());
        });
    for (auto &th : threads) th.join();
    std::vector<uint64_t> all;
    for (auto &g : got) {
        QVERIFY(std::is_sorted(g.begin(), g.end()));  // monotonic per thread
        all.insert(all.end(), g.begin(), g.end());
    }
    std::sort(all.begin(), all.end());
    QVERIFY(std::adjacent_find(all.begin(), all.end()) == all.end());
    QCOMPARE(all.back(), fixed + kThreads * kEach - 1);
}

void TstHlc::millisecondConversions() {
    for (int64_t ms : {int64_t(0), int64_t(1), int64_t(999), int64_t(1000), int64_t(1700000000123),
                       int64_t(4102444800999)})
        QCOMPARE(unixMsFromNtp64(ntp64FromUnixMs(ms)), ms);
    QCOMPARE(ntp64FromUnixMs(1500), (uint64_t(1) << 32) | (uint64_t(1) << 31));
    QCOMPARE(ntp64FromUnixMs(-5), uint64_t(0));
    const int64_t nowMs = QDateTime::currentMSecsSinceEpoch();
    const int64_t sys = unixMsFromNtp64(systemNtp64());
    QVERIFY(qAbs(sys - nowMs) < 5000);
}

QTEST_GUILESS_MAIN(TstHlc)
#include "tst_hlc.moc"
