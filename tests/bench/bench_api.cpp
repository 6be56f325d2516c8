// Client API benchmark (issue 3, acceptance 7; not part of the default suite).
// Runs a real Node (engine + API server) on its node thread in this process
// and measures, from the main thread:
//   - JSON-RPC `execute` (kv_store set, durable) transactions/s over N
//     keep-alive connections, each with one request in flight;
//   - WebSocket event latency to 100 subscribers: JSON-RPC request sent →
//     StateMutation received by each subscriber (p50/p99), plus the node's own
//     `websocket` phase (signal → frame queued);
//   - a large blob through upload sessions and the streamed download, with the
//     process's RSS growth while it is served.
// Prints one JSON object per figure.
// For scale, the same load (same contexts, same number in flight) is also run
// against Engine::execute directly in the same run, and the node thread's CPU
// time per JSON-RPC transaction is reported: on a loaded machine the absolute
// rates drift, the ratio and the per-transaction cost much less.
//   build/tests/bench_api [--connections 64] [--contexts 8] [--seconds 5]
//                         [--subscribers 100] [--events 200] [--blob-mib 200]
#include "ApiBenchClients.h"
#include "TestUtil.h"
#include "node/NodeThread.h"
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTimer>
#include <QWebSocket>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <unistd.h>

using namespace dn;
using namespace dn::bench;

namespace {

void report(const char *name, double value, const char *unit, const QString &note = {}) {
    std::printf("{\"metric\":\"%s\",\"value\":%.3f,\"unit\":\"%s\"%s}\n", name, value, unit,
                note.isEmpty() ? "" : qPrintable(QStringLiteral(",\"note\":\"%1\"").arg(note)));
    std::fflush(stdout);
}

// VmRSS, or RssAnon (heap and stacks only: LevelDB maps its table files, and
// those pages count in VmRSS although the kernel can drop them at will).
double rssMiB(const QByteArray &field = "VmRSS:") {
    QFile f("/proc/self/status");
    if (!f.open(QIODevice::ReadOnly)) return 0;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith(field)) return line.mid(field.size()).trimmed().split(' ')[0].toDouble() / 1024.0;
    return 0;
}

template <typename Done>
bool runUntil(Done done, int timeoutMs) {
    QDeadlineTimer deadline(timeoutMs);
    while (!done() && !deadline.hasExpired()) QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    return done();
}

// CPU time (user+system) a thread of this process has used, in µs.
double threadCpuUs(pid_t tid) {
    QFile f(QStringLiteral("/proc/self/task/%1/stat").arg(tid));
    if (!f.open(QIODevice::ReadOnly)) return 0;
    const QByteArray stat = f.readAll();
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ": state is field 0, utime 11, stime 12 (clock ticks).
    return (fields.value(11).toDouble() + fields.value(12).toDouble()) * 1e6 / double(sysconf(_SC_CLK_TCK));
}

