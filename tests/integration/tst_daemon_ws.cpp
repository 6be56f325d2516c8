// Issue 3, acceptance 2: WebSocket subscriptions on a real daemon. A
// subscribed client receives the StateMutation (with kv_store's Inserted
// event) for a call made over JSON-RPC; `deltactl watch` prints them; a client
// that stops reading is dropped while the node's memory stays flat and the
// node keeps serving everyone else (tests/wasm/event_burst.wat supplies the
// volume: 1.6 MB of events per call).
#include "DaemonHarness.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QtTest>

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace dn::test;

namespace {

// A QWebSocket that records every message it receives.
struct WsClient {
    QWebSocket ws;
    QList<QJsonObject> messages;

    explicit WsClient(const Daemon &d, bool withToken = true) {
        QObject::connect(&ws, &QWebSocket::textMessageReceived, &ws,
                         [this](const QString &t) { messages << QJsonDocument::fromJson(t.toUtf8()).object(); });
        QNetworkRequest req(QUrl(QString(d.apiUrl()).replace(QLatin1String("http://"), QLatin1String("ws://")) + QStringLiteral("/ws")));
        if (withToken) req.setRawHeader("Authorization", "Bearer " + d.token().toUtf8());
        ws.setProxy(QNetworkProxy::NoProxy);
        ws.open(req);
    }
    void send(int id, const QString &method, const QJsonObject &params) {
        const QJsonObject m{{QStringLiteral("id"), id}, {QStringLiteral("method"), method}, {QStringLiteral("params"), params}};
        ws.sendTextMessage(QString::fromUtf8(QJsonDocument(m).toJson(QJsonDocument::Compact)));
    }
    QJsonObject answer(int id) const {
        for (const QJsonObject &m : messages)
            if (m.contains(QLatin1String("id")) && m.value(QLatin1String("id")).toInt() == id) return m;
        return {};
    }
    QList<QJsonObject> mutations() const {
        QList<QJsonObject> out;
        for (const QJsonObject &m : messages)
            if (m.value(QLatin1String("result")).toObject().value(QLatin1String("type")).toString() == QLatin1String("StateMutation"))
                out << m.value(QLatin1String("result")).toObject();
        return out;
    }
};

// Event data may arrive as JSON or as a string holding JSON.
QJsonObject eventData(const QJsonObject &event) {
    const QJsonValue d = event.value(QLatin1String("data"));
    return d.isString() ? QJsonDocument::fromJson(d.toString().toUtf8()).object() : d.toObject();
}

QJsonObject ctxParams(const QString &ctx) { return {{QStringLiteral("contextIds"), QJsonArray{ctx}}}; }

// A WebSocket client built on a bare socket that, once subscribed, never
// reads again: the node's sends back up into its own buffers.
class StalledClient {
public:
    ~StalledClient() {
        if (fd_ >= 0) ::close(fd_);
    }
    bool connectAndSubscribe(const Daemon &d, const QString &ctx, QString *error) {
        const QUrl url(d.apiUrl());
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        int small = 4096;  // keep the kernel's share of the backlog small
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(quint16(url.port()));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) return fail(error, "connect");
        const QByteArray hello = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(url.port()) +
                                 "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                 "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer " + d.token().toUtf8() + "\r\n\r\n";
        if (!writeAll(hello)) return fail(error, "handshake write");
        if (!readUntil("\r\n\r\n") || !received_.startsWith("HTTP/1.1 101")) return fail(error, "handshake: " + received_.left(200));
        const QByteArray sub = QJsonDocument(QJsonObject{{QStringLiteral("id"), 1}, {QStringLiteral("method"), QStringLiteral("subscribe")},
                                                         {QStringLiteral("params"), ctxParams(ctx)}})
                                   .toJson(QJsonDocument::Compact);
        if (!writeAll(maskedTextFrame(sub))) return fail(error, "subscribe write");
        if (!readUntil("\"result\"")) return fail(error, "no subscribe answer: " + received_.left(300));
        return true;
    }
    // Drains what the kernel holds; true once the node has closed or reset
    // the connection (EOF or ECONNRESET) within the deadline.
    bool droppedWithin(int ms) {
        ::fcntl(fd_, F_SETFL, O_NONBLOCK);
        QElapsedTimer t;
        t.start();
        char buf[65536];
        while (t.elapsed() < ms) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            const ssize_t n = ::read(fd_, buf, sizeof buf);
            if (n == 0 || (n < 0 && errno == ECONNRESET)) return true;
        }
        return false;
    }

