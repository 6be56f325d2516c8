// The REST side of the API server: auth, routing errors, path checks, and
// the application / context / peer routes against a real engine.
#include "ApiFixture.h"
#include <QProcess>
#include <QStandardPaths>
#include <QtTest>

using namespace dn;
using namespace dn::test;

class TstApiHttp : public QObject {
    Q_OBJECT
    std::unique_ptr<ApiFixture> f;

private slots:
    void init() { f = std::make_unique<ApiFixture>(); }
    void cleanup() { f.reset(); }

    void healthNeedsNoTokenMetricsDoes() {
        for (const char *path : {"/health", "/admin-api/health"}) {
            const auto r = f->get(QString::fromLatin1(path), false);
            QCOMPARE(r.status, 200);
            QCOMPARE(r.json().value("status").toString(), QStringLiteral("ok"));
        }
        // The metrics list context ids: a page the browser was tricked into
        // loading must not read them.
        const auto closed = f->get(QStringLiteral("/metrics"), false);
        QCOMPARE(closed.status, 401);
        QCOMPARE(closed.errorCode(), QStringLiteral("unauthorized"));
        const auto m = f->get(QStringLiteral("/metrics"));
        QCOMPARE(m.status, 200);
        QVERIFY(m.header("Content-Type").startsWith("text/plain; version=0.0.4"));
        QVERIFY(m.body.contains("deltanode_fake_up 1\n"));      // the node's own family
        QVERIFY(m.body.contains("# TYPE deltanode_api_http_requests_total counter"));
        QVERIFY(!m.body.contains("dn_api_"));
    }