// The machine's 1-minute load average: figures from a shared machine mean
// little without it.
double loadAverage() {
    QFile f("/proc/loadavg");
    if (!f.open(QIODevice::ReadOnly)) return -1;
    return f.readAll().split(' ').value(0).toDouble();
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size())))];
}

}  // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addOptions({{"connections", "keep-alive connections", "n", "64"},
                  {"contexts", "contexts the connections spread over", "n", "8"},
                  {"seconds", "measured seconds of JSON-RPC load", "s", "5"},
                  {"subscribers", "WebSocket subscribers", "n", "100"},
                  {"events", "events for the fan-out latency", "n", "200"},
                  {"blob-mib", "blob size for the download RSS check (0: skip)", "n", "200"}});
    p.process(app);
    const int nConn = p.value("connections").toInt(), seconds = p.value("seconds").toInt();
    const int nCtx = std::max(1, p.value("contexts").toInt());
    const int nSubs = p.value("subscribers").toInt(), nEvents = p.value("events").toInt();
    const int blobMiB = p.value("blob-mib").toInt();

    report("load_average_1min", loadAverage(), "1", "of the whole machine, at the start");
    QTemporaryDir dir;
    NodeConfig config;
    config.dataDir = dir.path();
    config.api.port = 0;
    config.p2p.listen = {QStringLiteral("/ip4/127.0.0.1/tcp/0")};
    config.p2p.mdns = false;
    NodeThread node(config);
    if (auto r = node.start(); !r) {
        std::fprintf(stderr, "node: %s\n", qPrintable(r.error().message));
        return 1;
    }
    const QUrl url = node.node()->apiUrl();
    const QByteArray token = node.node()->apiToken().toUtf8();
    const quint16 port = quint16(url.port());

    // Setup through the API itself: install kv_store, create a context.
    Conn admin(port, token);
    runUntil([&] { return admin.connected(); }, 5000);
    QByteArray answer;
    auto call = [&](const QByteArray &method, const QByteArray &path, const QByteArray &body) {
        answer.clear();
        int status = 0;
        admin.request(method, path, body, [&](int s, const QByteArray &b) { status = s, answer = b; });
        runUntil([&] { return !admin.busy(); }, 600000);
        return status;
    };
    call("POST", "/admin-api/applications?name=kv", test::readWasm(QStringLiteral("kv_store")));
    const QString appId = QJsonDocument::fromJson(answer).object()["application"].toObject()["applicationId"].toString();
    QStringList contexts;
    for (int i = 0; i < nCtx; ++i) {
        call("POST", "/admin-api/contexts", QJsonDocument(QJsonObject{{"applicationId", appId}}).toJson());
        contexts << QJsonDocument::fromJson(answer).object()["context"].toObject()["contextId"].toString();
        if (contexts.last().isEmpty()) {
            std::fprintf(stderr, "setup failed: %s\n", answer.constData());
            return 1;
        }
    }
    const QString ctx = contexts.first();
    pid_t nodeTid = 0;
    node.call([&](Node &) { nodeTid = gettid(); });

    // --- the same load straight into the engine, for scale ---
    {
        Engine &engine = node.node()->engine();
        std::atomic<long> done{0};
        std::atomic<bool> stop{false};
        std::atomic<int> inFlight{0};
        std::vector<Hash32> ids;
        for (const QString &c : contexts) ids.push_back(*Hash32::fromBase58(c));
        std::function<void(int, long)> next = [&](int i, long n) {
            if (stop) return;
            ++inFlight;
            const QByteArray args = QJsonDocument(QJsonObject{{"key", QStringLiteral("e%1_%2").arg(i).arg(n % 1000)}, {"value", "v"}}).toJson(QJsonDocument::Compact);
            engine.execute(ids[size_t(i % nCtx)], "set", args, [&, i, n](Result<ExecuteResult>) {
                ++done;
                --inFlight;
                next(i, n + 1);
            });
        };
        for (int i = 0; i < nConn; ++i) next(i, 0);
        runUntil([&] { return false; }, 1000);
        const long before = done;
        QElapsedTimer t;
        t.start();
        runUntil([&] { return false; }, seconds * 1000);
        const double rate = double(done - before) / (double(t.nsecsElapsed()) / 1e9);
        stop = true;
        runUntil([&] { return inFlight == 0; }, 30000);
        report("engine_direct_tx_per_s", rate, "tx/s",
               QStringLiteral("Engine::execute, %1 in flight over %2 contexts, same run").arg(nConn).arg(nCtx));
    }

    // --- JSON-RPC transactions/s ---
    {
        const double cpuBefore = threadCpuUs(nodeTid);
        const LoadResult r = runLoad(port, token, contexts, nConn, 1000, seconds * 1000);
        const double nodeCpu = threadCpuUs(nodeTid) - cpuBefore;
        report("jsonrpc_tx_per_s", double(r.ok) / r.seconds, "tx/s",
               QStringLiteral("%1 keep-alive connections over %2 contexts, kv_store set, durable; %3 failed")
                   .arg(nConn).arg(nCtx).arg(r.failed));
        report("node_thread_cpu_us_per_tx", r.total ? nodeCpu / double(r.total) : 0, "us",
               QStringLiteral("node thread CPU (HTTP, JSON, routing, event loop) per request incl. warm-up"));
    }

    // --- WebSocket fan-out ---
    {
        QUrl wsUrl = url;
        wsUrl.setScheme(QStringLiteral("ws"));
        wsUrl.setPath(QStringLiteral("/ws"));
        wsUrl.setQuery(QStringLiteral("token=") + QString::fromUtf8(token));
        std::vector<std::unique_ptr<QWebSocket>> subs;
        int subscribed = 0, received = 0;
        QElapsedTimer clock;
        clock.start();
        qint64 sentAt = 0;
        std::vector<double> latencies;
        for (int i = 0; i < nSubs; ++i) {
            auto ws = std::make_unique<QWebSocket>();
            QObject::connect(ws.get(), &QWebSocket::textMessageReceived, [&](const QString &text) {
                if (text.contains(QLatin1String("\"subscriptions\""))) ++subscribed;
                else if (text.contains(QLatin1String("StateMutation"))) {
                    ++received;
                    latencies.push_back(double(clock.nsecsElapsed() - sentAt) / 1000.0);
                }
            });
            QObject::connect(ws.get(), &QWebSocket::connected, ws.get(), [&, w = ws.get()] {
                w->sendTextMessage(QString::fromUtf8(QJsonDocument(QJsonObject{
                    {"id", 1}, {"method", "subscribe"}, {"params", QJsonObject{{"contextIds", QJsonArray{ctx}}}}}).toJson(QJsonDocument::Compact)));
            });
            ws->open(wsUrl);
            subs.push_back(std::move(ws));
        }
        runUntil([&] { return subscribed == nSubs; }, 30000);
        for (int e = 0; e < nEvents; ++e) {
            const int want = received + nSubs;
            sentAt = clock.nsecsElapsed();
            admin.request("POST", "/jsonrpc", rpcSet(ctx, QStringLiteral("ws%1").arg(e), e), {});
            runUntil([&] { return received >= want && !admin.busy(); }, 30000);
        }
        report("ws_event_latency_p50_us", percentile(latencies, 0.50), "us",
               QStringLiteral("JSON-RPC request sent -> StateMutation received, %1 subscribers x %2 events").arg(nSubs).arg(nEvents));
        report("ws_event_latency_p99_us", percentile(latencies, 0.99), "us");
        const Histogram *phase = nullptr;
        node.call([&](Node &n) { phase = &n.phaseHistogram(Node::Phase::Websocket); });
        report("ws_phase_p50_us", double(phase->percentile(0.50)), "us", QStringLiteral("node: stateMutated -> frame queued, per subscriber"));
        report("ws_phase_p99_us", double(phase->percentile(0.99)), "us");
        report("ws_events_missing", double(long(nSubs) * nEvents - received), "events");
    }

    // --- large blob: upload sessions, streamed download, RSS ---
    if (blobMiB > 0) {
        const double rssBefore = rssMiB();
        call("POST", "/admin-api/blobs/uploads", {});
        const QByteArray base = "/admin-api/blobs/uploads/" + QJsonDocument::fromJson(answer).object()["uploadId"].toString().toLatin1();
        QByteArray part(1 << 20, Qt::Uninitialized);
        QElapsedTimer t;
        t.start();
        double rssPeak = rssBefore;
        for (int n = 0; n < blobMiB; ++n) {
            for (int i = 0; i < part.size(); i += 64) part[i] = char(n * 31 + i);  // distinct chunks
            if (call("PUT", base + '/' + QByteArray::number(n), part) != 200) {
                std::fprintf(stderr, "part %d: %s\n", n, answer.constData());
                return 1;
            }
            rssPeak = std::max(rssPeak, rssMiB());
        }
        call("POST", base + "/finish", {});
        const double upSeconds = double(t.nsecsElapsed()) / 1e9;
        const QByteArray blobId = QJsonDocument::fromJson(answer).object()["blobId"].toString().toLatin1();
        report("blob_upload_mib_per_s", blobMiB / upSeconds, "MiB/s", QStringLiteral("%1 MiB in 1 MiB parts, each durable").arg(blobMiB));
        report("blob_upload_rss_growth_mib", rssPeak - rssBefore, "MiB");

        const double rssStart = rssMiB(), anonStart = rssMiB("RssAnon:");
        double peak = rssStart, anonPeak = anonStart;
        QTimer sampler;
        QObject::connect(&sampler, &QTimer::timeout, [&] {
            peak = std::max(peak, rssMiB());
            anonPeak = std::max(anonPeak, rssMiB("RssAnon:"));
        });
        sampler.start(5);
        admin.discardBody = 0;
        t.restart();
        int status = 0;
        admin.request("GET", "/admin-api/blobs/" + blobId, {}, [&](int s, const QByteArray &) { status = s; });
        runUntil([&] { return !admin.busy(); }, 600000);
        const double downSeconds = double(t.nsecsElapsed()) / 1e9;
        sampler.stop();
        if (status != 200) std::fprintf(stderr, "download failed: %d\n", status);
        report("blob_download_mib_per_s", blobMiB / downSeconds, "MiB/s");
        report("blob_download_rss_growth_mib", peak - rssStart, "MiB", QStringLiteral("limit 64; includes mapped table files"));
        report("blob_download_rss_anon_growth_mib", anonPeak - anonStart, "MiB");
    }
    node.stop();
    return 0;
}
