// Network benchmark (issue 4 acceptance 7; not in the default suite).
//
// Delta propagation across N local deltanode processes (real daemons on
// loopback, a seeded random sparse bootstrap graph), and in the same run the
// same figures for N js-libp2p gossipsub nodes (tests/interop/peer.mjs) on
// the same topology with messages of the same size. Then the convergence time
// of a 6-node cluster after a partition heals.
//
//   build/tests/bench_network [--nodes 10,20] [--messages 100] [--burst 300]
//                             [--value-bytes 256] [--heals 3] [--skip-js]
//                             [--flood 5000]
//
// Clocks: all wall-clock ms on this machine (system_clock here, js's
// performance.timeOrigin + now()), so times from different processes compare.
//   deltanode latency: JSON-RPC `set` sent to the author → the WebSocket
//     StateMutation push from each other node arrives (the author's
//     transaction incl. its fsync, gossip, reception, application, push).
//     "commit" is request → the author's reply (sent once the delta is
//     durable, when it is also published); "propagation" is that reply → each
//     other node's push: gossip hops, reception, application, WebSocket.
//   js latency: publish command written to the publisher's stdin → each other
//     node's `message` event (receivedAt).
//   deliveries/s: a burst of messages from rotating authors; messages × (N−1)
//     over the time until the last node has the last one.
//   flood: the same latency run again while a stranger (a peer with a fresh
//     identity, member of nothing) publishes validly signed messages of its
//     own on the context's topic to node 0 at --flood messages/s; the members'
//     figures with and without it side by side, and node 0's CPU time per
//     second of each phase (DESIGN §16: a flood must cost members little).
#include "../integration/HostilePeer.h"
#include "codec/Envelope.h"
#include "crypto/Ed25519.h"
#include "crypto/Random.h"
#include <QCoreApplication>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QStandardPaths>
#include <QWebSocket>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <unistd.h>

using namespace dn;
using namespace dn::test;

namespace {

double wallMs() {
    return double(std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count()) / 1000.0;
}

void report(const char *system, int nodes, const char *metric, double value, const char *unit) {
    std::printf("{\"system\":\"%s\",\"nodes\":%d,\"metric\":\"%s\",\"value\":%.3f,\"unit\":\"%s\"}\n", system, nodes, metric, value, unit);
    std::fflush(stdout);
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return -1;
    std::sort(v.begin(), v.end());
    const size_t i = std::min(v.size() - 1, size_t(std::ceil(p * double(v.size()))) - (p > 0 ? 1 : 0));
    return v[i];
}

// Node i dials one or two earlier nodes (seeded): connected, sparse.
std::vector<std::vector<int>> topology(int n) {
    std::mt19937 rng(20);
    auto boot = std::vector<std::vector<int>>(size_t(n));
    for (int i = 1; i < n; ++i) {
        boot[size_t(i)].push_back(int(rng() % unsigned(i)));
        if (i > 2 && rng() % 3 == 0) {
            const int extra = int(rng() % unsigned(i));
            if (extra != boot[size_t(i)][0]) boot[size_t(i)].push_back(extra);
        }
    }
    return boot;
}

// The bytes a kv_store `set` of `valueBytes` puts on a context topic.
int deltaMessageBytes(int valueBytes) {
    const Ed25519Key author = Ed25519Key::generate();
    const QByteArray value(valueBytes, 'v');
    DeltaBody b;
    b.contextId = *Hash32::fromBytes(randomBytes(32));
    b.parents = {*Hash32::fromBytes(randomBytes(32))};
    b.actions = {Action::put("m100", value)};
    b.hlc = 1;
    b.author = author.publicKey();
    b.events = {Event{"Inserted", "{\"key\":\"m100\",\"value\":\"" + value + "\"}", {}}};
    const int env = int(sealDelta(b, author, randomBytes(32)).envelopeBytes.size());
    return env + 3;  // GossipPayload: field tag + length varint
}

struct Figures {
    std::vector<double> latency, commit, propagation;
    std::vector<double> floodLatency, floodPropagation;  // --flood: the same run beside a stranger's flood
    double quietCpuMsPerS = 0, floodCpuMsPerS = 0;       // node 0's CPU (user+system) per wall second
    double floodRate = 0;                                // messages/s the stranger actually sent
    double deliveriesPerSec = 0;
    int lost = 0;  // deliveries missing at the deadline (js only; deltanode fails instead)
};

// ---- deltanode ----

// CPU time (user + system) of a process so far, in ms; -1 if unknown.
double cpuMs(qint64 pid) {
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly)) return -1;
    const QByteArray line = f.readAll();
    // Fields after the command name (which may hold spaces): state is field 3.
    const QList<QByteArray> rest = line.mid(line.lastIndexOf(')') + 2).split(' ');
    if (rest.size() < 13) return -1;
    return (rest[11].toDouble() + rest[12].toDouble()) * 1000.0 / double(::sysconf(_SC_CLK_TCK));
}

