#pragma once
// Process-level test harness: starts the real `deltanode --headless` binary on
// free ports with a temporary data dir, runs `deltactl` against it, and talks
// raw HTTP. The daemon tests (tst_daemon_*.cpp) use only this — never the
// engine in-process — so they check what a user or script actually gets.
#include <QByteArray>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTimer>
#include <QUrl>

#include <csignal>
#include <memory>
#include <sys/resource.h>
#include <sys/types.h>

namespace dn::test {

inline QString deltanodeBinary() { return QStringLiteral(DN_BINARY_DIR "/app/deltanode"); }
inline QString deltactlBinary() { return QStringLiteral(DN_BINARY_DIR "/app/deltactl"); }
inline QString wasmPath(const char *name) { return QStringLiteral(DN_WASM_DIR "/") + QLatin1String(name) + QStringLiteral(".wasm"); }

// Resident set size of a process in KiB (VmRSS from /proc), -1 if unknown.
inline qint64 rssKiB(qint64 pid) {
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly)) return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:")) return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    return -1;
}

// A TCP port nothing listens on (bound, then released) — for "cannot reach".
inline quint16 closedPort() {
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    const quint16 port = s.serverPort();
    s.close();
    return port;
}

// A child environment without the DELTANODE_* variables of whoever runs the
// tests, so only the options a test passes count.
inline QProcessEnvironment cleanEnvironment() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DELTANODE_URL"));
    env.remove(QStringLiteral("DELTANODE_TOKEN"));
    return env;
}

// One deltanode process. start() waits (with a deadline) for the
// "api: http://127.0.0.1:PORT" line and reads the token file.
class Daemon {
public:
    explicit Daemon(QString dataDir) : dataDir_(std::move(dataDir)) {}
    ~Daemon() {
        if (proc_ && proc_->state() != QProcess::NotRunning) {
            proc_->kill();
            proc_->waitForFinished(10000);
        }
    }

    bool start(QString *error, const QStringList &extraArgs = {}, int deadlineMs = 30000) {
        proc_ = std::make_unique<QProcess>();
        proc_->setProgram(deltanodeBinary());
        proc_->setArguments(QStringList{QStringLiteral("--headless"), QStringLiteral("--data-dir"), dataDir_,
                                        QStringLiteral("--api-port"), QStringLiteral("0"), QStringLiteral("--listen"),
                                        QStringLiteral("/ip4/127.0.0.1/tcp/0")} +
                            extraArgs);
        proc_->setProcessEnvironment(cleanEnvironment());
        if (fileLimit_ > 0) {
            // Soft and hard: the node can raise its soft limit only to the hard one.
            const rlim_t limit = rlim_t(fileLimit_);
            proc_->setChildProcessModifier([limit] {
                const rlimit rl{limit, limit};
                ::setrlimit(RLIMIT_NOFILE, &rl);
            });
        }
        // Log lines go straight to the test's stderr (visible in ctest's
        // output), so a pipe we do not read can never block the daemon.
        proc_->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        stdout_.clear();
        apiUrl_.clear();
        QObject::connect(proc_.get(), &QProcess::readyReadStandardOutput, proc_.get(),
                         [this] { stdout_ += proc_->readAllStandardOutput(); });
        proc_->start();
        if (!proc_->waitForStarted(10000)) {
            *error = QStringLiteral("cannot start %1: %2").arg(deltanodeBinary(), proc_->errorString());
            return false;
        }
        static const QRegularExpression apiLine(QStringLiteral("^api:\\s+(http://127\\.0\\.0\\.1:\\d+)\\s*$"),
                                                QRegularExpression::MultilineOption);
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < deadlineMs) {
            const auto m = apiLine.match(QString::fromUtf8(stdout_));
            if (m.hasMatch()) {
                apiUrl_ = m.captured(1);
                break;
            }
            if (proc_->state() == QProcess::NotRunning) {
                *error = QStringLiteral("deltanode exited (code %1) before printing its API URL; stdout: %2")
                             .arg(proc_->exitCode())
                             .arg(QString::fromUtf8(stdout_));
                return false;
            }
            proc_->waitForReadyRead(100);
        }
        if (apiUrl_.isEmpty()) {
            *error = QStringLiteral("no 'api: http://127.0.0.1:PORT' line within %1 ms; stdout: %2").arg(deadlineMs).arg(QString::fromUtf8(stdout_));
            return false;
        }
        QFile tokenFile(dataDir_ + QStringLiteral("/api.token"));
        if (!tokenFile.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read %1: %2").arg(tokenFile.fileName(), tokenFile.errorString());
            return false;
        }
        token_ = QString::fromUtf8(tokenFile.readAll()).trimmed();
        return true;
    }

    // SIGTERM and wait; true when the process exited normally with code 0.
    bool stop(QString *error, int deadlineMs = 30000) {
        if (!proc_ || proc_->state() == QProcess::NotRunning) {
            *error = QStringLiteral("not running");
            return false;
        }
        ::kill(pid_t(proc_->processId()), SIGTERM);
        if (!proc_->waitForFinished(deadlineMs)) {
            *error = QStringLiteral("still running %1 ms after SIGTERM").arg(deadlineMs);
            return false;
        }
        if (proc_->exitStatus() != QProcess::NormalExit || proc_->exitCode() != 0) {
            *error = QStringLiteral("exited with status %1, code %2").arg(int(proc_->exitStatus())).arg(proc_->exitCode());
            return false;
        }
        return true;
    }

    // The open-file limit (soft and hard) the process starts with; 0 = inherited.
    void setFileLimit(qint64 limit) { fileLimit_ = limit; }
    bool running() const { return proc_ && proc_->state() == QProcess::Running; }
    qint64 pid() const { return proc_ ? proc_->processId() : 0; }
    qint64 rss() const { return rssKiB(pid()); }
    const QString &apiUrl() const { return apiUrl_; }
    const QString &token() const { return token_; }
    const QString &dataDir() const { return dataDir_; }
    QByteArray output() const { return stdout_; }

