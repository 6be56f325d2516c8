#pragma once
// What every hostile test asserts after an attack (DESIGN §16): the node is
// up, a member's call answers within 200 ms and its RSS is within 64 MB of
// where it started. One place, so that every attack is held to the same bar.
#include "DaemonHarness.h"
#include <QDir>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QTest>
#include <algorithm>
#include <limits>
#include <vector>

namespace dn::test {

constexpr qint64 kHostileRssBudgetKiB = 64 * 1024;
constexpr int kHostileCallMs = 200;

// The node under attack: started on `dir`/node with `config` (TOML; mDNS is
// always off, so the test's node talks to nobody else) and, when
// `fileLimit` > 0, that open-file limit; then a kv context with k = v, read
// 50 times so the RSS baseline taken after this includes what the first
// calls allocate. Null with *error set when any step failed.
inline std::unique_ptr<Daemon> startTarget(const QString &dir, const QByteArray &config, RawHttp &http, QString *ctx,
                                           QString *error, qint64 fileLimit = 0) {
    const QString data = dir + QStringLiteral("/node");
    QFile file(data + QStringLiteral("/config.toml"));
    if (!QDir().mkpath(data) || !file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot write %1").arg(file.fileName());
        return nullptr;
    }
    file.write("[p2p]\nmdns = false\n" + config);
    file.close();
    auto node = std::make_unique<Daemon>(data);
    if (fileLimit > 0) node->setFileLimit(fileLimit);
    if (!node->start(error)) return nullptr;
    *ctx = http.kvContext(*node, error);
    if (ctx->isEmpty()) return nullptr;
    const HttpAnswer set = http.execute(*node, *ctx, QStringLiteral("set"), QJsonObject{{"key", "k"}, {"value", "v"}});
    if (set.status != 200) {
        *error = QStringLiteral("set: ") + set.describe();
        return nullptr;
    }
    for (int i = 0; i < 50; ++i) http.execute(*node, *ctx, QStringLiteral("get"), QJsonObject{{"key", "k"}});
    return node;
}

// The node's P2P address as it printed it ("p2p: /ip4/…/tcp/…/p2p/…").
inline QString p2pAddress(const Daemon &node) {
    return QString::fromUtf8(node.output()).section(QStringLiteral("p2p: "), 1, 1).section(QLatin1Char('\n'), 0, 0).trimmed();
}

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
