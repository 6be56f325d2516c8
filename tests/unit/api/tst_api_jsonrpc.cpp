// POST /jsonrpc: the execute happy path, every error code of docs/API.md,
// batches and notifications, oversized requests, and connection behaviour
// (keep-alive, many connections, pipelined requests answered in order).
#include "ApiFixture.h"
#include <QtTest>

using namespace dn;
using namespace dn::test;

namespace {
QByteArray rpcBody(const QJsonValue &id, const QJsonObject &params, const QString &method = QStringLiteral("execute")) {
    QJsonObject o{{"jsonrpc", "2.0"}, {"method", method}, {"params", params}};
    if (!id.isUndefined()) o.insert("id", id);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}
int errorCode(const QJsonObject &r) { return r.value("error").toObject().value("code").toInt(); }
QString engineCode(const QJsonObject &r) {
    return r.value("error").toObject().value("data").toObject().value("code").toString();
}
}  // namespace

class TstApiJsonRpc : public QObject {
    Q_OBJECT
    std::unique_ptr<ApiFixture> f;
    QString ctx;

    HttpResult post(const QByteArray &body) { return f->request("POST", QStringLiteral("/jsonrpc"), body); }

private slots:
    void initTestCase() {
        f = std::make_unique<ApiFixture>();
        ctx = f->kvContext();
        QVERIFY(apijson::parseId(ctx));
    }
    void cleanupTestCase() { f.reset(); }

    void executeHappyPath() {
        const auto set = f->rpc(ApiFixture::call(ctx, "set", QJsonObject{{"key", "a"}, {"value", "1"}}), 7);
        QCOMPARE(set.value("jsonrpc").toString(), QStringLiteral("2.0"));
        QCOMPARE(set.value("id").toInt(), 7);
        const QJsonObject result = set.value("result").toObject();
        QVERIFY(result.value("output").isNull());
        QVERIFY(apijson::parseId(result.value("deltaId").toString()));
        QVERIFY(apijson::parseId(result.value("rootHash").toString()));
        const QJsonArray events = result.value("events").toArray();
        QCOMPARE(events.size(), 1);
        QCOMPARE(events[0].toObject().value("kind").toString(), QStringLiteral("Inserted"));
        QCOMPARE(events[0].toObject().value("data").toObject(), (QJsonObject{{"key", "a"}, {"value", "1"}}));

        // argsJson as a string holding JSON; a read-only call makes no delta.
        const auto get = f->rpc(ApiFixture::call(ctx, "get", QStringLiteral("{\"key\":\"a\"}")), QStringLiteral("x"));
        QCOMPARE(get.value("id").toString(), QStringLiteral("x"));
        QCOMPARE(get.value("result").toObject().value("output").toString(), QStringLiteral("1"));
        QVERIFY(get.value("result").toObject().value("deltaId").isNull());
        QCOMPARE(get.value("result").toObject().value("rootHash"), result.value("rootHash"));
    }

    void parseAndRequestErrors() {
        const auto bad = post("{\"jsonrpc\": \"2.0\", ");
        QCOMPARE(bad.status, 200);
        QCOMPARE(errorCode(bad.json()), -32700);
        QVERIFY(bad.json().value("id").isNull());
        QVERIFY(bad.json().value("error").toObject().value("message").toString().contains("not valid JSON"));

        QJsonObject wrongVersion{{"jsonrpc", "1.0"}, {"id", 1}, {"method", "execute"}, {"params", QJsonObject{}}};
        QCOMPARE(errorCode(post(QJsonDocument(wrongVersion).toJson()).json()), -32600);
        QJsonObject noMethod{{"jsonrpc", "2.0"}, {"id", 1}};
        QCOMPARE(errorCode(post(QJsonDocument(noMethod).toJson()).json()), -32600);
        QCOMPARE(errorCode(post("[]").json()), -32600);
        QCOMPARE(errorCode(post("42").json()), -32700);  // not an object or array: not a JSON document for us

        QCOMPARE(errorCode(post(rpcBody(1, ApiFixture::call(ctx, "get", QJsonObject{}), "query")).json()), -32601);
    }

