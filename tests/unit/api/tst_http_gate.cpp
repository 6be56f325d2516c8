// HttpGate alone: bytes in, verdicts out (DESIGN §16, RFC 9112 framing).
// Each row is a request a hostile client (or a smuggling proxy) might send,
// and what the gate must answer before any body byte reaches the HTTP parser.
#include "api/HttpGate.h"
#include <QTest>

using namespace dn;

namespace {
const QByteArray kToken = "sesame";

HttpGatePolicy policy() {
    HttpGatePolicy p;
    p.allowedHosts = {"node.example.org"};
    p.allowedOrigins = {"http://localhost:5173"};
    p.maxHeadBytes = 1024;
    p.maxRequestBytes = 4096;
    p.authorized = [](const QByteArray &auth, const QString &query) {
        return auth == "Bearer " + kToken || query == QString::fromLatin1(kToken);
    };
    return p;
}

QByteArray req(const QByteArray &extra, const QByteArray &line = "GET /admin-api/status HTTP/1.1") {
    return line + "\r\nHost: localhost:2528\r\nAuthorization: Bearer " + kToken + "\r\n" + extra + "\r\n";
}
}  // namespace

class TestHttpGate : public QObject {
    Q_OBJECT
private slots:
    void refusals_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        auto row = [](const char *name, QByteArray b, int status, const char *code) {
            QTest::newRow(name) << b << status << QString::fromLatin1(code);
        };
        row("two Content-Length", req("Content-Length: 3\r\nContent-Length: 4\r\n", "POST /jsonrpc HTTP/1.1"), 400, "bad_framing");
        row("Content-Length list", req("Content-Length: 3, 3\r\n", "POST /jsonrpc HTTP/1.1"), 400, "bad_framing");
        row("negative Content-Length", req("Content-Length: -1\r\n", "POST /jsonrpc HTTP/1.1"), 400, "bad_framing");
        row("Content-Length with a sign", req("Content-Length: +5\r\n", "POST /jsonrpc HTTP/1.1"), 400, "bad_framing");
        row("huge Content-Length", req("Content-Length: 99999999999999999999\r\n", "POST /jsonrpc HTTP/1.1"), 400, "bad_framing");
        row("xchunked", req("Transfer-Encoding: xchunked\r\n", "POST /jsonrpc HTTP/1.1"), 400, "bad_framing");
        row("gzip, chunked", req("Transfer-Encoding: gzip, chunked\r\n", "POST /jsonrpc HTTP/1.1"), 400, "bad_framing");
        row("chunked and a length", req("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "POST /jsonrpc HTTP/1.1"), 400, "bad_framing");
        row("chunked", req("Transfer-Encoding: chunked\r\n", "POST /jsonrpc HTTP/1.1"), 411, "length_required");
        row("obs-fold", req("X-A: 1\r\n  continued\r\n"), 400, "bad_framing");
        row("space before colon", req("Content-Length : 5\r\n"), 400, "bad_framing");
        row("bare LF", QByteArray("GET /health HTTP/1.1\nHost: localhost\r\n\r\n"), 400, "bad_framing");
        row("bare CR", QByteArray("GET /health HTTP/1.1\r\nHost: local\rhost\r\n\r\n"), 400, "bad_framing");
        row("NUL in a header", req(QByteArray("X-A: a\0b\r\n", 10)), 400, "bad_framing");
        row("HTTP/2 preface", QByteArray("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), 400, "bad_framing");
        row("absolute target", req({}, "GET http://evil/admin-api/status HTTP/1.1"), 400, "bad_framing");
        row("two spaces", req({}, "GET  /admin-api/status HTTP/1.1"), 400, "bad_framing");
        row("no Host", QByteArray("GET /health HTTP/1.1\r\n\r\n"), 400, "bad_framing");
        row("two Hosts", req("Host: localhost\r\n"), 400, "bad_framing");
        row("rebinding Host", QByteArray("GET /health HTTP/1.1\r\nHost: evil.example:2528\r\n\r\n"), 421, "host_not_allowed");
        row("foreign Origin", req("Origin: http://evil.example\r\n"), 403, "origin_not_allowed");
        row("null Origin", req("Origin: null\r\n"), 403, "origin_not_allowed");
        row("no token", QByteArray("GET /admin-api/status HTTP/1.1\r\nHost: localhost\r\n\r\n"), 401, "unauthorized");
        row("wrong token", QByteArray("GET /admin-api/status HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer x\r\n\r\n"), 401, "unauthorized");
        row("metrics without token", QByteArray("GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n"), 401, "unauthorized");
        row("query token outside an upgrade", QByteArray("GET /admin-api/status?token=sesame HTTP/1.1\r\nHost: localhost\r\n\r\n"), 401, "unauthorized");
        row("unauthenticated chunked", QByteArray("POST /jsonrpc HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"), 411, "length_required");
        row("body over the cap", req("Content-Length: 5000\r\n", "POST /jsonrpc HTTP/1.1"), 413, "too_large");
        row("head over the cap", req("X-Pad: " + QByteArray(2000, 'a') + "\r\n"), 431, "headers_too_large");
        row("endless head", QByteArray("GET /health HTTP/1.1\r\nX: ") + QByteArray(5000, 'a'), 431, "headers_too_large");
    }

    void refusals() {
        QFETCH(QByteArray, bytes);
        QFETCH(int, status);
        QFETCH(QString, code);
        const HttpGatePolicy p = policy();
        // Whole, and one byte at a time: the verdict must not depend on how the bytes arrive.
        for (int step : {0, 1}) {
            HttpGate gate(&p);
            HttpGate::Verdict v = HttpGate::Verdict::Pass;
            if (step == 0) {
                v = gate.feed(bytes);
            } else {
                for (qsizetype i = 0; i < bytes.size() && v == HttpGate::Verdict::Pass; ++i) v = gate.feed(bytes.sliced(i, 1));
            }
            QCOMPARE(v, HttpGate::Verdict::Refuse);
            QCOMPARE(gate.refusal().status, status);
            QCOMPARE(QString::fromLatin1(errorInfo(gate.refusal().code).wire), code);
            QVERIFY(!gate.refusal().message.isEmpty());
            QCOMPARE(gate.requestsPassed(), quint64(0));
            // Once refused, it stays refused.
            QCOMPARE(gate.feed("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"), HttpGate::Verdict::Refuse);
        }
    }

    void honestRequestsPass() {
        const HttpGatePolicy p = policy();
        HttpGate gate(&p);
        const QByteArray body = R"({"jsonrpc":"2.0"})";
        QByteArray stream;
        stream += "GET /health HTTP/1.1\r\nHost: 127.0.0.1:2528\r\n\r\n";
        stream += "GET /health HTTP/1.0\r\n\r\n";                                        // 1.0 may omit Host
        stream += "\r\n";                                                                 // an empty line between requests
        stream += req("Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n",
                      "POST /jsonrpc HTTP/1.1") + body;
        stream += "GET /admin-api/status HTTP/1.1\r\nHost: [::1]:2528\r\nauthorization: Bearer sesame\r\n\r\n";
        stream += "GET /admin-api/status HTTP/1.1\r\nHost: NODE.example.org\r\nAuthorization: Bearer sesame\r\n"
                  "Origin: http://localhost:5173\r\n\r\n";
        // A body that looks like a head is a body: it must not be framed as a request.
        const QByteArray sneaky = "GET /metrics HTTP/1.1\r\nHost: evil\r\n\r\n";
        stream += req("Content-Length: " + QByteArray::number(sneaky.size()) + "\r\n", "PUT /admin-api/blobs HTTP/1.1") + sneaky;
        QCOMPARE(gate.feed(stream), HttpGate::Verdict::Pass);
        QCOMPARE(gate.requestsPassed(), quint64(6));
        QVERIFY(!gate.inHead() && !gate.inBody());
        // Byte by byte, the same.
        HttpGate slow(&p);
        for (char c : stream) QCOMPARE(slow.feed(QByteArrayView(&c, 1)), HttpGate::Verdict::Pass);
        QCOMPARE(slow.requestsPassed(), quint64(6));
    }

    void statesForTheClocks() {
        const HttpGatePolicy p = policy();
        HttpGate gate(&p);
        QVERIFY(!gate.inHead());
        QCOMPARE(gate.feed("POST /jsonrpc HTTP/1.1\r\nHost: localhost\r\n"), HttpGate::Verdict::Pass);
        QVERIFY(gate.inHead());
        QCOMPARE(gate.feed("Authorization: Bearer sesame\r\nContent-Length: 10\r\n\r\n12345"), HttpGate::Verdict::Pass);
        QVERIFY(gate.inBody());
        QCOMPARE(gate.feed("67890"), HttpGate::Verdict::Pass);
        QVERIFY(!gate.inBody() && !gate.inHead());
    }

    void webSocketUpgradeTunnels() {
        const HttpGatePolicy p = policy();
        const QByteArray up = "GET /ws?token=sesame HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                              "Connection: Upgrade\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 13\r\n\r\n";
        HttpGate gate(&p);
        QCOMPARE(gate.feed(up + QByteArray("\x81\x05hello\x00\xff", 9)), HttpGate::Verdict::Tunnel);
        QCOMPARE(gate.feed(QByteArray(100, '\0')), HttpGate::Verdict::Tunnel);  // frames are not HTTP
        // The same upgrade from a foreign page, or without the token: refused.
        HttpGate foreign(&p);
        QByteArray evil = up;
        evil.replace("Host: localhost\r\n", "Host: localhost\r\nOrigin: http://evil.example\r\n");
        QCOMPARE(foreign.feed(evil), HttpGate::Verdict::Refuse);
        QCOMPARE(foreign.refusal().status, 403);
        HttpGate anonymous(&p);
        QByteArray noToken = up;
        noToken.replace("?token=sesame", "");
        QCOMPARE(anonymous.feed(noToken), HttpGate::Verdict::Refuse);
        QCOMPARE(anonymous.refusal().status, 401);
    }

    void publicMetrics() {
        HttpGatePolicy p = policy();
        p.metricsPublic = true;
        HttpGate gate(&p);
        QCOMPARE(gate.feed("GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n"), HttpGate::Verdict::Pass);
        QCOMPARE(gate.feed("GET /metrics/x HTTP/1.1\r\nHost: localhost\r\n\r\n"), HttpGate::Verdict::Refuse);
    }
};

QTEST_APPLESS_MAIN(TestHttpGate)
#include "tst_http_gate.moc"
