// GET /ws: token check at the upgrade, subscribe/unsubscribe/execute, pushed
// StateMutation events for JSON-RPC calls, and dropping a client that stops
// reading before it can make the node's memory grow.
#include "ApiFixture.h"
#include "crypto/Sha256.h"
#include <QWebSocket>
#include <QtTest>

using namespace dn;
using namespace dn::test;

namespace {
// A client holding every message it received, in order.
struct WsClient {
    QWebSocket ws;
    QList<QJsonObject> messages;
    WsClient() {
        QObject::connect(&ws, &QWebSocket::textMessageReceived, [this](const QString &t) {
            messages << QJsonDocument::fromJson(t.toUtf8()).object();
        });
    }
    bool open(const QUrl &url) {
        ws.open(url);
        return waitUntil([&] { return ws.state() == QAbstractSocket::ConnectedState; }, 10000);
    }
    void send(const QJsonObject &o) { ws.sendTextMessage(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact))); }
    std::optional<QJsonObject> next() {
        if (!waitUntil([&] { return !messages.isEmpty(); })) return std::nullopt;
        return messages.takeFirst();
    }
};

QByteArray handshake(const QByteArray &pathAndQuery, const QByteArray &extra = {}) {
    return "GET " + pathAndQuery + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + extra + "\r\n";
}

// A masked client text frame (RFC 6455 §5.2).
QByteArray textFrame(const QByteArray &payload) {
    QByteArray f;
    f.append(char(0x81));
    if (payload.size() < 126) {
        f.append(char(0x80 | payload.size()));
    } else {
        f.append(char(0x80 | 126));
        f.append(char(payload.size() >> 8)).append(char(payload.size() & 0xff));
    }
    const char mask[4] = {0x11, 0x22, 0x33, 0x44};
    f.append(mask, 4);
    for (qsizetype i = 0; i < payload.size(); ++i) f.append(char(payload[i] ^ mask[i % 4]));
    return f;
}
}  // namespace

class TstApiWs : public QObject {
    Q_OBJECT
    std::unique_ptr<ApiFixture> f;
    QString ctx;

    QUrl wsUrl(const QByteArray &token = FakeNode::kToken) const {
        QUrl u = f->server.url();
        u.setScheme(QStringLiteral("ws"));
        u.setPath(QStringLiteral("/ws"));
        if (!token.isEmpty()) u.setQuery(QStringLiteral("token=") + QString::fromLatin1(token));
        return u;
    }
    static QJsonObject request(int id, const QString &method, const QJsonObject &params) {
        return {{"id", id}, {"method", method}, {"params", params}};
    }

private slots:
    void init() {
        f = std::make_unique<ApiFixture>();
        ctx = f->kvContext();
        QVERIFY(apijson::parseId(ctx));
    }
    void cleanup() { f.reset(); }

    void upgradeNeedsTheToken() {
        for (const QByteArray &path : {QByteArray("/ws"), QByteArray("/ws?token=wrong")}) {
            RawHttp raw(f->port);
            raw.send(handshake(path));
            const auto r = raw.next();
            QVERIFY(r);
            QCOMPARE(r->status, 401);
            QCOMPARE(r->json().value("error").toObject().value("code").toString(), QStringLiteral("unauthorized"));
        }
        RawHttp header(f->port);
        header.send(handshake("/ws", QByteArray("Authorization: Bearer ") + FakeNode::kToken + "\r\n"));
        const auto ok = header.next();
        QVERIFY(ok);
        QCOMPARE(ok->status, 101);
        QVERIFY(waitUntil([&] { return f->server.stats().webSocketClients == 1; }));

        WsClient viaQuery;
        QVERIFY(viaQuery.open(wsUrl()));
        QVERIFY(waitUntil([&] { return f->server.stats().webSocketClients == 2; }));
        WsClient refused;
        refused.ws.open(wsUrl("nope"));
        QVERIFY(waitUntil([&] { return refused.ws.state() == QAbstractSocket::UnconnectedState; }, 10000));
        QCOMPARE(f->get(QStringLiteral("/admin-api/health")).status, 200);
    }

    void subscribedClientReceivesStateMutation() {
        WsClient c;
        QVERIFY(c.open(wsUrl()));
        c.send(request(1, "subscribe", {{"contextIds", QJsonArray{ctx}}}));
        const auto sub = c.next();
        QVERIFY(sub);
        QCOMPARE(sub->value("id").toInt(), 1);
        QCOMPARE(sub->value("result").toObject().value("subscriptions").toArray(), QJsonArray{ctx});

        const auto call = f->rpc(ApiFixture::call(ctx, "set", QJsonObject{{"key", "k"}, {"value", "v"}}));
        const QJsonObject result = call.value("result").toObject();
        const auto push = c.next();
        QVERIFY(push);
        const QJsonObject r = push->value("result").toObject();
        QCOMPARE(r.value("contextId").toString(), ctx);
        QCOMPARE(r.value("type").toString(), QStringLiteral("StateMutation"));
        const QJsonObject data = r.value("data").toObject();
        QCOMPARE(data.value("newRoot"), result.value("rootHash"));
        QCOMPARE(data.value("deltaId"), result.value("deltaId"));
        const QJsonArray events = data.value("events").toArray();
        QCOMPARE(events.size(), 1);
        QCOMPARE(events[0].toObject().value("kind").toString(), QStringLiteral("Inserted"));
        QCOMPARE(events[0].toObject().value("data").toObject(), (QJsonObject{{"key", "k"}, {"value", "v"}}));
        QVERIFY(f->node.websocketSamples > 0);
        QCOMPARE(f->server.stats().webSocketPushed, quint64(1));
    }