Figures runDeltanode(int n, int messages, int burst, int valueBytes, int floodRate, bool *ok) {
    Figures f;
    *ok = false;
    Cluster c(1);
    QString err;
    const auto boot = topology(n);
    for (int i = 0; i < n; ++i)
        if (!c.start(&err, boot[size_t(i)])) return std::fprintf(stderr, "start: %s\n", qPrintable(err)), f;
    const QString ctx = c.createKvContext(0, &err);
    // Inviters must be admins: node 0 promotes each node that invites others.
    std::vector<bool> invites(size_t(n), false);
    for (int i = 1; i < n; ++i) invites[size_t(boot[size_t(i)][0])] = true;
    for (int i = 1; i < n && !ctx.isEmpty(); ++i) {
        const QString inv = c.invite(boot[size_t(i)][0], ctx, &err, 1);
        if (inv.isEmpty() || !c.join(i, inv, &err)) return std::fprintf(stderr, "join: %s\n", qPrintable(err)), f;
        if (invites[size_t(i)] && !c.promote(0, i, ctx, &err)) return std::fprintf(stderr, "promote: %s\n", qPrintable(err)), f;
    }
    if (!Cluster::waitFor([&] { return !c.commonRoot(ctx, c.all()).isEmpty(); }, 60000)) return f;

    // One WebSocket per node: arrival time of each delta's push.
    std::map<QString, std::map<int, double>> arrivals;
    std::vector<int> pushes(size_t(n), 0);
    std::vector<std::unique_ptr<QWebSocket>> taps;
    int subscribed = 0;
    for (int i = 0; i < n; ++i) {
        auto ws = std::make_unique<QWebSocket>();
        QObject::connect(ws.get(), &QWebSocket::textMessageReceived, ws.get(), [&, i](const QString &text) {
            const double t = wallMs();
            const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
            const QJsonObject r = o.value(QLatin1String("result")).toObject();
            if (o.value(QLatin1String("id")).toInt() == 1) ++subscribed;
            if (r.value(QLatin1String("type")).toString() != QLatin1String("StateMutation")) return;
            arrivals[r.value(QLatin1String("data")).toObject().value(QLatin1String("deltaId")).toString()][i] = t;
            ++pushes[size_t(i)];
        });
        QObject::connect(ws.get(), &QWebSocket::connected, ws.get(), [&, i, w = ws.get()] {
            w->sendTextMessage(QString::fromUtf8(QJsonDocument(QJsonObject{
                {QStringLiteral("id"), 1}, {QStringLiteral("method"), QStringLiteral("subscribe")},
                {QStringLiteral("params"), QJsonObject{{QStringLiteral("contextIds"), QJsonArray{ctx}}}}}).toJson(QJsonDocument::Compact)));
        });
        QNetworkRequest req(QUrl(QString(c.d(i).apiUrl()).replace(QLatin1String("http://"), QLatin1String("ws://")) + QStringLiteral("/ws")));
        req.setRawHeader("Authorization", "Bearer " + c.d(i).token().toUtf8());
        ws->open(req);
        taps.push_back(std::move(ws));
    }
    if (!Cluster::waitFor([&] { return subscribed == n; }, 20000)) return std::fprintf(stderr, "websockets did not subscribe\n"), f;

    RawHttp http;
    const QString value(valueBytes, QLatin1Char('v'));
    // `messages` sets from rotating authors, one at a time; false (and why on
    // stderr) when one did not reach every node.
    auto measure = [&](const QString &prefix, std::vector<double> &latency, std::vector<double> *commit,
                       std::vector<double> &propagation) {
        for (int m = 0; m < messages; ++m) {
            const int author = m % n;
            const double t0 = wallMs();
            const HttpAnswer a = http.execute(c.d(author), ctx, QStringLiteral("set"),
                                              QJsonObject{{QStringLiteral("key"), prefix + QString::number(m)}, {QStringLiteral("value"), value}});
            const double committed = wallMs();  // the reply comes once the delta is durable, as the publish does
            const QString id = a.json().value(QLatin1String("result")).toObject().value(QLatin1String("deltaId")).toString();
            if (id.isEmpty()) return std::fprintf(stderr, "set on node %d: %s\n", author, qPrintable(a.describe())), false;
            if (!Cluster::waitFor([&] { return arrivals[id].size() == size_t(n); }, 20000))
                return std::fprintf(stderr, "delta %s reached %zu of %d nodes\n", qPrintable(id), arrivals[id].size(), n), false;
            if (commit) commit->push_back(committed - t0);
            for (const auto &[node, t] : arrivals[id])
                if (node != author) {
                    latency.push_back(t - t0);
                    propagation.push_back(std::max(0.0, t - committed));
                }
        }
        return true;
    };
    double cpu0 = cpuMs(c.d(0).pid()), wall0 = wallMs();
    if (!measure(QStringLiteral("m"), f.latency, &f.commit, f.propagation)) return f;
    f.quietCpuMsPerS = (cpuMs(c.d(0).pid()) - cpu0) / ((wallMs() - wall0) / 1000.0);

    if (floodRate > 0) {
        QTemporaryDir strangerDir;
        QString error;
        auto stranger = HostilePeer::open(strangerDir.path(), &error);
        if (!stranger) return std::fprintf(stderr, "flood: stranger: %s\n", qPrintable(error)), f;
        const QString addr = c.d(0).output().contains("p2p: ")
                                 ? QString::fromUtf8(c.d(0).output()).section(QStringLiteral("p2p: "), 1, 1).section('\n', 0, 0).trimmed()
                                 : QString();
        if (addr.isEmpty() || !stranger->dial(addr, 20000)) return std::fprintf(stderr, "flood: cannot dial node 0 at '%s'\n", qPrintable(addr)), f;
        const QString topic = NetworkService::topicOf(Hash32::fromBase58(ctx).value());
        const PeerId node0 = PeerId::fromBase58(addr.section(QStringLiteral("/p2p/"), 1, 1)).value();
        GossipService &g = stranger->gossip();
        g.subscribe(topic);
        if (!HostilePeer::waitFor([&] { return g.topicPeers(topic).contains(node0); }, 20000))
            return std::fprintf(stderr, "flood: node 0 never listed the stranger on its topic\n"), f;
        // Paced by wall time on a 2 ms timer; runs inside the nested event
        // loops of the measurement's HTTP calls and waits.
        quint64 sent = 0;
        QElapsedTimer since;
        since.start();
        QTimer pace;
        QObject::connect(&pace, &QTimer::timeout, &pace, [&] {
            const quint64 due = quint64(since.elapsed()) * quint64(floodRate) / 1000;
            for (; sent < due; ++sent) {
                deltanode::pb::GossipPayload p;
                p.set_envelope(QByteArray(200, char('a' + sent % 26)).toStdString());
                (void)g.publish(topic, QByteArray::fromStdString(p.SerializeAsString()));
            }
        });
        pace.start(2);
        Cluster::waitFor([] { return false; }, 1000);  // the flood is under way before the first sample
        cpu0 = cpuMs(c.d(0).pid());
        wall0 = wallMs();
        const bool measured = measure(QStringLiteral("f"), f.floodLatency, nullptr, f.floodPropagation);
        f.floodCpuMsPerS = (cpuMs(c.d(0).pid()) - cpu0) / ((wallMs() - wall0) / 1000.0);
        pace.stop();
        f.floodRate = double(sent) / (double(since.elapsed()) / 1000.0);
        if (!measured) return f;
    }

    // Burst: many writes in flight at once from rotating authors.
    QNetworkAccessManager nam;
    nam.setProxy(QNetworkProxy::NoProxy);
    const std::vector<int> before = pushes;
    int sent = 0, inFlight = 0, failed = 0;
    std::function<void()> pump = [&] {
        while (sent < burst && inFlight < 32) {
            const int author = sent % n;
            QNetworkRequest req(QUrl(c.d(author).apiUrl() + QStringLiteral("/jsonrpc")));
            req.setRawHeader("Authorization", "Bearer " + c.d(author).token().toUtf8());
            req.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
            const QJsonObject rpc{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("id"), sent},
                                  {QStringLiteral("method"), QStringLiteral("execute")},
                                  {QStringLiteral("params"), QJsonObject{{QStringLiteral("contextId"), ctx}, {QStringLiteral("method"), QStringLiteral("set")},
                                                                         {QStringLiteral("argsJson"), QJsonObject{{QStringLiteral("key"), QStringLiteral("b%1").arg(sent)},
                                                                                                                   {QStringLiteral("value"), value}}}}}};
            QNetworkReply *r = nam.post(req, QJsonDocument(rpc).toJson(QJsonDocument::Compact));
            ++sent;
            ++inFlight;
            QObject::connect(r, &QNetworkReply::finished, r, [&, r] {
                if (r->error() != QNetworkReply::NoError) ++failed;
                r->deleteLater();
                --inFlight;
                pump();
            });
        }
    };
    const double start = wallMs();
    pump();
    const bool done = Cluster::waitFor([&] {
        for (int i = 0; i < n; ++i) if (pushes[size_t(i)] - before[size_t(i)] < burst) return false;
        return true;
    }, 120000);
    if (!done || failed) return std::fprintf(stderr, "burst: done=%d failed=%d\n", int(done), failed), f;
    f.deliveriesPerSec = double(burst) * double(n - 1) / ((wallMs() - start) / 1000.0);
    *ok = true;
    return f;
}

