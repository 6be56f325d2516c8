// Node: identity and API token at first start, events forwarded to the node
// thread as JSON, the timers (heartbeat skipping, background jobs, real
// firing, blob eviction), invitations, and NodeThread start/stop durability.
#include "NodeTestUtil.h"
#include "context/Engine.h"
#include "crypto/Sha256.h"
#include "node/Node.h"
#include "node/NodeThread.h"
#include "node/NodeTimers.h"
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>
#include <mutex>

using namespace dn;
using namespace dn::test;

class TestNode : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    int dirs_ = 0;
    QString freshDir() { return tmp_.filePath(QStringLiteral("n%1").arg(++dirs_)); }

    static std::unique_ptr<Node> open(const NodeConfig &c) {
        auto n = Node::open(c);
        if (!n) qWarning() << n.error().message;
        return n ? std::move(*n) : nullptr;
    }
    static Hash32 kvContext(Node &n) {
        auto app = n.engine().installApp(wasm("kv_store"), QStringLiteral("kv"));
        if (!app) qFatal("install failed");
        auto ctx = n.engine().createContextSync(app->id, QStringLiteral("t"));
        if (!ctx) qFatal("create failed");
        return ctx->id;
    }

private slots:
    void firstStartCreatesIdentityAndToken() {
        const QString dir = freshDir();
        QString token, peer;
        {
            auto n = open(nodeConfig(dir));
            QVERIFY(n);
            token = n->apiToken();
            peer = n->status().peerId.toBase58();
            QCOMPARE(token.size(), 64);
            QVERIFY(peer.startsWith(QStringLiteral("12D3KooW")));
            QCOMPARE(n->apiTokenFile(), dir + QStringLiteral("/api.token"));
            const auto perms = QFile::permissions(n->apiTokenFile());
            QCOMPARE(perms & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther), QFile::Permissions());
            const NodeStatus s = n->status();
            QCOMPARE(s.addresses.size(), 1);
            QVERIFY(s.addresses[0].endsWith(QStringLiteral("/p2p/") + peer));
            QCOMPARE(s.version, QStringLiteral("0.1.0"));
        }
        auto again = open(nodeConfig(dir));
        QVERIFY(again);
        QCOMPARE(again->apiToken(), token);
        QCOMPARE(again->status().peerId.toBase58(), peer);
    }

    void damagedTokenFileRefused() {
        const QString dir = freshDir();
        QVERIFY(QDir().mkpath(dir));
        QFile f(dir + QStringLiteral("/api.token"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("short\n");
        f.close();
        auto n = Node::open(nodeConfig(dir));
        QVERIFY(!n);
        QVERIFY2(n.error().message.contains(f.fileName()), qPrintable(n.error().message));
    }

    void stateMutatedCarriesEvents() {
        auto n = open(nodeConfig(freshDir()));
        QVERIFY(n);
        const Hash32 ctx = kvContext(*n);
        QList<std::vector<Event>> seen;
        connect(n.get(), &NodeServices::stateMutated, this,
                [&](const Hash32 &c, const Hash32 &, const Hash32 &, const std::vector<Event> &events) {
                    if (c == ctx) seen << events;
                });
        auto r = n->engine().executeSync(ctx, "set", R"({"key":"a","value":"b"})");
        QVERIFY(r && r->deltaId);
        const auto nonEmpty = [](const std::vector<Event> &a) { return !a.empty(); };
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(seen.begin(), seen.end(), nonEmpty), 5000);
        const auto it = std::find_if(seen.begin(), seen.end(), nonEmpty);
        // The events exactly as the delta carries them.
        QCOMPARE(it->at(0).kind, QByteArray("Inserted"));
        QCOMPARE(it->at(0), r->events.at(0));
        const QByteArray text = n->metricsText();
        QVERIFY(sampleValue(text, R"(deltanode_state_mutations_total{origin="local"})") >= 1);
        QVERIFY(sampleValue(text, R"(deltanode_phase_latency_seconds_count{phase="end_to_end"})") >= 1);
    }

    void heartbeatSkipsUnchangedContexts() {
        auto n = open(nodeConfig(freshDir()));
        QVERIFY(n);
        const Hash32 ctx = kvContext(*n);
        QVERIFY(n->timers().runNow(QStringLiteral("heartbeat")));
        QCOMPARE(n->heartbeats().sent(), 1u);
        QVERIFY(n->timers().runNow(QStringLiteral("heartbeat")));
        QCOMPARE(n->heartbeats().skipped(), 1u);
        QVERIFY(n->engine().executeSync(ctx, "set", R"({"key":"k","value":"v"})"));
        n->timers().runNow(QStringLiteral("heartbeat"));
        QCOMPARE(n->heartbeats().sent(), 2u);
        n->heartbeats().request(ctx);  // a peer asked: beat although unchanged
        n->timers().runNow(QStringLiteral("heartbeat"));
        QCOMPARE(n->heartbeats().sent(), 3u);
        const QByteArray text = n->metricsText();
        QCOMPARE(sampleValue(text, R"(deltanode_timer_runs_total{timer="heartbeat"})"), 4.0);
        QCOMPARE(sampleValue(text, R"(deltanode_heartbeats_total{result="skipped"})"), 1.0);
        QCOMPARE(sampleValue(text, R"(deltanode_heartbeats_total{result="sent"})"), 3.0);
    }

    void backgroundJobsReportBack() {
        auto n = open(nodeConfig(freshDir()));
        QVERIFY(n);
        kvContext(*n);
        QVERIFY(n->timers().runNow(QStringLiteral("pending_cleanup")));
        QVERIFY(n->timers().runNow(QStringLiteral("tombstone_gc")));
        QVERIFY(n->backgroundBusy());
        QTRY_VERIFY_WITH_TIMEOUT(!n->backgroundBusy(), 5000);
        const QByteArray text = n->metricsText();
        QCOMPARE(sampleValue(text, R"(deltanode_timer_runs_total{timer="pending_cleanup"})"), 1.0);
        QCOMPARE(sampleValue(text, R"(deltanode_timer_runs_total{timer="tombstone_gc"})"), 1.0);
        QCOMPARE(sampleValue(text, "deltanode_pending_dropped_total"), 0.0);
        QVERIFY(!n->timers().runNow(QStringLiteral("no_such_timer")));
    }

    void timersUseTheConfiguredIntervals() {
        NodeConfig c = nodeConfig(freshDir());
        c.timers.heartbeatS = 1;
        auto n = open(c);
        QVERIFY(n);
        using namespace std::chrono;
        QCOMPARE(n->timers().interval(QStringLiteral("tombstone_gc")), duration_cast<milliseconds>(hours(12)));
        QCOMPARE(n->timers().interval(QStringLiteral("blob_eviction")), milliseconds(300000));
        QCOMPARE(n->timers().interval(QStringLiteral("pending_cleanup")), milliseconds(60000));
        QCOMPARE(n->timers().interval(QStringLiteral("sync")), milliseconds(10000));
        QCOMPARE(n->timers().interval(QStringLiteral("ping")), milliseconds(15000));
        QVERIFY(n->start());
        QTRY_VERIFY_WITH_TIMEOUT(n->timers().runs(QStringLiteral("heartbeat")) >= 1, 5000);
    }

    void blobEvictionTimerEvictsAppModules() {
        NodeConfig c = nodeConfig(freshDir());
        c.blobCache.maxEntries = 1;
        c.timers.blobEvictionS = 1;
        auto n = open(c);
        QVERIFY(n);
        auto kv = n->engine().installApp(wasm("kv_store"), QStringLiteral("kv"));
        auto counter = n->engine().installApp(wasm("counter"), QStringLiteral("counter"));
        QVERIFY(kv && counter);
        QCOMPARE(n->appModule(kv->id).value(), wasm("kv_store"));
        QCOMPARE(n->appModule(counter->id).value(), wasm("counter"));
        QVERIFY(n->appModule(counter->id));  // a hit
        QVERIFY(!n->appModule(sha256("not an app")));
        QCOMPARE(n->blobCache().stats().entries, size_t(2));
        QCOMPARE(n->blobCache().stats().hits, 1u);
        QVERIFY(n->start());
        QTRY_VERIFY_WITH_TIMEOUT(n->blobCache().stats().evictedCount == 1, 5000);
        QVERIFY(n->blobCache().contains(counter->id));  // the most recently used stays
        const QByteArray text = n->metricsText();
        QCOMPARE(sampleValue(text, R"(deltanode_blob_cache_evictions_total{phase="count"})"), 1.0);
        QCOMPARE(sampleValue(text, "deltanode_blob_cache_entries"), 1.0);
        QCOMPARE(sampleValue(text, "deltanode_blob_cache_hits_total"), 1.0);
        QCOMPARE(sampleValue(text, "deltanode_blob_cache_misses_total"), 3.0);
    }

    void inviteAndJoin() {
        auto a = open(nodeConfig(freshDir()));
        auto b = open(nodeConfig(freshDir()));
        QVERIFY(a && b);
        const Hash32 ctx = kvContext(*a);
        auto inv = a->invite(ctx, 3600, 1);
        QVERIFY2(inv, inv ? "" : qPrintable(inv.error().message));
        QVERIFY(inv->text.startsWith(QStringLiteral("dn1")));
        QCOMPARE(inv->inviteId.size(), 16);
        QVERIFY(!a->invite(sha256("nope"), 60, 1));
        QCOMPARE(a->invite(ctx, 60, 0).error().code, ErrorCode::InvalidArgument);

        auto joinOn = [](Node &n, const QString &text) {
            std::optional<Result<ContextInfo>> out;
            n.join(text, [&](Result<ContextInfo> r) { out = std::move(r); });
            return out;
        };
        // Without a network the inviter cannot be reached to prove the invitation.
        auto r = joinOn(*b, inv->text);
        QVERIFY(r && !*r);
        QCOMPARE(r->error().code, ErrorCode::InviterUnreachable);
        r = joinOn(*b, QStringLiteral("dn1garbage"));
        QVERIFY(r && !*r);
        QCOMPARE(r->error().code, ErrorCode::InvalidInvitation);
    }

    void nodeThreadRunsAndStopsDurably() {
        const QString dir = freshDir();
        Hash32 ctx;
        QString emittedOn;
        std::mutex m;
        {
            NodeThread t(nodeConfig(dir));
            QVERIFY(t.start());
            QString url;
            t.call([&](Node &n) {
                url = n.apiUrl().toString();
                ctx = kvContext(n);
                connect(&n, &NodeServices::stateMutated, &n, [&] {
                    std::lock_guard lock(m);
                    emittedOn = QThread::currentThread()->objectName();
                });
            });
            QVERIFY(url.startsWith(QStringLiteral("http://127.0.0.1:")));
            QVERIFY(t.node()->engine().executeSync(ctx, "set", R"({"key":"durable","value":"yes"})"));
            QTRY_VERIFY_WITH_TIMEOUT(([&] { std::lock_guard lock(m); return !emittedOn.isEmpty(); }()), 5000);
            QCOMPARE(emittedOn, QStringLiteral("node"));
            t.stop();
            QVERIFY(!t.running());
        }
        auto n = open(nodeConfig(dir));
        QVERIFY(n);
        auto got = n->engine().executeSync(ctx, "get", R"({"key":"durable"})");
        QVERIFY(got);
        QVERIFY2(got->output.contains("yes"), got->output.constData());
    }

    void portInUseIsAClearError() {
        NodeThread first(nodeConfig(freshDir()));
        QVERIFY(first.start());
        int port = 0;
        first.call([&](Node &n) { port = n.apiUrl().port(); });
        NodeConfig c = nodeConfig(freshDir());
        c.api.port = port;
        NodeThread second(c);
        auto r = second.start();
        QVERIFY(!r);
        QVERIFY2(r.error().message.contains(QStringLiteral("cannot serve the API on 127.0.0.1:%1").arg(port)), qPrintable(r.error().message));
        QVERIFY(!second.running());
    }
};

QTEST_GUILESS_MAIN(TestNode)
#include "tst_node.moc"
