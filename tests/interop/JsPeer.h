#pragma once
// Runs tests/interop/peer.mjs (a js-libp2p node) as a child process and
// talks to it in NDJSON: commands on its stdin, events from its stdout.
// Shared by the interop tests (transport here, gossipsub later).
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>
#include <functional>

namespace dn::test {

class JsPeer {
public:
    // Where the script and its node_modules live (the build tree copy).
    static QString jsDir() { return QStringLiteral(DN_INTEROP_JS_DIR); }
    static QString nodeExecutable() { return QStringLiteral(DN_NODE_EXECUTABLE); }

    // Why js peers cannot run here, or empty when they can.
    static QString unavailableReason() {
        if (nodeExecutable().isEmpty() || !QFile::exists(nodeExecutable()))
            return QStringLiteral("node (Node.js >= 20) was not found at configure time");
        if (!QFile::exists(jsDir() + QStringLiteral("/node_modules/libp2p/package.json")))
            return QStringLiteral("js-libp2p is not installed in %1: `npm ci` failed during the build "
                                  "(run scripts/setup, check network access to the npm registry, then rebuild)")
                .arg(jsDir());
        return {};
    }

    explicit JsPeer(QStringList args = {}) {
        proc_.setWorkingDirectory(jsDir());
        proc_.setProcessChannelMode(QProcess::SeparateChannels);
        QObject::connect(&proc_, &QProcess::readyReadStandardOutput, [this] { readLines(); });
        QObject::connect(&proc_, &QProcess::readyReadStandardError,
                         [this] { stderr_ += proc_.readAllStandardError(); });
        proc_.start(nodeExecutable(), QStringList{QStringLiteral("--import"), QStringLiteral("./polyfill.mjs"),
                                                  QStringLiteral("peer.mjs")} + args);
    }
    ~JsPeer() {
        if (proc_.state() != QProcess::NotRunning) {
            proc_.closeWriteChannel();  // the script exits when stdin closes
            if (!proc_.waitForFinished(3000)) {
                proc_.kill();
                proc_.waitForFinished(2000);
            }
        }
    }

    void send(const QJsonObject &cmd) {
        proc_.write(QJsonDocument(cmd).toJson(QJsonDocument::Compact) + '\n');
    }

    // The first event (from the start) matching `pred`, waiting up to `ms`.
    std::optional<QJsonObject> waitFor(const std::function<bool(const QJsonObject &)> &pred, int ms = 20000) {
        QElapsedTimer t;
        t.start();
        for (;;) {
            for (const QJsonObject &e : std::as_const(events_))
                if (pred(e)) return e;
            if (t.elapsed() > ms || proc_.state() == QProcess::NotRunning) return std::nullopt;
            QTest::qWait(5);
        }
    }
    std::optional<QJsonObject> waitForEvent(const QString &name, int ms = 20000) {
        return waitFor([&name](const QJsonObject &e) { return e.value(QStringLiteral("event")).toString() == name; }, ms);
    }
    // Forgets the events seen so far (to wait for the next one of a kind).
    void clearEvents() { events_.clear(); }

    const QList<QJsonObject> &events() const { return events_; }
    QString stderrText() const { return QString::fromUtf8(stderr_.right(4000)); }
    QString eventsText() const {
        QString s;
        for (const auto &e : events_) s += QString::fromUtf8(QJsonDocument(e).toJson(QJsonDocument::Compact)) + u'\n';
        return s.right(6000);
    }

private:
    void readLines() {
        buf_ += proc_.readAllStandardOutput();
        qsizetype nl;
        while ((nl = buf_.indexOf('\n')) >= 0) {
            const QByteArray line = buf_.left(nl);
            buf_.remove(0, nl + 1);
            const QJsonDocument d = QJsonDocument::fromJson(line);
            if (d.isObject()) events_.append(d.object());
            else qWarning() << "js peer:" << line;
        }
    }

    QProcess proc_;
    QByteArray buf_;
    QByteArray stderr_;
    QList<QJsonObject> events_;
};

}  // namespace dn::test
