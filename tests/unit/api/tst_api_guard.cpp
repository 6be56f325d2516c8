// The API's connection guard end to end (DESIGN §16): a real ApiServer on a
// port, raw sockets driving it the way a hostile local process would. Every
// refusal is an HTTP answer with a one-line JSON error, the connection is
// closed, nothing of the body reaches the server, and it keeps serving.
#include "ApiFixture.h"
#include <QWebSocket>

using namespace dn;
using namespace dn::test;

namespace {
bool closed(RawHttp &raw, int ms = 10000) {
    return waitUntil([&] { return raw.socket.state() == QAbstractSocket::UnconnectedState; }, ms);
}
const QByteArray kAuth = QByteArray("Authorization: Bearer ") + FakeNode::kToken + "\r\n";
}  // namespace

class TestApiGuard : public QObject {
    Q_OBJECT
private slots:
    void refusedBeforeTheBody_data() {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        const QByteArray post = "POST /jsonrpc HTTP/1.1\r\nHost: localhost\r\n";
        QTest::newRow("unauthenticated chunked") << post + "Transfer-Encoding: chunked\r\n\r\n" << 411 << "length_required";
        QTest::newRow("chunked with a token") << post + kAuth + "Transfer-Encoding: chunked\r\n\r\n" << 411 << "length_required";
        QTest::newRow("two lengths") << post + kAuth + "Content-Length: 2\r\nContent-Length: 40\r\n\r\n" << 400 << "bad_framing";
        QTest::newRow("length -1") << post + kAuth + "Content-Length: -1\r\n\r\n" << 400 << "bad_framing";
        QTest::newRow("xchunked") << post + kAuth + "Transfer-Encoding: xchunked\r\n\r\n" << 400 << "bad_framing";
        QTest::newRow("rebinding host") << QByteArray("GET /metrics HTTP/1.1\r\nHost: attacker.example\r\n") + kAuth + "\r\n" << 421 << "host_not_allowed";
        QTest::newRow("foreign origin") << QByteArray("GET /admin-api/status HTTP/1.1\r\nHost: localhost\r\nOrigin: http://attacker.example\r\n") + kAuth + "\r\n" << 403 << "origin_not_allowed";
        QTest::newRow("no token, big body") << post + "Content-Length: 16000000\r\n\r\n" << 401 << "unauthorized";
    }

    void refusedBeforeTheBody() {
        QFETCH(QByteArray, head);
        QFETCH(int, status);
        QFETCH(QString, code);
        ApiFixture f;
        RawHttp raw(f.port);
        // The head and a first slice of a body that would otherwise be buffered.
        raw.send(head + QByteArray(256 * 1024, 'x'));
        const auto r = raw.next();
        QVERIFY(r);
        QCOMPARE(r->status, status);
        QCOMPARE(r->errorCode(), code);
        QVERIFY(!r->json().value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().isEmpty());
        QCOMPARE(r->header("Connection"), QByteArray("close"));
        QVERIFY(r->header("Access-Control-Allow-Origin").isEmpty());
        QVERIFY(closed(raw));
        const ApiStats s = f.server.stats();
        QCOMPARE(s.requests, quint64(0));  // nothing reached the router
        QCOMPARE(s.connections.refusedBy.at(code.toLatin1()), quint64(1));
        QCOMPARE(f.get(QStringLiteral("/admin-api/status")).status, 200);
    }