// ---- js-libp2p ----

// The interop peer with its node_modules: the build tree's copy (installed
// by the interop_js target), else the source tree's (scripts/setup).
QString jsDir() {
    for (const QString &d : {QStringLiteral(DN_BINARY_DIR "/tests/interop/js"), QStringLiteral(DN_SOURCE_DIR "/tests/interop")})
        if (QFile::exists(d + QStringLiteral("/node_modules/libp2p/package.json"))) return d;
    return QStringLiteral(DN_SOURCE_DIR "/tests/interop");
}

class JsNode {
public:
    std::function<void(const QJsonObject &)> onEvent;
    QString peerId;
    QStringList addrs;

    bool start(const QString &topic) {
        const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
        proc_.setWorkingDirectory(jsDir());
        QObject::connect(&proc_, &QProcess::readyReadStandardOutput, &proc_, [this] {
            buf_ += proc_.readAllStandardOutput();
            for (int nl; (nl = int(buf_.indexOf('\n'))) >= 0;) {
                const QJsonObject e = QJsonDocument::fromJson(buf_.left(nl)).object();
                buf_.remove(0, nl + 1);
                if (e.value(QLatin1String("event")).toString() == QLatin1String("listening")) {
                    peerId = e.value(QLatin1String("peerId")).toString();
                    for (const QJsonValue &a : e.value(QLatin1String("addrs")).toArray()) addrs << a.toString();
                }
                if (onEvent) onEvent(e);
            }
        });
        proc_.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        proc_.start(node, {QStringLiteral("--import"), QStringLiteral("./polyfill.mjs"), QStringLiteral("peer.mjs"),
                           QStringLiteral("--listen"), QStringLiteral("/ip4/127.0.0.1/tcp/0"), QStringLiteral("--topic"), topic});
        return !node.isEmpty() && Cluster::waitFor([&] { return !addrs.isEmpty(); }, 30000);
    }
    void send(const QJsonObject &cmd) { proc_.write(QJsonDocument(cmd).toJson(QJsonDocument::Compact) + '\n'); }
    ~JsNode() {
        proc_.closeWriteChannel();
        if (!proc_.waitForFinished(3000)) proc_.kill();
    }

private:
    QProcess proc_;
    QByteArray buf_;
};

