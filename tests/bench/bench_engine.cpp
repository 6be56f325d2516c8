// Engine benchmark (not part of the default suite). Prints one JSON object per
// figure; the raw LevelDB synced-write rate measured in the same run is the
// ceiling the durable transaction rate is compared with.
//   build/tests/bench_engine [--tx N] [--contexts N] [--only tx|remote|memory]
#include "TestUtil.h"
#include "context/Engine.h"
#include "MemberTestUtil.h"
#include "store/Store.h"
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QThread>
#include <atomic>
#include <cstdio>
#include <semaphore>
#include <sys/resource.h>
#include <leveldb/db.h>
#include <leveldb/write_batch.h>

using namespace dn;

namespace {

void report(const char *name, double value, const char *unit, const QString &note = {}) {
    std::printf("{\"metric\":\"%s\",\"value\":%.3f,\"unit\":\"%s\"%s}\n", name, value, unit,
                note.isEmpty() ? "" : qPrintable(QStringLiteral(",\"note\":\"%1\"").arg(note)));
    std::fflush(stdout);
}

double loadAverage() {
    QFile f("/proc/loadavg");
    if (!f.open(QIODevice::ReadOnly)) return -1;
    return f.readAll().split(' ').value(0).toDouble();
}

// CPU time (user + system) of the whole process so far, in µs. Divided by the
// work done it gives a cost per transaction that drifts far less with the
// machine's load than a rate does.
double processCpuUs() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

double rssMiB() {
    QFile f("/proc/self/status");
    f.open(QIODevice::ReadOnly);
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:")) return line.mid(6).trimmed().split(' ')[0].toDouble() / 1024.0;
    return 0;
}

std::unique_ptr<Engine> open(const QString &dir) {
    Engine::Options o;
    o.dataDir = dir;
    auto e = Engine::open(o);
    if (!e) {
        std::fprintf(stderr, "open: %s\n", qPrintable(e.error().message));
        std::exit(1);
    }
    return std::move(*e);
}

// Raw LevelDB: single-put batches written with sync=true, one after another,
// from as many threads as we have cores (LevelDB groups concurrent writers).
double rawLevelDbSyncedWrites(const QString &dir, int seconds) {
    leveldb::DB *db = nullptr;
    leveldb::Options o;
    o.create_if_missing = true;
    if (!leveldb::DB::Open(o, (dir + "/raw").toStdString(), &db).ok()) return 0;
    std::atomic<long> n{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> ts;
    for (int t = 0; t < QThread::idealThreadCount(); ++t)
        ts.emplace_back([&, t] {
            leveldb::WriteOptions w;
            w.sync = true;
            for (long i = 0; !stop; ++i) {
                leveldb::WriteBatch b;
                b.Put("k" + std::to_string(t) + "/" + std::to_string(i), std::string(64, 'v'));
                db->Write(w, &b);
                ++n;
            }
        });
    QThread::sleep(seconds);  // benchmark duration, not synchronisation
    stop = true;
    for (auto &t : ts) t.join();
    delete db;
    return double(n) / seconds;
}

}  // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    const auto args = app.arguments();
    auto arg = [&](const char *name, int def) {
        const int i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args[i + 1].toInt() : def;
    };
    const int txCount = arg("--tx", 100000);
    const int ctxCount = arg("--contexts", 32);
    // --only runs one section (profiling one path without the others' noise).
    const int onlyAt = args.indexOf("--only");
    const QString only = onlyAt >= 0 && onlyAt + 1 < args.size() ? args[onlyAt + 1] : QString();
    auto runs = [&](const char *section) { return only.isEmpty() || only == QLatin1String(section); };
    QLoggingCategory::setFilterRules(QStringLiteral("dn.*.debug=false\ndn.*.info=false"));
    report("load_average_1min", loadAverage(), "1", "of the whole machine, at the start");
    QTemporaryDir tmp;
    const QByteArray kv = test::readWasm("kv_store"), chat = test::readWasm("chat");

    if (runs("tx")) report("leveldb_raw_synced_writes_per_s", rawLevelDbSyncedWrites(tmp.path(), 3), "1/s",
         "ceiling: one synced single-put batch per write");