    void unsubscribeStopsPushes() {
        const QString other = f->kvContext();
        WsClient c;
        QVERIFY(c.open(wsUrl()));
        c.send(request(1, "subscribe", {{"contextIds", QJsonArray{ctx, other}}}));
        QVERIFY(c.next());
        c.send(request(2, "unsubscribe", {{"contextIds", QJsonArray{ctx}}}));
        const auto unsub = c.next();
        QVERIFY(unsub);
        QCOMPARE(unsub->value("result").toObject().value("subscriptions").toArray(), QJsonArray{other});
        // The first call's push (if any) would be queued before the second's.
        f->rpc(ApiFixture::call(ctx, "set", QJsonObject{{"key", "a"}, {"value", "1"}}));
        f->rpc(ApiFixture::call(other, "set", QJsonObject{{"key", "b"}, {"value", "2"}}));
        const auto push = c.next();
        QVERIFY(push);
        QCOMPARE(push->value("result").toObject().value("contextId").toString(), other);
    }

    void executeAndErrorsOverTheSocket() {
        WsClient c;
        QVERIFY(c.open(wsUrl()));
        c.send(request(5, "execute", ApiFixture::call(ctx, "set", QJsonObject{{"key", "x"}, {"value", "y"}})));
        const auto set = c.next();
        QVERIFY(set);
        QCOMPARE(set->value("id").toInt(), 5);
        QVERIFY(apijson::parseId(set->value("result").toObject().value("deltaId").toString()));
        c.send(request(6, "execute", ApiFixture::call(ctx, "get", QJsonObject{{"key", "x"}})));
        const auto get = c.next();
        QVERIFY(get);
        QCOMPARE(get->value("result").toObject().value("output").toString(), QStringLiteral("y"));

        const auto expectError = [&](const QJsonObject &req, int code) {
            c.send(req);
            const auto r = c.next();
            QVERIFY(r);
            QCOMPARE(r->value("error").toObject().value("code").toInt(), code);
            QVERIFY(!r->value("error").toObject().value("message").toString().isEmpty());
        };
        expectError(request(7, "execute", ApiFixture::call(ctx, "nope", QJsonObject{})), -32002);
        expectError(request(8, "execute", ApiFixture::call(Hash32{}.toBase58(), "get", QJsonObject{})), -32001);
        expectError(request(9, "watch", {}), -32601);
        expectError(request(10, "subscribe", {{"contextIds", QJsonArray{"bad"}}}), -32602);
        expectError(request(11, "subscribe", {{"contextIds", QJsonArray{Hash32{}.toBase58()}}}), -32001);
        c.ws.sendTextMessage(QStringLiteral("{nope"));
        const auto parse = c.next();
        QVERIFY(parse);
        QCOMPARE(parse->value("error").toObject().value("code").toInt(), -32700);
        QCOMPARE(c.ws.state(), QAbstractSocket::ConnectedState);
    }

    void clientThatStopsReadingIsDropped() {
        // A raw client: handshake, subscribe, then never read again. Qt stops
        // reading from the kernel once its 4 KiB buffer is full, so the kernel
        // buffers fill and the server's unsent data grows past 8 MiB.
        RawHttp slow(f->port);
        slow.socket.setReadBufferSize(4096);
        slow.send(handshake("/ws?token=" + QByteArray(FakeNode::kToken)));
        const auto up = slow.next();
        QVERIFY(up);
        QCOMPARE(up->status, 101);
        const QJsonObject sub = request(1, "subscribe", {{"contextIds", QJsonArray{ctx}}});
        slow.send(textFrame(QJsonDocument(sub).toJson(QJsonDocument::Compact)));
        QVERIFY(waitUntil([&] { return slow.socket.bytesAvailable() > 0; }));  // the subscribe answer

        WsClient good;  // keeps reading, and must keep its subscription
        QVERIFY(good.open(wsUrl()));
        good.send(request(1, "subscribe", {{"contextIds", QJsonArray{ctx}}}));
        QVERIFY(good.next());

        const Hash32 id = *apijson::parseId(ctx);
        const std::vector<Event> events{Event{"Big", QByteArray(256 * 1024, 'e'), {}}};
        int pushes = 0;
        const auto dropped = [&] { return f->server.stats().webSocketDropped == 1; };
        // 256 KiB a push: the drop must come well before 200 pushes (50 MiB).
        while (!dropped() && pushes < 200) {
            emit f->node.NodeServices::stateMutated(id, sha256(QByteArray::number(pushes)), id, events);
            ++pushes;
            QTest::qWait(1);  // let the sockets move data
        }
        QVERIFY2(dropped(), qPrintable(QStringLiteral("not dropped after %1 pushes").arg(pushes)));
        QVERIFY(pushes > 8);  // not before 2 MiB were queued: the limit is about backlog, not one frame
        slow.socket.setReadBufferSize(0);  // read on now, to see the connection end
        QVERIFY(waitUntil([&] {
            slow.socket.readAll();
            return slow.socket.state() == QAbstractSocket::UnconnectedState;
        }));
        QCOMPARE(f->server.stats().webSocketClients, 1);
        QVERIFY(waitUntil([&] { return good.messages.size() >= pushes; }, 60000));
        QCOMPARE(good.ws.state(), QAbstractSocket::ConnectedState);
        QVERIFY(f->node.metrics().render().contains("deltanode_api_websocket_dropped_total 1\n"));
    }
};

QTEST_GUILESS_MAIN(TstApiWs)
#include "tst_api_ws.moc"