QByteArray jsPayload(quint64 seq, int bytes) {
    QByteArray p(std::max(bytes, 8), 'x');
    for (int i = 0; i < 8; ++i) p[i] = char(seq >> (8 * i));
    return p;
}

Figures runJs(int n, int messages, int burst, int messageBytes, bool *ok) {
    Figures f;
    *ok = false;
    const QString topic = QStringLiteral("bench");
    std::vector<std::unique_ptr<JsNode>> nodes;
    std::map<quint64, std::map<int, double>> arrivals;
    for (int i = 0; i < n; ++i) {
        auto js = std::make_unique<JsNode>();
        js->onEvent = [&, i](const QJsonObject &e) {
            if (e.value(QLatin1String("event")).toString() != QLatin1String("message")) return;
            const QByteArray d = QByteArray::fromBase64(e.value(QLatin1String("data")).toString().toLatin1());
            if (d.size() < 8) return;
            quint64 seq = 0;
            for (int k = 0; k < 8; ++k) seq |= quint64(uint8_t(d[k])) << (8 * k);
            arrivals[seq][i] = e.value(QLatin1String("receivedAt")).toDouble();
        };
        if (!js->start(topic)) return std::fprintf(stderr, "js node %d did not start (is tests/interop/js installed?)\n", i), f;
        nodes.push_back(std::move(js));
    }
    const auto boot = topology(n);
    for (int i = 0; i < n; ++i)
        for (int b : boot[size_t(i)]) nodes[size_t(i)]->send({{QStringLiteral("cmd"), QStringLiteral("dial")}, {QStringLiteral("addr"), nodes[size_t(b)]->addrs.first()}});
    // Warm up until probes from both ends of the graph reach everyone (mesh formed).
    quint64 probe = 1'000'000;
    for (int from : {0, n - 1}) {
        const bool reached = Cluster::waitFor([&] {
            const quint64 id = probe++;
            nodes[size_t(from)]->send({{QStringLiteral("cmd"), QStringLiteral("publish")}, {QStringLiteral("topic"), topic},
                                       {QStringLiteral("data"), QString::fromLatin1(jsPayload(id, messageBytes).toBase64())}});
            return Cluster::waitFor([&] { return arrivals[id].size() == size_t(n - 1); }, 1000);
        }, 30000);
        if (!reached) return std::fprintf(stderr, "js mesh did not form\n"), f;
    }
    for (int m = 0; m < messages; ++m) {
        const int pub = m % n;
        const quint64 id = quint64(m);
        const double t0 = wallMs();
        nodes[size_t(pub)]->send({{QStringLiteral("cmd"), QStringLiteral("publish")}, {QStringLiteral("topic"), topic},
                                  {QStringLiteral("data"), QString::fromLatin1(jsPayload(id, messageBytes).toBase64())}});
        if (!Cluster::waitFor([&] { return arrivals[id].size() == size_t(n - 1); }, 10000)) f.lost += n - 1 - int(arrivals[id].size());
        for (const auto &[node, t] : arrivals[id]) f.latency.push_back(t - t0);
    }
    const double start = wallMs();
    for (int m = 0; m < burst; ++m) {
        const quint64 id = 500'000 + quint64(m);
        nodes[size_t(m % n)]->send({{QStringLiteral("cmd"), QStringLiteral("publish")}, {QStringLiteral("topic"), topic},
                                    {QStringLiteral("data"), QString::fromLatin1(jsPayload(id, messageBytes).toBase64())}});
    }
    // Until everything arrived, or nothing more arrives for 10 s (js drops
    // messages when a peer's outbound queue is full): count what is missing.
    auto delivered = [&] {
        size_t got = 0;
        for (int m = 0; m < burst; ++m) got += arrivals[500'000 + quint64(m)].size();
        return got;
    };
    size_t last = 0;
    double lastChange = wallMs(), lastArrival = start;
    Cluster::waitFor([&] {
        const size_t got = delivered();
        if (got != last) {
            last = got;
            lastChange = lastArrival = wallMs();
        }
        return got == size_t(burst) * size_t(n - 1) || wallMs() - lastChange > 10000;
    }, 300000);
    f.lost += int(size_t(burst) * size_t(n - 1) - last);
    f.deliveriesPerSec = double(last) / ((lastArrival - start) / 1000.0);
    *ok = true;
    return f;
}

// ---- partition heal ----

std::vector<double> healTimes(int rounds) {
    std::vector<double> out;
    Cluster c(1);
    QString err;
    for (int i = 0; i < 6; ++i) {
        std::vector<int> boot;
        for (int j = 0; j < i; ++j) boot.push_back(j);
        if (!c.start(&err, boot)) return out;
    }
    const QString ctx = c.createKvContext(0, &err);
    const QString inv = c.invite(0, ctx, &err);
    for (int i = 1; i < 6; ++i)
        if (!c.join(i, inv, &err)) return out;
    for (int r = 0; r < rounds; ++r) {
        for (int l = 0; l < 3; ++l)
            for (int k = 3; k < 6; ++k) c.block(l, c.node(k).peerId, true), c.block(k, c.node(l).peerId, true);
        for (int i = 0; i < 6; ++i) c.set(i, ctx, QStringLiteral("r%1").arg(r), QStringLiteral("node%1").arg(i));
        if (!Cluster::waitFor([&] { return !c.commonRoot(ctx, {0, 1, 2}).isEmpty() && !c.commonRoot(ctx, {3, 4, 5}).isEmpty(); }, 30000)) return out;
        for (int l = 0; l < 3; ++l)
            for (int k = 3; k < 6; ++k) c.block(l, c.node(k).peerId, false), c.block(k, c.node(l).peerId, false);
        const double healed = wallMs();
        if (!Cluster::waitFor([&] { return !c.commonRoot(ctx, c.all()).isEmpty(); }, 30000)) return out;
        out.push_back(wallMs() - healed);
    }
    return out;
}

}  // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    QList<int> sizes{10, 20};
    int messages = 100, burst = 300, valueBytes = 256, heals = 3;
    int flood = 5000;
    bool skipJs = false;
    const QStringList a = app.arguments();
    for (int i = 1; i < a.size(); ++i) {
        if (a[i] == QLatin1String("--nodes") && i + 1 < a.size()) {
            sizes.clear();
            for (const QString &s : a[++i].split(QLatin1Char(','))) sizes << s.toInt();
        } else if (a[i] == QLatin1String("--messages") && i + 1 < a.size()) messages = a[++i].toInt();
        else if (a[i] == QLatin1String("--burst") && i + 1 < a.size()) burst = a[++i].toInt();
        else if (a[i] == QLatin1String("--value-bytes") && i + 1 < a.size()) valueBytes = a[++i].toInt();
        else if (a[i] == QLatin1String("--heals") && i + 1 < a.size()) heals = a[++i].toInt();
        else if (a[i] == QLatin1String("--flood") && i + 1 < a.size()) flood = a[++i].toInt();
        else if (a[i] == QLatin1String("--skip-js")) skipJs = true;
        else {
            std::fprintf(stderr, "usage: bench_network [--nodes 10,20] [--messages N] [--burst N] [--value-bytes N] [--heals N] [--flood MSGS_PER_S] [--skip-js]\n");
            return 2;
        }
    }
    QLoggingCategory::setFilterRules(QStringLiteral("*.info=false\n*.debug=false"));
    const int msgBytes = deltaMessageBytes(valueBytes);
    std::printf("{\"note\":\"message size on the topic: %d bytes (kv set of a %d-byte value); js messages padded to the same\"}\n", msgBytes, valueBytes);
    for (int n : sizes) {
        bool ok = false;
        const Figures d = runDeltanode(n, messages, burst, valueBytes, flood, &ok);
        if (!ok) return std::fprintf(stderr, "deltanode run with %d nodes failed\n", n), 1;
        report("deltanode", n, "latency_p50", percentile(d.latency, 0.5), "ms");
        report("deltanode", n, "latency_p99", percentile(d.latency, 0.99), "ms");
        report("deltanode", n, "commit_p50", percentile(d.commit, 0.5), "ms");
        report("deltanode", n, "propagation_p50", percentile(d.propagation, 0.5), "ms");
        report("deltanode", n, "propagation_p99", percentile(d.propagation, 0.99), "ms");
        report("deltanode", n, "deliveries_per_s", d.deliveriesPerSec, "1/s");
        report("deltanode", n, "node0_cpu_quiet", d.quietCpuMsPerS, "ms/s");
        if (flood > 0) {
            report("deltanode", n, "stranger_flood_rate", d.floodRate, "1/s");
            report("deltanode", n, "flood_latency_p50", percentile(d.floodLatency, 0.5), "ms");
            report("deltanode", n, "flood_latency_p99", percentile(d.floodLatency, 0.99), "ms");
            report("deltanode", n, "flood_propagation_p50", percentile(d.floodPropagation, 0.5), "ms");
            report("deltanode", n, "flood_propagation_p99", percentile(d.floodPropagation, 0.99), "ms");
            report("deltanode", n, "node0_cpu_flood", d.floodCpuMsPerS, "ms/s");
            // A stranger must not be able to take the members' service away:
            // fail loudly when the flood more than doubles the members' p99.
            const double quiet = percentile(d.latency, 0.99), loud = percentile(d.floodLatency, 0.99);
            if (loud > 2 * quiet + 20)
                return std::fprintf(stderr, "members' p99 under a %d msg/s stranger flood: %.1f ms against %.1f ms without\n",
                                    flood, loud, quiet), 1;
        }
        if (skipJs) continue;
        const Figures j = runJs(n, messages, burst, msgBytes, &ok);
        if (!ok) return std::fprintf(stderr, "js-libp2p run with %d nodes failed\n", n), 1;
        report("js-libp2p", n, "latency_p50", percentile(j.latency, 0.5), "ms");
        report("js-libp2p", n, "latency_p99", percentile(j.latency, 0.99), "ms");
        report("js-libp2p", n, "deliveries_per_s", j.deliveriesPerSec, "1/s");
        report("js-libp2p", n, "deliveries_lost", j.lost, "count");
    }
    const auto h = healTimes(heals);
    if (int(h.size()) != heals) return std::fprintf(stderr, "partition heal run failed\n"), 1;
    report("deltanode", 6, "heal_convergence_p50", percentile(h, 0.5), "ms");
    report("deltanode", 6, "heal_convergence_max", *std::max_element(h.begin(), h.end()), "ms");
    return 0;
}