    void metricsPassPromtool() {
        const QString promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
        if (promtool.isEmpty()) QSKIP("promtool is not installed (Debian package prometheus)");
        f->get(QStringLiteral("/admin-api/status"));  // some traffic to count
        const auto m = f->get(QStringLiteral("/metrics"));
        QProcess p;
        p.start(promtool, {QStringLiteral("check"), QStringLiteral("metrics")});
        QVERIFY(p.waitForStarted());
        p.write(m.body);
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(30000));
        QVERIFY2(p.exitCode() == 0, (p.readAllStandardOutput() + p.readAllStandardError()).constData());
        QVERIFY(m.body.contains("deltanode_api_http_requests_total "));
    }

    void tokenRequiredElsewhere() {
        const auto missing = f->get(QStringLiteral("/admin-api/status"), false);
        QCOMPARE(missing.status, 401);
        QCOMPARE(missing.errorCode(), QStringLiteral("unauthorized"));
        QCOMPARE(missing.header("WWW-Authenticate"), QByteArray("Bearer"));
        const auto wrong = f->request("GET", QStringLiteral("/admin-api/status"), {}, true, {}, "test-token-0123456788");
        QCOMPARE(wrong.status, 401);
        const auto prefix = f->request("GET", QStringLiteral("/admin-api/status"), {}, true, {}, "test-token");
        QCOMPARE(prefix.status, 401);
        // Unknown routes do not reveal themselves to a client without the token.
        QCOMPARE(f->get(QStringLiteral("/admin-api/nothing"), false).status, 401);
        QCOMPARE(f->request("POST", QStringLiteral("/jsonrpc"), "{}", false).status, 401);

        const auto ok = f->get(QStringLiteral("/admin-api/status"));
        QCOMPARE(ok.status, 200);
        const QJsonObject s = ok.json();
        QCOMPARE(s.value("peerId").toString(), FakeNode::kSelf.toBase58());
        QCOMPARE(s.value("contexts").toInt(), 0);
        QCOMPARE(s.value("uptimeSeconds").toInt(), 7);
        QVERIFY(s.contains("addresses") && s.contains("pendingDeltas") && s.contains("deltasApplied"));
    }

    void unknownRouteAndWrongMethod() {
        const auto nf = f->get(QStringLiteral("/admin-api/nothing"));
        QCOMPARE(nf.status, 404);
        QCOMPARE(nf.errorCode(), QStringLiteral("not_found"));
        const auto wm = f->request("DELETE", QStringLiteral("/admin-api/applications"));
        QCOMPARE(wm.status, 405);
        QCOMPARE(wm.errorCode(), QStringLiteral("method_not_allowed"));
        QVERIFY(wm.header("Allow").contains("GET") && wm.header("Allow").contains("POST"));
        QCOMPARE(f->get(QStringLiteral("/jsonrpc")).status, 405);
        // A literal route wins over an {id} one: this is a 405, not "bad id".
        QCOMPARE(f->get(QStringLiteral("/admin-api/contexts/join")).status, 405);
        QCOMPARE(f->get(QStringLiteral("/ws")).status, 426);  // not an upgrade
    }

    void pathTraversalIsRefused() {
        RawHttp raw(f->port);
        for (const QByteArray path : {QByteArray("/admin-api/blobs/../../etc/passwd"), QByteArray("/admin-api/./status"),
                                      QByteArray("/admin-api/blobs/%2E%2E/x")}) {
            raw.send(RawHttp::format("GET", path));
            const auto r = raw.next();
            QVERIFY2(r, path.constData());
            QCOMPARE(r->status, 400);
            QCOMPARE(r->json().value("error").toObject().value("code").toString(), QStringLiteral("bad_path"));
        }
        // An encoded slash stays inside its segment, where it makes an invalid id.
        const auto slash = f->get(QStringLiteral("/admin-api/blobs/..%2F..%2Fetc%2Fpasswd"));
        QCOMPARE(slash.status, 400);
        QCOMPARE(slash.errorCode(), QStringLiteral("invalid_id"));
        QCOMPARE(f->get(QStringLiteral("/admin-api/contexts/abc%2Fdef/dag")).status, 400);
        QCOMPARE(f->get(QStringLiteral("/admin-api/blobs/0OIl")).status, 400);  // not base58
        // The server keeps serving.
        QCOMPARE(f->get(QStringLiteral("/admin-api/status")).status, 200);
    }

    void malformedJsonBodies() {
        const auto r = f->request("POST", QStringLiteral("/admin-api/contexts"), "{\"applicationId\": ");
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), QStringLiteral("bad_json"));
        QVERIFY(r.json().value("error").toObject().value("message").toString().contains("not valid JSON"));
        QCOMPARE(f->request("POST", QStringLiteral("/admin-api/contexts"), "[1,2]").status, 400);
        QCOMPARE(f->request("POST", QStringLiteral("/admin-api/contexts/join"), "nope").status, 400);
    }

    void applications() {
        const QByteArray wasm = readWasm(QStringLiteral("kv_store"));
        QVERIFY(!wasm.isEmpty());
        const auto installed = f->request("POST", QStringLiteral("/admin-api/applications?name=kv"), wasm, true, "application/wasm");
        QCOMPARE(installed.status, 201);
        const QJsonObject app = installed.json().value("application").toObject();
        QCOMPARE(app.value("name").toString(), QStringLiteral("kv"));
        QCOMPARE(app.value("size").toInteger(), wasm.size());
        QVERIFY(app.value("methods").toArray().contains(QStringLiteral("set")));
        QVERIFY(app.value("installedAt").toInteger() > 0);

        const auto list = f->get(QStringLiteral("/admin-api/applications")).json().value("applications").toArray();
        QCOMPARE(list.size(), 1);
        QCOMPARE(list[0].toObject().value("applicationId"), app.value("applicationId"));

        const auto text = f->request("POST", QStringLiteral("/admin-api/applications"), "hello, not wasm", true, "application/wasm");
        QCOMPARE(text.status, 400);
        QCOMPARE(text.errorCode(), QStringLiteral("invalid_wasm"));
        const auto broken = f->request("POST", QStringLiteral("/admin-api/applications"), QByteArray("\0asm\x01\0\0\0\xff\xff", 10), true, "application/wasm");
        QCOMPARE(broken.status, 400);
        QVERIFY(!broken.errorCode().isEmpty());

        // From an uploaded blob.
        const auto blob = f->request("PUT", QStringLiteral("/admin-api/blobs"), readWasm(QStringLiteral("counter")), true, "application/octet-stream");
        QCOMPARE(blob.status, 201);
        const auto fromBlob = f->postJson(QStringLiteral("/admin-api/applications"),
                                          {{"blobId", blob.json().value("blobId")}, {"name", "counter"}});
        QCOMPARE(fromBlob.status, 201);
        QCOMPARE(fromBlob.json().value("application").toObject().value("name").toString(), QStringLiteral("counter"));
        const auto missing = f->postJson(QStringLiteral("/admin-api/applications"),
                                         {{"blobId", Hash32{}.toBase58()}, {"name", "x"}});
        QCOMPARE(missing.status, 404);
        QCOMPARE(missing.errorCode(), QStringLiteral("blob_not_found"));
    }

    void contextLifecycle() {
        const QString ctx = f->kvContext();
        QVERIFY(apijson::parseId(ctx));
        const auto got = f->get(QStringLiteral("/admin-api/contexts/") + ctx);
        QCOMPARE(got.status, 200);
        const QJsonObject c = got.json().value("context").toObject();
        QCOMPARE(c.value("contextId").toString(), ctx);
        QVERIFY(c.value("isOwner").toBool());
        QCOMPARE(c.value("heads").toArray().size(), 1);  // the genesis delta
        QCOMPARE(f->get(QStringLiteral("/admin-api/contexts")).json().value("contexts").toArray().size(), 1);

        const auto res = f->rpc(ApiFixture::call(ctx, "set", QJsonObject{{"key", "greeting"}, {"value", "hello"}}));
        QVERIFY2(res.contains("result"), QJsonDocument(res).toJson().constData());

        const auto dag = f->get(QStringLiteral("/admin-api/contexts/%1/dag").arg(ctx)).json();
        QCOMPARE(dag.value("appliedCount").toInt(), 2);
        QCOMPARE(dag.value("missingParents").toArray().size(), 0);
        QCOMPARE(dag.value("rootHash").toString(), res.value("result").toObject().value("rootHash").toString());

        const auto state = f->get(QStringLiteral("/admin-api/contexts/%1/state?prefix=kv/&limit=10").arg(ctx));
        QCOMPARE(state.status, 200);
        const QJsonArray entries = state.json().value("entries").toArray();
        QCOMPARE(entries.size(), 1);
        QCOMPARE(entries[0].toObject().value("key").toString(), QStringLiteral("kv/greeting"));
        QCOMPARE(entries[0].toObject().value("value").toString(), QStringLiteral("hello"));
        QCOMPARE(f->get(QStringLiteral("/admin-api/contexts/%1/state?prefix=zz").arg(ctx)).json().value("entries").toArray().size(), 0);
        QCOMPARE(f->get(QStringLiteral("/admin-api/contexts/%1/state?limit=0").arg(ctx)).status, 400);

        const auto del = f->request("DELETE", QStringLiteral("/admin-api/contexts/") + ctx);
        QCOMPARE(del.status, 200);
        QVERIFY(del.json().value("deleted").toBool());
        const auto gone = f->get(QStringLiteral("/admin-api/contexts/") + ctx);
        QCOMPARE(gone.status, 404);
        QCOMPARE(gone.errorCode(), QStringLiteral("context_not_found"));
        QCOMPARE(f->request("DELETE", QStringLiteral("/admin-api/contexts/") + ctx).status, 404);
        QCOMPARE(f->get(QStringLiteral("/admin-api/contexts/not-an-id")).status, 400);
    }

    void createContextErrors() {
        QCOMPARE(f->postJson(QStringLiteral("/admin-api/contexts"), {{"applicationId", "x"}}).status, 400);
        const auto unknown = f->postJson(QStringLiteral("/admin-api/contexts"), {{"applicationId", Hash32{}.toBase58()}});
        QCOMPARE(unknown.status, 404);
        QCOMPARE(unknown.errorCode(), QStringLiteral("app_not_found"));
    }

    void stateItemEncoding() {
        // Keys and values that are not UTF-8 travel as base64 under a suffixed name.
        StateItem text{"kv/a", false, "b", 0};
        QCOMPARE(apijson::stateItem(text), (QJsonObject{{"key", "kv/a"}, {"value", "b"}}));
        StateItem binary{QByteArray("\xff\xfe", 2), false, QByteArray("\x80", 1), 0};
        QCOMPARE(apijson::stateItem(binary), (QJsonObject{{"keyBase64", "//4="}, {"valueBase64", "gA=="}}));
        StateItem counter{"count", true, {}, -3};
        QCOMPARE(apijson::stateItem(counter), (QJsonObject{{"key", "count"}, {"counter", -3}}));
    }

    void inviteJoinPeers() {
        const QString ctx = f->kvContext();
        const auto inv = f->postJson(QStringLiteral("/admin-api/contexts/%1/invite").arg(ctx), {{"expiresInSeconds", 600}});
        QCOMPARE(inv.status, 200);
        QCOMPARE(inv.json().value("invitation").toString(), QStringLiteral("dn1fake") + ctx);
        QCOMPARE(f->node.lastInviteExpiry, 600);
        QCOMPARE(f->request("POST", QStringLiteral("/admin-api/contexts/%1/invite").arg(ctx)).status, 200);  // empty body: default
        QCOMPARE(f->postJson(QStringLiteral("/admin-api/contexts/%1/invite").arg(ctx), {{"expiresInSeconds", -1}}).status, 400);

        const auto good = f->postJson(QStringLiteral("/admin-api/contexts/join"), {{"invitation", "dn1good"}});
        QCOMPARE(good.status, 200);
        const QJsonObject joined = good.json().value("context").toObject();
        QCOMPARE(joined.value("contextId").toString(), FakeNode::kJoinedContext.toBase58());
        QCOMPARE(joined.value("name").toString(), QStringLiteral("joined"));
        QVERIFY(joined.contains("createdAt") && joined.contains("heads") && joined.contains("isOwner"));
        const auto bad = f->postJson(QStringLiteral("/admin-api/contexts/join"), {{"invitation", "garbage"}});
        QCOMPARE(bad.status, 400);
        QCOMPARE(bad.errorCode(), QStringLiteral("invalid_invitation"));

        const auto peers = f->get(QStringLiteral("/admin-api/peers"));
        const QJsonArray list = peers.json().value("peers").toArray();
        QCOMPARE(list.size(), 2);
        const QJsonObject connected{{"peerId", FakeNode::kConnected.toBase58()},
                                    {"address", "/ip4/127.0.0.1/tcp/4001/p2p/" + FakeNode::kConnected.toBase58()},
                                    {"addresses", QJsonArray()},
                                    {"direction", "outbound"},
                                    {"connections", 1},
                                    {"rttMs", 1.5},
                                    {"agentVersion", ""},
                                    {"protocols", QJsonArray{"/ipfs/ping/1.0.0"}},
                                    {"topics", QJsonArray{"t1", "t2"}},
                                    {"mesh", QJsonArray{"t1"}},
                                    {"bytesIn", 10},
                                    {"bytesOut", 20},
                                    {"score", 0},
                                    {"graylisted", false},
                                    {"scoreReason", ""},
                                    {"lastDrop", ""},
                                    {"blocked", false}};
        QCOMPARE(list.at(0).toObject(), connected);
        const QJsonObject blocked{{"peerId", FakeNode::kBlocked.toBase58()}, {"address", ""}, {"direction", ""}, {"rttMs", -1},
                                  {"protocols", QJsonArray()}, {"topics", QJsonArray()}, {"mesh", QJsonArray()},
                                  {"bytesIn", 0}, {"bytesOut", 0}, {"blocked", true}};
        QCOMPARE(list.at(1).toObject(), blocked);

        // Peer actions: text that is no peer id is refused before the node
        // sees it; a real one reaches the node (which has no network here).
        const auto badPeer = f->request("POST", QStringLiteral("/admin-api/peers/nope/disconnect"));
        QCOMPARE(badPeer.status, 400);
        QCOMPARE(badPeer.errorCode(), QStringLiteral("invalid_id"));
        const auto noNet = f->request("POST", "/admin-api/peers/" + FakeNode::kConnected.toBase58() + "/block");
        QCOMPARE(noNet.errorCode(), QStringLiteral("unsupported"));
    }
};

QTEST_GUILESS_MAIN(TstApiHttp)
#include "tst_api_http.moc"