    void invalidParams() {
        const auto check = [&](const QJsonObject &params, const char *what) {
            const auto r = post(rpcBody(1, params)).json();
            QVERIFY2(errorCode(r) == -32602, what);
            QVERIFY2(!r.value("error").toObject().value("message").toString().isEmpty(), what);
        };
        check({}, "no contextId");
        check({{"contextId", "nope"}, {"method", "get"}}, "bad contextId");
        check({{"contextId", ctx}}, "no method");
        check(ApiFixture::call(ctx, "get", QStringLiteral("{not json")), "args string not JSON");
        QCOMPARE(errorCode(post(QJsonDocument(QJsonObject{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "execute"}, {"params", 3}}).toJson()).json()), -32602);
    }

    void argumentsOverTenMiB() {
        const QString big(10 * 1024 * 1024, QLatin1Char('x'));
        const auto r = post(rpcBody(1, ApiFixture::call(ctx, "set", QJsonObject{{"key", "big"}, {"value", big}})));
        QCOMPARE(r.status, 200);
        QCOMPARE(errorCode(r.json()), -32602);
        QVERIFY(r.json().value("error").toObject().value("message").toString().contains("10 MiB"));
    }

    void requestOverTheSizeLimitIsRefusedUnread() {
        RawHttp raw(f->port);
        QByteArray head = "POST /jsonrpc HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ";
        head += QByteArray(FakeNode::kToken) + "\r\nContent-Type: application/json\r\nContent-Length: 40000000\r\n\r\n";
        raw.send(head + QByteArray(64 * 1024, ' '));
        const auto r = raw.next();
        QVERIFY(r);
        QCOMPARE(r->status, 413);
        QCOMPARE(errorCode(r->json()), -32602);
        QVERIFY(waitUntil([&] { return raw.socket.state() == QAbstractSocket::UnconnectedState; }, 10000));
        QCOMPARE(f->server.stats().refused, quint64(1));
    }

    void engineErrors() {
        const auto unknownCtx = f->rpc(ApiFixture::call(Hash32{}.toBase58(), "get", QJsonObject{}));
        QCOMPARE(errorCode(unknownCtx), -32001);
        QCOMPARE(engineCode(unknownCtx), QStringLiteral("context_not_found"));

        const auto unknownMethod = f->rpc(ApiFixture::call(ctx, "no_such_method", QJsonObject{}));
        QCOMPARE(errorCode(unknownMethod), -32002);

        // A trapping app: -32003 with the engine's code.
        const auto app = f->request("POST", QStringLiteral("/admin-api/applications?name=panic"), readWasm(QStringLiteral("panic")), true, "application/wasm");
        QCOMPARE(app.status, 201);
        const auto panicCtx = f->postJson(QStringLiteral("/admin-api/contexts"),
                                          {{"applicationId", app.json().value("application").toObject().value("applicationId")}});
        QCOMPARE(panicCtx.status, 201);
        const QString pctx = panicCtx.json().value("context").toObject().value("contextId").toString();
        const auto trap = f->rpc(ApiFixture::call(pctx, "boom", QJsonObject{}));
        QCOMPARE(errorCode(trap), -32003);
        QCOMPARE(engineCode(trap), QStringLiteral("trap"));

        // The app's own error: -32004 with its text.
        const auto counterApp = f->request("POST", QStringLiteral("/admin-api/applications?name=counter"), readWasm(QStringLiteral("counter")), true, "application/wasm");
        const auto cctx = f->postJson(QStringLiteral("/admin-api/contexts"),
                                      {{"applicationId", counterApp.json().value("application").toObject().value("applicationId")}})
                              .json().value("context").toObject().value("contextId").toString();
        const auto appErr = f->rpc(ApiFixture::call(cctx, "increment", QJsonObject{{"by", -1}}));
        QCOMPARE(errorCode(appErr), -32004);
        QVERIFY(appErr.value("error").toObject().value("message").toString().contains("must not be negative"));
        const auto inc = f->rpc(ApiFixture::call(cctx, "increment", QJsonObject{{"by", 5}}));
        QCOMPARE(inc.value("result").toObject().value("output").toInt(), 5);
    }

    void batchAndNotification() {
        const QByteArray batch = "[" + rpcBody(1, ApiFixture::call(ctx, "set", QJsonObject{{"key", "b"}, {"value", "2"}})) + "," +
                                 rpcBody(QJsonValue::Undefined, ApiFixture::call(ctx, "len", QJsonObject{})) + "," +
                                 rpcBody(3, ApiFixture::call(ctx, "get", QJsonObject{{"key", "b"}})) + "]";
        const auto r = post(batch);
        QCOMPARE(r.status, 200);
        const QJsonArray answers = QJsonDocument::fromJson(r.body).array();
        QCOMPARE(answers.size(), 2);  // the notification is not answered
        QCOMPARE(answers[0].toObject().value("id").toInt(), 1);
        QCOMPARE(answers[1].toObject().value("id").toInt(), 3);
        QCOMPARE(answers[1].toObject().value("result").toObject().value("output").toString(), QStringLiteral("2"));

        const auto note = post(rpcBody(QJsonValue::Undefined, ApiFixture::call(ctx, "set", QJsonObject{{"key", "n"}, {"value", "v"}})));
        QCOMPARE(note.status, 204);
        QVERIFY(note.body.isEmpty());
        QCOMPARE(f->rpc(ApiFixture::call(ctx, "get", QJsonObject{{"key", "n"}})).value("result").toObject().value("output").toString(), QStringLiteral("v"));
    }

    void hundredRequestsOnOneKeepAliveConnection() {
        RawHttp raw(f->port);
        for (int i = 0; i < 100; ++i) {
            raw.send(RawHttp::format("POST", "/jsonrpc", rpcBody(i, ApiFixture::call(ctx, "set", QJsonObject{{"key", QStringLiteral("k%1").arg(i)}, {"value", "v"}}))));
            const auto r = raw.next();
            QVERIFY2(r, qPrintable(QStringLiteral("request %1").arg(i)));
            QCOMPARE(r->status, 200);
            QCOMPARE(r->json().value("id").toInt(), i);
            QVERIFY(r->json().contains("result"));
        }
        QCOMPARE(raw.socket.state(), QAbstractSocket::ConnectedState);  // the same connection throughout
    }

    void pipelinedRequestsAreAnsweredInOrder() {
        // All sent at once: the engine may finish them in any order, the answers must not be.
        RawHttp raw(f->port);
        QByteArray all;
        for (int i = 0; i < 30; ++i) {
            const QJsonObject params = (i % 3 == 0) ? ApiFixture::call(ctx, "set", QJsonObject{{"key", "p"}, {"value", QString::number(i)}})
                                                    : ApiFixture::call(ctx, "len", QJsonObject{});
            all += RawHttp::format("POST", "/jsonrpc", rpcBody(i, params));
        }
        all += RawHttp::format("GET", "/admin-api/health");  // a synchronous answer queued behind them
        raw.send(all);
        for (int i = 0; i < 30; ++i) {
            const auto r = raw.next();
            QVERIFY(r);
            QCOMPARE(r->json().value("id").toInt(), i);
        }
        const auto health = raw.next();
        QVERIFY(health);
        QCOMPARE(health->json().value("status").toString(), QStringLiteral("ok"));
    }

    void manyConnectionsInParallel() {
        constexpr int kConnections = 24, kEach = 8;
        std::vector<std::unique_ptr<RawHttp>> conns;
        for (int c = 0; c < kConnections; ++c) conns.push_back(std::make_unique<RawHttp>(f->port));
        for (int round = 0; round < kEach; ++round) {
            for (int c = 0; c < kConnections; ++c) {
                const int id = c * 1000 + round;
                conns[size_t(c)]->send(RawHttp::format("POST", "/jsonrpc", rpcBody(id, ApiFixture::call(ctx, "set", QJsonObject{{"key", QStringLiteral("c%1").arg(c)}, {"value", QString::number(round)}}))));
            }
            for (int c = 0; c < kConnections; ++c) {
                const auto r = conns[size_t(c)]->next();
                QVERIFY(r);
                QCOMPARE(r->json().value("id").toInt(), c * 1000 + round);
                QVERIFY(r->json().contains("result"));
            }
        }
        const auto len = f->rpc(ApiFixture::call(ctx, "get", QJsonObject{{"key", "c5"}}));
        QCOMPARE(len.value("result").toObject().value("output").toString(), QString::number(kEach - 1));
    }

    void clientLeavingMidCallDoesNotHurt() {
        {
            RawHttp raw(f->port);
            raw.send(RawHttp::format("POST", "/jsonrpc", rpcBody(1, ApiFixture::call(ctx, "set", QJsonObject{{"key", "gone"}, {"value", "1"}}))));
            QVERIFY(waitUntil([&] { return raw.socket.bytesToWrite() == 0; }, 5000));
            raw.socket.abort();
        }
        // The call still happens, and the server keeps answering others.
        QVERIFY(waitUntil([&] {
            return f->rpc(ApiFixture::call(ctx, "get", QJsonObject{{"key", "gone"}})).value("result").toObject().value("output").toString() == QLatin1String("1");
        }));
        QCOMPARE(f->get(QStringLiteral("/admin-api/health")).status, 200);
    }
};

QTEST_GUILESS_MAIN(TstApiJsonRpc)
#include "tst_api_jsonrpc.moc"