private:
    QString dataDir_;
    qint64 fileLimit_ = 0;
    std::unique_ptr<QProcess> proc_;
    QByteArray stdout_;
    QString apiUrl_;
    QString token_;
};

struct CtlResult {
    int exitCode = -1;  // -1: did not finish in time / crashed
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
    QString describe() const {
        return QStringLiteral("exit %1, stdout: %2, stderr: %3").arg(exitCode).arg(QString::fromUtf8(out.left(2000)), QString::fromUtf8(err.left(2000)));
    }
};

// `deltactl --node <daemon> --token <token> args…`, waited for.
inline std::unique_ptr<QProcess> startCtl(const QStringList &args, const QProcessEnvironment &env = cleanEnvironment()) {
    auto p = std::make_unique<QProcess>();
    p->setProgram(deltactlBinary());
    p->setArguments(args);
    p->setProcessEnvironment(env);
    p->start();
    return p;
}

inline CtlResult finishCtl(QProcess &p, int timeoutMs) {
    CtlResult r;
    // The caller may have waited already (e.g. while sampling the daemon),
    // so the process can be finished here: only a failed start is an error.
    if (p.state() == QProcess::Starting) p.waitForStarted(10000);
    if (p.error() == QProcess::FailedToStart) {
        r.err = p.errorString().toUtf8();
        return r;
    }
    if (p.state() != QProcess::NotRunning && !p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
    } else if (p.exitStatus() == QProcess::NormalExit) {
        r.exitCode = p.exitCode();
    }
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

inline QStringList nodeArgs(const Daemon &d) {
    return {QStringLiteral("--node"), d.apiUrl(), QStringLiteral("--token"), d.token()};
}

inline CtlResult ctlRaw(const QStringList &args, int timeoutMs = 60000, const QProcessEnvironment &env = cleanEnvironment()) {
    auto p = startCtl(args, env);
    return finishCtl(*p, timeoutMs);
}

inline CtlResult ctl(const Daemon &d, const QStringList &args, int timeoutMs = 60000) {
    return ctlRaw(nodeArgs(d) + args, timeoutMs);
}

struct HttpAnswer {
    int status = 0;  // 0: no answer
    QByteArray body;
    QString error;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    // REST errors: {"error":{"code","message"}}
    QString errorCode() const { return json().value(QLatin1String("error")).toObject().value(QLatin1String("code")).toString(); }
    QString errorMessage() const { return json().value(QLatin1String("error")).toObject().value(QLatin1String("message")).toString(); }
    QString describe() const {
        return QStringLiteral("HTTP %1 %2 %3").arg(status).arg(error, QString::fromUtf8(body.left(1000)));
    }
};

// Raw HTTP with a deadline. `token` empty: no Authorization header.
class RawHttp {
public:
    RawHttp() { nam_.setProxy(QNetworkProxy::NoProxy); }

    HttpAnswer request(const QByteArray &verb, const QUrl &url, const QByteArray &body = {}, const QString &token = {},
                       const QByteArray &contentType = "application/json", int timeoutMs = 30000) {
        QNetworkRequest req(url);
        if (!token.isEmpty()) req.setRawHeader("Authorization", "Bearer " + token.toUtf8());
        if (!body.isEmpty() || verb != "GET") req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        QNetworkReply *reply = nam_.sendCustomRequest(req, verb, body);
        QEventLoop loop;
        QTimer timer;
        timer.setSingleShot(true);
        QObject::connect(&timer, &QTimer::timeout, reply, &QNetworkReply::abort);
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        timer.start(timeoutMs);
        if (!reply->isFinished()) loop.exec();
        HttpAnswer a;
        a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        a.body = reply->readAll();
        if (reply->error() != QNetworkReply::NoError) a.error = reply->errorString();
        reply->deleteLater();
        return a;
    }

    HttpAnswer get(const Daemon &d, const QString &path, bool auth = true) {
        return request("GET", QUrl(d.apiUrl() + path), {}, auth ? d.token() : QString());
    }
    HttpAnswer post(const Daemon &d, const QString &path, const QByteArray &body, const QByteArray &type = "application/json") {
        return request("POST", QUrl(d.apiUrl() + path), body, d.token(), type);
    }
    HttpAnswer postJson(const Daemon &d, const QString &path, const QJsonObject &body) {
        return post(d, path, QJsonDocument(body).toJson(QJsonDocument::Compact));
    }
    // JSON-RPC execute; returns the whole answer.
    HttpAnswer execute(const Daemon &d, const QString &ctx, const QString &method, const QJsonValue &args, int id = 1) {
        const QJsonObject rpc{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                              {QStringLiteral("id"), id},
                              {QStringLiteral("method"), QStringLiteral("execute")},
                              {QStringLiteral("params"), QJsonObject{{QStringLiteral("contextId"), ctx},
                                                                     {QStringLiteral("method"), method},
                                                                     {QStringLiteral("argsJson"), args}}}};
        return postJson(d, QStringLiteral("/jsonrpc"), rpc);
    }

    // Installs kv_store (raw module upload) and creates a context running
    // it; returns the context id, or an empty string with *error set.
    QString kvContext(const Daemon &d, QString *error) { return appContext(d, "kv_store", error); }

    // The same for any module in DN_WASM_DIR.
    QString appContext(const Daemon &d, const char *module, QString *error) {
        QFile wasm(wasmPath(module));
        if (!wasm.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read %1").arg(wasm.fileName());
            return {};
        }
        const HttpAnswer app = post(d, QStringLiteral("/admin-api/applications?name=") + QLatin1String(module), wasm.readAll(), "application/wasm");
        const QString appId = app.json().value(QLatin1String("application")).toObject().value(QLatin1String("applicationId")).toString();
        if (app.status != 201 || appId.isEmpty()) {
            *error = QStringLiteral("install: ") + app.describe();
            return {};
        }
        const HttpAnswer ctx = postJson(d, QStringLiteral("/admin-api/contexts"), QJsonObject{{QStringLiteral("applicationId"), appId}});
        const QString ctxId = ctx.json().value(QLatin1String("context")).toObject().value(QLatin1String("contextId")).toString();
        if (ctx.status != 201 || ctxId.isEmpty()) *error = QStringLiteral("create context: ") + ctx.describe();
        return ctxId;
    }

private:
    QNetworkAccessManager nam_;
};

}  // namespace dn::test
