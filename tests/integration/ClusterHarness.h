#pragma once
// Multi-process clusters for the network acceptance tests (issue 4): real
// `deltanode --headless` processes on loopback, each on free ports with its
// own data dir, driven only through the HTTP API (DaemonHarness.h). Waiting is
// always "poll a condition until a deadline", never a fixed sleep.
#include "DaemonHarness.h"
#include <QDir>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QEventLoop>
#include <functional>
#include <memory>
#include <random>
#include <vector>

namespace dn::test {

struct ClusterNode {
    std::unique_ptr<Daemon> daemon;
    QString peerId;
    QString p2p;  // first p2p address, with /p2p/<peer id>
    QString dataDir;
};

class Cluster {
public:
    explicit Cluster(int workers = 1) : workers_(workers) {}
    ~Cluster() {
        // Stop them all at once (SIGTERM first, then wait) rather than one by one.
        for (auto &n : nodes_)
            if (n.daemon && n.daemon->running()) ::kill(pid_t(n.daemon->pid()), SIGTERM);
    }

    bool valid() const { return root_.isValid(); }
    int size() const { return int(nodes_.size()); }
    ClusterNode &node(int i) { return nodes_[size_t(i)]; }
    Daemon &d(int i) { return *nodes_[size_t(i)].daemon; }

    // Starts a new node (or restarts node `reuse` on its data dir) dialing
    // `bootstrap` (indices of running nodes). Extra TOML goes into its config.
    bool start(QString *error, const std::vector<int> &bootstrap = {}, const QByteArray &toml = {}, int reuse = -1) {
        const int i = reuse >= 0 ? reuse : int(nodes_.size());
        if (reuse < 0) {
            ClusterNode n;
            n.dataDir = root_.filePath(QStringLiteral("node%1").arg(i));
            QDir().mkpath(n.dataDir);
            QFile cfg(n.dataDir + QStringLiteral("/config.toml"));
            if (!cfg.open(QIODevice::WriteOnly)) {
                *error = QStringLiteral("cannot write %1").arg(cfg.fileName());
                return false;
            }
            cfg.write("[p2p]\nmdns = false\n" + toml);
            cfg.close();
            nodes_.push_back(std::move(n));
        }
        ClusterNode &n = nodes_[size_t(i)];
        n.daemon = std::make_unique<Daemon>(n.dataDir);
        QStringList args{QStringLiteral("--workers"), QString::number(workers_)};
        for (int b : bootstrap) args << QStringLiteral("--bootstrap") << nodes_[size_t(b)].p2p;
        if (!n.daemon->start(error, args)) return false;
        static const QRegularExpression p2pLine(QStringLiteral("^p2p:\\s+(/\\S+/p2p/(\\S+))\\s*$"), QRegularExpression::MultilineOption);
        const auto m = p2pLine.match(QString::fromUtf8(n.daemon->output()));
        if (!m.hasMatch()) {
            *error = QStringLiteral("no 'p2p: /…/p2p/<id>' line; stdout: %1").arg(QString::fromUtf8(n.daemon->output()));
            return false;
        }
        n.p2p = m.captured(1);
        n.peerId = m.captured(2);
        return true;
    }

    bool stop(int i, QString *error) { return nodes_[size_t(i)].daemon->stop(error); }

    // ---- API helpers (each one request, synchronous, with a deadline) ----
    HttpAnswer post(int i, const QString &path, const QJsonObject &body) { return http_.postJson(d(i), path, body); }
    HttpAnswer get(int i, const QString &path) { return http_.get(d(i), path); }
    HttpAnswer del(int i, const QString &path) { return http_.request("DELETE", QUrl(d(i).apiUrl() + path), {}, d(i).token()); }

    QString createKvContext(int i, QString *error) { return http_.kvContext(d(i), error); }