    // The gate frames the stream itself while QHttpServer 6.4 reads one
    // request per readyRead and re-emits for the rest: the two must stay in
    // step whatever the read boundaries. A body that looks like a refused
    // head is a body, never a request.
    void pipelinedStreamStaysInStep() {
        ApiFixture f;
        const QByteArray sneaky = "GET /metrics HTTP/1.1\r\nHost: attacker.example\r\n\r\n";
        QByteArray stream;
        int expected = 0;
        for (int i = 0; i < 30; ++i) {
            if (i % 3 == 0) stream += RawHttp::format("GET", "/health");
            else if (i % 3 == 1) stream += RawHttp::format("PUT", "/admin-api/blobs", sneaky + QByteArray::number(i));
            else stream += RawHttp::format("GET", "/admin-api/status");
            ++expected;
        }
        RawHttp raw(f.port);
        raw.socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
        quint32 seed = 7;
        for (qsizetype at = 0; at < stream.size();) {
            seed = seed * 1103515245u + 12345u;
            const qsizetype piece = std::min<qsizetype>(stream.size() - at, 1 + (seed >> 16) % 97);
            raw.send(stream.mid(at, piece));
            at += piece;
            QVERIFY(raw.socket.waitForBytesWritten(5000) || raw.socket.bytesToWrite() == 0);
            QCoreApplication::processEvents();
        }
        for (int i = 0; i < expected; ++i) {
            const auto r = raw.next();
            QVERIFY2(r, qPrintable(QStringLiteral("answer %1 missing").arg(i)));
            QVERIFY2(r->status == 200 || r->status == 201, qPrintable(QStringLiteral("answer %1: %2 %3").arg(i).arg(r->status).arg(QString::fromUtf8(r->body))));
        }
        QCOMPARE(f.server.stats().refused, quint64(0));
        QCOMPARE(f.server.stats().connections.passed, quint64(expected));  // the gate framed every one
    }

    void webSocketOrigins() {
        ApiServerOptions o;
        o.allowedOrigins = {"http://localhost:5173"};
        ApiFixture f(std::move(o));
        auto upgrade = [&](const QByteArray &origin) {
            RawHttp raw(f.port);
            raw.send("GET /ws?token=" + QByteArray(FakeNode::kToken) + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                     "Origin: " + origin + "\r\n\r\n");
            QByteArray got;
            waitUntil([&] {
                got += raw.socket.readAll();
                return got.contains("\r\n\r\n") || raw.socket.state() != QAbstractSocket::ConnectedState;
            });
            return got;
        };
        const QByteArray evil = upgrade("http://attacker.example");
        QVERIFY2(evil.startsWith("HTTP/1.1 403"), evil.constData());
        QVERIFY(!evil.contains("attacker.example\r\n"));  // the origin is not echoed back
        const QByteArray good = upgrade("http://localhost:5173");
        QVERIFY2(good.startsWith("HTTP/1.1 101"), good.constData());
    }

    void headerAndIdleTimeouts() {
        ApiServerOptions o;
        o.limits.headerTimeoutMs = 300;
        o.limits.idleTimeoutMs = 300;
        ApiFixture f(std::move(o));
        // Half a head, then nothing: 408.
        RawHttp slow(f.port);
        slow.send("GET /admin-api/status HTTP/1.1\r\nHost: localhost\r\n");
        const auto r = slow.next();
        QVERIFY(r);
        QCOMPARE(r->status, 408);
        QCOMPARE(r->errorCode(), QStringLiteral("request_timeout"));
        QVERIFY(closed(slow));
        // Connected, never a byte: 408 as well (the first request is a head too).
        RawHttp silent(f.port);
        const auto s = silent.next();
        QVERIFY(s);
        QCOMPARE(s->status, 408);
        // A served keep-alive connection that then idles is closed quietly.
        RawHttp idle(f.port);
        idle.send(RawHttp::format("GET", "/admin-api/status"));
        QCOMPARE(idle.next()->status, 200);
        QVERIFY(closed(idle));
        QVERIFY(f.server.stats().connections.idleClosed >= 1);
        QCOMPARE(f.server.stats().connections.refusedBy.at("request_timeout"), quint64(2));
    }