private:
    static QByteArray maskedTextFrame(const QByteArray &payload) {
        QByteArray f;
        f.append(char(0x81));  // FIN, text
        if (payload.size() < 126) {
            f.append(char(0x80 | payload.size()));
        } else {
            f.append(char(0x80 | 126));
            f.append(char(payload.size() >> 8));
            f.append(char(payload.size() & 0xff));
        }
        const char mask[4] = {0x12, 0x34, 0x56, 0x78};
        f.append(mask, 4);
        for (qsizetype i = 0; i < payload.size(); ++i) f.append(char(payload[i] ^ mask[i % 4]));
        return f;
    }
    bool writeAll(const QByteArray &b) { return ::write(fd_, b.constData(), size_t(b.size())) == b.size(); }
    bool readUntil(const QByteArray &marker) {
        QElapsedTimer t;
        t.start();
        char buf[4096];
        while (!received_.contains(marker) && t.elapsed() < 10000) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            const ssize_t n = ::read(fd_, buf, sizeof buf);
            if (n <= 0) return false;
            received_.append(buf, n);
        }
        return received_.contains(marker);
    }
    bool fail(QString *error, const QByteArray &what) {
        *error = QStringLiteral("stalled client: %1 (%2)").arg(QString::fromUtf8(what), QString::fromLocal8Bit(strerror(errno)));
        return false;
    }

    int fd_ = -1;
    QByteArray received_;
};

}  // namespace

class DaemonWsTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<Daemon> node_;
    RawHttp http_;
    QString ctx_;

    QJsonObject set(const QString &key, const QString &value) {
        const HttpAnswer a = http_.execute(*node_, ctx_, QStringLiteral("set"),
                                           QJsonObject{{QStringLiteral("key"), key}, {QStringLiteral("value"), value}});
        return a.json().value(QLatin1String("result")).toObject();
    }

    // `n` calls of event_burst's `burst` (100 events of 16 000 bytes each,
    // ~1.6 MB pushed per subscriber per call), at most `parallel` in flight.
    bool burst(const QString &ctx, int n, int parallel, QString *error) {
        QNetworkAccessManager nam;
        nam.setProxy(QNetworkProxy::NoProxy);
        int started = 0, finished = 0;
        QEventLoop loop;
        std::function<void()> next = [&] {
            const int i = started++;
            QNetworkRequest req(QUrl(node_->apiUrl() + QStringLiteral("/jsonrpc")));
            req.setRawHeader("Authorization", "Bearer " + node_->token().toUtf8());
            req.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
            const QJsonObject rpc{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("id"), i},
                                  {QStringLiteral("method"), QStringLiteral("execute")},
                                  {QStringLiteral("params"), QJsonObject{{QStringLiteral("contextId"), ctx}, {QStringLiteral("method"), QStringLiteral("burst")},
                                                                         {QStringLiteral("argsJson"), QJsonObject{{QStringLiteral("n"), i}}}}}};
            QNetworkReply *r = nam.post(req, QJsonDocument(rpc).toJson(QJsonDocument::Compact));
            QObject::connect(r, &QNetworkReply::finished, &loop, [&, r] {
                const QByteArray body = r->readAll();
                r->deleteLater();
                if (!QJsonDocument::fromJson(body).object().contains(QLatin1String("result")) && error->isEmpty())
                    *error = QStringLiteral("call failed: ") + QString::fromUtf8(body.left(300));
                if (++finished == n) loop.quit();
                else if (started < n) next();
            });
        };
        for (int i = 0; i < parallel && i < n; ++i) next();
        QTimer::singleShot(120000, &loop, &QEventLoop::quit);
        loop.exec();
        if (finished != n && error->isEmpty()) *error = QStringLiteral("only %1 of %2 calls finished").arg(finished).arg(n);
        return error->isEmpty();
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        node_ = std::make_unique<Daemon>(dir_.filePath(QStringLiteral("node")));
        QString error;
        QVERIFY2(node_->start(&error), qPrintable(error));
        ctx_ = http_.kvContext(*node_, &error);
        QVERIFY2(!ctx_.isEmpty(), qPrintable(error));
    }

    void subscriberReceivesMutation() {
        WsClient c(*node_);
        QTRY_VERIFY_WITH_TIMEOUT(c.ws.state() == QAbstractSocket::ConnectedState, 10000);
        c.send(1, QStringLiteral("subscribe"), ctxParams(ctx_));
        QTRY_VERIFY_WITH_TIMEOUT(!c.answer(1).isEmpty(), 10000);
        QVERIFY2(c.answer(1).contains(QLatin1String("result")), qPrintable(jsonText(c.answer(1))));

        const QJsonObject result = set(QStringLiteral("k1"), QStringLiteral("v1"));
        QVERIFY(!result.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(c.mutations().size(), 1, 10000);
        const QJsonObject m = c.mutations().first();
        QCOMPARE(m.value(QLatin1String("contextId")).toString(), ctx_);
        const QJsonObject data = m.value(QLatin1String("data")).toObject();
        QCOMPARE(data.value(QLatin1String("newRoot")).toString(), result.value(QLatin1String("rootHash")).toString());
        QCOMPARE(data.value(QLatin1String("deltaId")).toString(), result.value(QLatin1String("deltaId")).toString());
        const QJsonArray events = data.value(QLatin1String("events")).toArray();
        QCOMPARE(events.size(), 1);
        QCOMPARE(events[0].toObject().value(QLatin1String("kind")).toString(), QStringLiteral("Inserted"));
        const QJsonObject ev = eventData(events[0].toObject());
        QCOMPARE(ev.value(QLatin1String("key")).toString(), QStringLiteral("k1"));
        QCOMPARE(ev.value(QLatin1String("value")).toString(), QStringLiteral("v1"));

        // execute over the socket itself.
        c.send(2, QStringLiteral("execute"),
               {{QStringLiteral("contextId"), ctx_}, {QStringLiteral("method"), QStringLiteral("get")},
                {QStringLiteral("argsJson"), QJsonObject{{QStringLiteral("key"), QStringLiteral("k1")}}}});
        QTRY_VERIFY_WITH_TIMEOUT(!c.answer(2).isEmpty(), 10000);
        QCOMPARE(c.answer(2).value(QLatin1String("result")).toObject().value(QLatin1String("output")).toString(), QStringLiteral("v1"));

        // After unsubscribe nothing more arrives: a second subscriber shows
        // the mutation was pushed, and an answer on the first socket (sent
        // after that push) shows nothing was queued for it before.
        c.send(3, QStringLiteral("unsubscribe"), ctxParams(ctx_));
        QTRY_VERIFY_WITH_TIMEOUT(!c.answer(3).isEmpty(), 10000);
        WsClient other(*node_);
        QTRY_VERIFY_WITH_TIMEOUT(other.ws.state() == QAbstractSocket::ConnectedState, 10000);
        other.send(1, QStringLiteral("subscribe"), ctxParams(ctx_));
        QTRY_VERIFY_WITH_TIMEOUT(!other.answer(1).isEmpty(), 10000);
        QVERIFY(!set(QStringLiteral("k2"), QStringLiteral("v2")).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(other.mutations().size(), 1, 10000);
        c.send(4, QStringLiteral("unsubscribe"), ctxParams(ctx_));
        QTRY_VERIFY_WITH_TIMEOUT(!c.answer(4).isEmpty(), 10000);
        QCOMPARE(c.mutations().size(), 1);
    }

    void refusesWithoutToken() {
        WsClient c(*node_, false);
        QTRY_VERIFY_WITH_TIMEOUT(c.ws.state() == QAbstractSocket::UnconnectedState, 10000);
        QVERIFY(c.messages.isEmpty());
        QCOMPARE(http_.get(*node_, QStringLiteral("/health"), false).status, 200);
    }

    void deltactlWatchPrintsMutations() {
        auto watch = startCtl(nodeArgs(*node_) + QStringList{QStringLiteral("--json"), QStringLiteral("watch"), ctx_, QStringLiteral("--count"), QStringLiteral("2")});
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += watch->readAllStandardError()).contains("watching"), 15000);
        QVERIFY(!set(QStringLiteral("w1"), QStringLiteral("one")).isEmpty());
        QVERIFY(!set(QStringLiteral("w2"), QStringLiteral("two")).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(watch->state() == QProcess::NotRunning, 15000);
        QCOMPARE(watch->exitCode(), 0);
        const QList<QByteArray> lines = watch->readAllStandardOutput().trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QStringList keys;
        for (const QByteArray &l : lines) {
            const QJsonObject m = QJsonDocument::fromJson(l).object();
            QCOMPARE(m.value(QLatin1String("type")).toString(), QStringLiteral("StateMutation"));
            QCOMPARE(m.value(QLatin1String("contextId")).toString(), ctx_);
            keys << eventData(m.value(QLatin1String("data")).toObject().value(QLatin1String("events")).toArray().first().toObject())
                        .value(QLatin1String("key"))
                        .toString();
        }
        QCOMPARE(keys, (QStringList{QStringLiteral("w1"), QStringLiteral("w2")}));
    }

    void stalledClientIsDropped() {
        QString error;
        const QString ctx = http_.appContext(*node_, "event_burst", &error);
        QVERIFY2(!ctx.isEmpty(), qPrintable(error));
        WsClient reader(*node_);
        QTRY_VERIFY_WITH_TIMEOUT(reader.ws.state() == QAbstractSocket::ConnectedState, 10000);
        reader.send(1, QStringLiteral("subscribe"), ctxParams(ctx));
        QTRY_VERIFY_WITH_TIMEOUT(!reader.answer(1).isEmpty(), 10000);
        // Warm-up: the node's memory grows until its caches and allocator
        // arenas reach their working size for 1.6 MB deltas (about 20 calls
        // here), then stays flat; only growth after that is measured.
        constexpr int kWarm = 30, kCalls = 30, kParallel = 1;
        QVERIFY2(burst(ctx, kWarm, kParallel, &error), qPrintable(error));
        const qint64 before = node_->rss();
        QVERIFY(before > 0);

        // ~48 MB of pushes: a node that kept them for a client that does not
        // read would grow by about that much.
        StalledClient stalled;
        QVERIFY2(stalled.connectAndSubscribe(*node_, ctx, &error), qPrintable(error));
        QVERIFY2(burst(ctx, kCalls, kParallel, &error), qPrintable(error));
        const qint64 after = node_->rss();
        qInfo("node RSS: %lld KiB after %d warm-up bursts, %lld KiB after %d more with a stalled subscriber", before, kWarm, after, kCalls);
        QVERIFY2(stalled.droppedWithin(15000), "the node kept a client that stopped reading");
        QVERIFY2(after - before < 32 * 1024, qPrintable(QStringLiteral("RSS grew by %1 KiB").arg(after - before)));

        // Everyone else was served throughout, every event included.
        QTRY_COMPARE_WITH_TIMEOUT(reader.mutations().size(), kWarm + kCalls, 30000);
        for (const QJsonObject &m : reader.mutations())
            QCOMPARE(m.value(QLatin1String("data")).toObject().value(QLatin1String("events")).toArray().size(), 100);
        QCOMPARE(http_.get(*node_, QStringLiteral("/health"), false).status, 200);
        QVERIFY(!set(QStringLiteral("still"), QStringLiteral("serving")).isEmpty());
    }

    void cleanupTestCase() {
        QString error;
        if (node_ && node_->running()) QVERIFY2(node_->stop(&error), qPrintable(error));
    }

private:
    static QString jsonText(const QJsonObject &o) { return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)); }
};

QTEST_GUILESS_MAIN(DaemonWsTest)
#include "tst_daemon_ws.moc"