    // 1. Durable kv-set transactions through the engine, pipelined over several contexts.
    if (runs("tx")) {
        auto e = open(tmp.path() + "/tx");
        auto appRec = e->installApp(kv, "kv_store");
        std::vector<Hash32> ctxs;
        for (int i = 0; i < ctxCount; ++i) ctxs.push_back(e->createContextSync(appRec->id, "bench")->id);
        std::atomic<int> done{0}, failed{0};
        // At most 4 096 in flight. The submitting thread sleeps on the
        // semaphore: a client spinning (even with sched_yield) would take a
        // core away from the engine on a 2-core machine.
        std::counting_semaphore<> room(4096);
        QElapsedTimer t;
        t.start();
        const double cpuBefore = processCpuUs();
        for (int i = 0; i < txCount; ++i) {
            room.acquire();
            const QByteArray a = "{\"key\":\"k" + QByteArray::number(i % 1000) + "\",\"value\":\"v" + QByteArray::number(i) + "\"}";
            e->execute(ctxs[size_t(i) % ctxs.size()], "set", a, [&](Result<ExecuteResult> r) {
                if (!r) ++failed;
                ++done;
                room.release();
            });
        }
        while (done.load() < txCount) QThread::msleep(1);
        const double secs = t.nsecsElapsed() / 1e9;
        const double cpuUs = processCpuUs() - cpuBefore;
        report("engine_durable_tx_per_s", txCount / secs, "1/s",
             QStringLiteral("kv_store set, %1 contexts, %2 failed").arg(ctxCount).arg(failed.load()));
        report("engine_cpu_us_per_tx", cpuUs / txCount, "us", "process CPU time (all threads) per durable transaction");
        auto &m = e->metrics();
        report("tx_latency_p50_us", double(m.transaction.percentile(0.5)), "us");
        report("tx_latency_p99_us", double(m.transaction.percentile(0.99)), "us");
        report("wasm_call_p50_us", double(m.wasmCall.percentile(0.5)), "us");
        report("delta_application_p50_us", double(m.application.percentile(0.5)), "us", "local deltas, merge into state");
        const auto st = e->storeStats();
        report("group_commit_batches_per_sync", double(st.batchesCommitted) / std::max<double>(1, st.syncedWrites), "1");
    }

    // 2. Remote delta application and event handlers: B applies A's chat posts.
    if (runs("remote")) {
        auto a = open(tmp.path() + "/a");
        auto b = open(tmp.path() + "/b");
        struct Outbox : EngineListener {
            std::mutex m;
            std::vector<QByteArray> env;
            void localDeltaDurable(const Hash32 &, const Hash32 &, const QByteArray &e) override {
                std::lock_guard l(m);
                env.push_back(e);
            }
        } out;
        a->setListener(&out);
        auto appA = a->installApp(chat, "chat");
        b->installApp(chat, "chat");
        auto c = a->createContextSync(appA->id, "room");
        if (auto j = test::joinWithKeysOf(*a, *b, c->id, appA->id); !j) qFatal("join: %s", qPrintable(j.error().message));
        const int posts = 5000;
        std::atomic<int> done{0};
        for (int i = 0; i < posts; ++i)
            a->execute(c->id, "post", "{\"author\":\"a\",\"text\":\"message " + QByteArray::number(i) + "\"}",
                       [&](Result<ExecuteResult>) { ++done; });
        while (done.load() < posts) QThread::msleep(1);
        a->flush();
        std::vector<QByteArray> envs;
        {
            std::lock_guard l(out.m);
            envs = out.env;
        }
        QElapsedTimer t;
        t.start();
        for (const auto &env : envs) (void)b->receiveSync(env);
        const double secs = t.nsecsElapsed() / 1e9;
        auto &m = b->metrics();
        report("remote_deltas_per_s", envs.size() / secs, "1/s", "receive: verify+decrypt+DAG+merge+handler");
        report("reception_p50_us", double(m.reception.percentile(0.5)), "us");
        report("delta_application_p50_us_remote", double(m.application.percentile(0.5)), "us");
        report("delta_application_p99_us_remote", double(m.application.percentile(0.99)), "us");
        report("event_handler_p50_us", double(m.eventHandlers.percentile(0.5)), "us");
        report("event_handler_p99_us", double(m.eventHandlers.percentile(0.99)), "us");
    }

    // 3. Memory: 100 contexts with 1 000 deltas each, then RSS after a reopen.
    if (runs("memory")) {
        const QString dir = tmp.path() + "/mem";
        {
            auto e = open(dir);
            auto appRec = e->installApp(kv, "kv_store");
            std::atomic<int> done{0};
            int total = 0;
            for (int i = 0; i < 100; ++i) {
                auto c = e->createContextSync(appRec->id, "m");
                for (int j = 0; j < 999; ++j, ++total)
                    e->execute(c->id, "set", "{\"key\":\"k" + QByteArray::number(j % 50) + "\",\"value\":\"" + QByteArray(32, 'x') + "\"}",
                               [&](Result<ExecuteResult>) { ++done; });
            }
            while (done.load() < total) QThread::msleep(1);
        }
        const double before = rssMiB();
        auto e = open(dir);
        // Touch every context so its state and DAG are live.
        for (const auto &c : e->contexts()) (void)e->executeSync(c.id, "get", R"({"key":"k1"})");
        const double after = rssMiB();
        report("rss_100_contexts_mib", after, "MiB", "1000 deltas each, after reopen and one call per context");
        report("memory_per_context_kib", (after - before) * 1024.0 / 100.0, "KiB", "RSS growth / contexts");
    }
    return 0;
}