    // An invitation `uses` joins may share (the cluster tests hand one
    // invitation to several nodes).
    QString invite(int i, const QString &ctx, QString *error, int uses = 100) {
        const HttpAnswer a = post(i, QStringLiteral("/admin-api/contexts/%1/invite").arg(ctx), {{QStringLiteral("uses"), uses}});
        const QString inv = a.json().value(QLatin1String("invitation")).toString();
        if (a.status != 200 || inv.isEmpty()) *error = QStringLiteral("invite: ") + a.describe();
        return inv;
    }
    bool join(int i, const QString &invitation, QString *error) {
        const HttpAnswer a = post(i, QStringLiteral("/admin-api/contexts/join"), {{QStringLiteral("invitation"), invitation}});
        if (a.status != 200) *error = QStringLiteral("join on node %1: %2").arg(i).arg(a.describe());
        return a.status == 200;
    }
    bool set(int i, const QString &ctx, const QString &key, const QString &value, QString *error = nullptr) {
        const HttpAnswer a = http_.execute(d(i), ctx, QStringLiteral("set"),
                                           QJsonObject{{QStringLiteral("key"), key}, {QStringLiteral("value"), value}});
        const bool ok = a.status == 200 && !a.json().contains(QLatin1String("error"));
        if (!ok && error) *error = QStringLiteral("set on node %1: %2").arg(i).arg(a.describe());
        return ok;
    }
    // The value of `key` as kv_store's get returns it (JSON null → empty).
    QString value(int i, const QString &ctx, const QString &key) {
        const HttpAnswer a = http_.execute(d(i), ctx, QStringLiteral("get"), QJsonObject{{QStringLiteral("key"), key}});
        return a.json().value(QLatin1String("result")).toObject().value(QLatin1String("output")).toString();
    }
    QJsonObject context(int i, const QString &ctx) {
        return get(i, QStringLiteral("/admin-api/contexts/%1").arg(ctx)).json().value(QLatin1String("context")).toObject();
    }
    QString peerId(int i) const { return nodes_[size_t(i)].peerId; }
    // This node's role in the context as it sees it: "admin", "member" or "none".
    QString role(int i, const QString &ctx) { return context(i, ctx).value(QLatin1String("role")).toString(); }
    // `admin` makes node `i` an admin and waits until `i` sees it (it may then invite).
    bool promote(int admin, int i, const QString &ctx, QString *error, int ms = 30000) {
        const HttpAnswer a = http_.request("PUT", QUrl(d(admin).apiUrl() + QStringLiteral("/admin-api/contexts/%1/members/%2/role").arg(ctx, peerId(i))),
                                           R"({"role":"admin"})", d(admin).token());
        if (a.status != 200) {
            *error = QStringLiteral("promote node %1: %2").arg(i).arg(a.describe());
            return false;
        }
        if (waitFor([&] { return role(i, ctx) == QLatin1String("admin"); }, ms)) return true;
        *error = QStringLiteral("node %1 did not learn it is an admin").arg(i);
        return false;
    }
    QString root(int i, const QString &ctx) { return context(i, ctx).value(QLatin1String("rootHash")).toString(); }
    qint64 applied(int i, const QString &ctx) { return qint64(context(i, ctx).value(QLatin1String("appliedCount")).toDouble()); }
    QJsonArray peers(int i) { return get(i, QStringLiteral("/admin-api/peers")).json().value(QLatin1String("peers")).toArray(); }
    bool block(int i, const QString &peer, bool on) {
        const QString path = QStringLiteral("/admin-api/peers/%1/block").arg(peer);
        return (on ? post(i, path, {}) : del(i, path)).status == 200;
    }

    // Root hashes of `nodes` when all equal and not empty; else an empty string.
    QString commonRoot(const QString &ctx, const std::vector<int> &nodes) {
        QString first;
        for (int i : nodes) {
            const QString r = root(i, ctx);
            if (r.isEmpty() || (!first.isEmpty() && r != first)) return {};
            first = r;
        }
        return first;
    }
    std::vector<int> all() const {
        std::vector<int> v(nodes_.size());
        for (size_t i = 0; i < v.size(); ++i) v[i] = int(i);
        return v;
    }
    // Polls `cond` until it holds or `ms` pass, serving events meanwhile
    // (no QtTest dependency: the network benchmark uses this too).
    static bool waitFor(const std::function<bool()> &cond, int ms) {
        QElapsedTimer t;
        t.start();
        for (;;) {
            if (cond()) return true;
            if (t.elapsed() >= ms) return false;
            QEventLoop loop;
            QTimer::singleShot(5, &loop, &QEventLoop::quit);
            loop.exec();
        }
    }

private:
    QTemporaryDir root_;
    int workers_;
    std::vector<ClusterNode> nodes_;
    RawHttp http_;
};

}  // namespace dn::test