    void connectionCap() {
        ApiServerOptions o;
        o.limits.maxConnections = 8;
        ApiFixture f(std::move(o));
        std::vector<std::unique_ptr<RawHttp>> conns;
        // Eight served, idle keep-alive connections: a newcomer takes the oldest one's place.
        for (int i = 0; i < 8; ++i) {
            conns.push_back(std::make_unique<RawHttp>(f.port));
            conns.back()->send(RawHttp::format("GET", "/admin-api/status"));
            QCOMPARE(conns.back()->next()->status, 200);
        }
        RawHttp ninth(f.port);
        ninth.send(RawHttp::format("GET", "/admin-api/status"));
        QCOMPARE(ninth.next()->status, 200);
        QVERIFY(closed(*conns.front()));
        // Silent connections that never finish a first request only evict
        // each other: a client's call still gets through.
        conns.clear();
        ninth.socket.disconnectFromHost();
        QVERIFY(waitUntil([&] { return f.server.stats().connections.open == 0; }));
        std::vector<std::unique_ptr<RawHttp>> silent;
        for (int i = 0; i < 20; ++i) silent.push_back(std::make_unique<RawHttp>(f.port));
        QVERIFY(waitUntil([&] { return f.server.stats().connections.idleClosed >= 1 + 12; }));
        QCOMPARE(f.get(QStringLiteral("/admin-api/status")).status, 200);
        silent.clear();
        QVERIFY(waitUntil([&] { return f.server.stats().connections.open <= 1; }));  // the client's keep-alive one
        const quint64 passed0 = f.server.stats().connections.passed;
        // Eight connections each in the middle of a call (a body on its way):
        // nobody may be evicted, the newcomer gets 503.
        std::vector<std::unique_ptr<RawHttp>> busy;
        for (int i = 0; i < 8; ++i) {
            busy.push_back(std::make_unique<RawHttp>(f.port));
            busy.back()->send("POST /jsonrpc HTTP/1.1\r\nHost: localhost\r\n" + kAuth + "Content-Length: 100\r\n\r\n{");
        }
        QVERIFY(waitUntil([&] { return f.server.stats().connections.passed == passed0 + 8; }));
        RawHttp turnedAway(f.port);
        const auto r = turnedAway.next();
        QVERIFY(r);
        QCOMPARE(r->status, 503);
        QCOMPARE(r->errorCode(), QStringLiteral("busy"));
        QVERIFY(closed(turnedAway));
    }

    void pipelinedFloodIsBounded() {
        ApiServerOptions o;
        o.limits.maxPipelined = 16;
        ApiFixture f(std::move(o));
        RawHttp raw(f.port);
        QByteArray many;
        for (int i = 0; i < 40; ++i) many += RawHttp::format("GET", "/health");
        raw.send(many);
        const auto r = raw.next();
        QVERIFY(r);
        QCOMPARE(r->status, 503);
        QCOMPARE(r->errorCode(), QStringLiteral("busy"));
        QVERIFY(closed(raw));
    }

    void neverReadingClientIsCutOff() {
        ApiServerOptions o;
        o.limits.maxUnsentBytes = 256 * 1024;
        o.limits.maxPipelined = 100000;  // this test is about the output, not the pipelining cap
        ApiFixture f(std::move(o));
        RawHttp raw(f.port);
        raw.socket.setReadBufferSize(4096);  // this client does not read: the kernel buffers fill up
        QByteArray batch;
        for (int i = 0; i < 32; ++i) batch += RawHttp::format("GET", "/metrics");
        QVERIFY(waitUntil([&] {
            if (raw.socket.state() != QAbstractSocket::ConnectedState) return true;
            if (raw.socket.bytesToWrite() == 0) raw.send(batch);
            return false;
        }, 60000));
        const ApiStats st = f.server.stats();
        QString why;
        for (const auto &[code, n] : st.connections.refusedBy) why += QStringLiteral("%1=%2 ").arg(QString::fromLatin1(code)).arg(n);
        QVERIFY2(st.connections.cutOff >= 1, qPrintable(why + raw.socket.errorString()));
        QCOMPARE(f.get(QStringLiteral("/admin-api/status")).status, 200);
    }
};

QTEST_MAIN(TestApiGuard)
#include "tst_api_guard.moc"
