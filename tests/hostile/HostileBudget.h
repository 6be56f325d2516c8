#pragma once
// What every hostile test asserts after an attack (DESIGN §16): the node is
// up, a member's call answers within 200 ms and its RSS is within 64 MB of
// where it started. One place, so that every attack is held to the same bar.
#include "DaemonHarness.h"
#include <QElapsedTimer>
#include <QJsonObject>
#include <QTest>
#include <algorithm>
#include <limits>
#include <vector>

namespace dn::test {

constexpr qint64 kHostileRssBudgetKiB = 64 * 1024;
constexpr int kHostileCallMs = 200;

// One sample of a /metrics series (the exact text before the value, labels
// included); 0 when the node does not export it (yet).
inline double metricValue(RawHttp &http, const Daemon &node, const QByteArray &series) {
    const QByteArray text = http.get(node, QStringLiteral("/metrics")).body;
    for (const QByteArray &line : text.split('\n'))
        if (line.startsWith(series + ' ')) return line.mid(series.size() + 1).toDouble();
    return 0;
}

// A member's read in `ctx`, timed; max() when it did not answer a result.
inline qint64 memberCallMs(RawHttp &http, const Daemon &node, const QString &ctx) {
    QElapsedTimer t;
    t.start();
    const HttpAnswer a = http.execute(node, ctx, QStringLiteral("get"), QJsonObject{{QStringLiteral("key"), QStringLiteral("k")}});
    if (a.status != 200 || !a.json().contains(QStringLiteral("result"))) return std::numeric_limits<qint64>::max();
    return t.elapsed();
}

// Up, answering and within budget. The call figure is the best of three: the
// first call may open a connection, and one slow sample on a shared 2-core
// machine is the scheduler's, not the node's.
inline void checkStillServing(RawHttp &http, const Daemon &node, const QString &ctx, qint64 rss0, const char *phase) {
    QVERIFY2(node.running(), phase);
    qint64 best = std::numeric_limits<qint64>::max();
    for (int i = 0; i < 3; ++i) best = std::min(best, memberCallMs(http, node, ctx));
    const qint64 grown = node.rss() - rss0;
    qInfo("%s: member call %lld ms, RSS %+lld KiB", phase, best, grown);
    QVERIFY2(best < kHostileCallMs, qPrintable(QStringLiteral("%1: member call took %2 ms").arg(QLatin1String(phase)).arg(best)));
    QVERIFY2(grown < kHostileRssBudgetKiB, qPrintable(QStringLiteral("%1: RSS grew by %2 KiB").arg(QLatin1String(phase)).arg(grown)));
}

}  // namespace dn::test
