// Issue 3, acceptance 3: bad input to a real daemon gets the documented
// status or JSON-RPC code with a readable message, and the node keeps
// serving — cleanup() checks /health after every test function.
#include "DaemonHarness.h"

#include "crypto/Hash32.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

using namespace dn::test;

namespace {

QString unknownId() { return dn::Hash32::fromBytes(QByteArray(32, '\x33'))->toBase58(); }

// A JSON-RPC request; an undefined `version` leaves "jsonrpc" out.
QByteArray rpc(const QJsonObject &params, const QString &method, const QJsonValue &version) {
    QJsonObject o{{QStringLiteral("id"), 7}, {QStringLiteral("method"), method}, {QStringLiteral("params"), params}};
    if (!version.isUndefined()) o.insert(QStringLiteral("jsonrpc"), version);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray rpc(const QJsonObject &params) { return rpc(params, QStringLiteral("execute"), QStringLiteral("2.0")); }

}  // namespace

class DaemonBadInputTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<Daemon> node_;
    RawHttp http_;
    QString ctx_;

    QJsonObject params(const QString &method, const QJsonValue &args = QJsonObject()) const {
        return {{QStringLiteral("contextId"), ctx_}, {QStringLiteral("method"), method}, {QStringLiteral("argsJson"), args}};
    }

    // A JSON-RPC error with `code` and a readable message; the HTTP status is
    // 200 or a 4xx, never a node fault.
    void expectRpcError(const HttpAnswer &a, int code) {
        QVERIFY2(a.status >= 200 && a.status < 500, qPrintable(a.describe()));
        const QJsonObject o = a.json();
        QCOMPARE(o.value(QLatin1String("jsonrpc")).toString(), QStringLiteral("2.0"));
        const QJsonObject e = o.value(QLatin1String("error")).toObject();
        QVERIFY2(e.value(QLatin1String("code")).toInt() == code, qPrintable(a.describe()));
        QVERIFY2(e.value(QLatin1String("message")).toString().size() > 5, qPrintable(a.describe()));
        QVERIFY(!o.contains(QLatin1String("result")));
    }

    // A REST error: the status and {"error":{"code","message"}}.
    void expectRestError(const HttpAnswer &a, int status, const QString &code = {}) {
        QVERIFY2(a.status == status, qPrintable(a.describe()));
        QVERIFY2(!a.errorCode().isEmpty() && a.errorMessage().size() > 5, qPrintable(a.describe()));
        if (!code.isEmpty()) QCOMPARE(a.errorCode(), code);
    }

    HttpAnswer postRpc(const QByteArray &body) { return http_.post(*node_, QStringLiteral("/jsonrpc"), body); }
    QUrl url(const QString &path) const { return QUrl(node_->apiUrl() + path, QUrl::TolerantMode); }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        node_ = std::make_unique<Daemon>(dir_.filePath(QStringLiteral("node")));
        QString error;
        QVERIFY2(node_->start(&error), qPrintable(error));
        ctx_ = http_.kvContext(*node_, &error);
        QVERIFY2(!ctx_.isEmpty(), qPrintable(error));
    }

    void cleanup() {
        const HttpAnswer h = http_.get(*node_, QStringLiteral("/health"), false);
        QVERIFY2(h.status == 200 && h.json().value(QLatin1String("status")).toString() == QLatin1String("ok"), qPrintable(h.describe()));
    }

    void malformedJson() {
        expectRpcError(postRpc("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"), -32700);
        expectRpcError(postRpc(QByteArrayLiteral("\xff\xfe garbage")), -32700);
        expectRestError(http_.post(*node_, QStringLiteral("/admin-api/contexts"), "{not json"), 400);
    }

    void wrongJsonRpcVersion() {
        expectRpcError(postRpc(rpc(params(QStringLiteral("get")), QStringLiteral("execute"), QStringLiteral("1.0"))), -32600);
        expectRpcError(postRpc(rpc(params(QStringLiteral("get")), QStringLiteral("execute"), QJsonValue(QJsonValue::Undefined))), -32600);
        expectRpcError(postRpc("[]"), -32600);
        // A batch of non-requests: one -32600 per entry (JSON-RPC 2.0 §6).
        const HttpAnswer batch = postRpc("[1,2,3]");
        const QJsonArray answers = QJsonDocument::fromJson(batch.body).array();
        QVERIFY2(answers.size() == 3, qPrintable(batch.describe()));
        for (const QJsonValue &a : answers)
            QCOMPARE(a.toObject().value(QLatin1String("error")).toObject().value(QLatin1String("code")).toInt(), -32600);
        expectRpcError(postRpc(rpc(params(QStringLiteral("get")), QStringLiteral("frobnicate"), QStringLiteral("2.0"))), -32601);
    }

    void unknownContextOrMethod() {
        QJsonObject p = params(QStringLiteral("get"), QJsonObject{{QStringLiteral("key"), QStringLiteral("a")}});
        p[QStringLiteral("contextId")] = unknownId();
        expectRpcError(postRpc(rpc(p)), -32001);
        p[QStringLiteral("contextId")] = QStringLiteral("../../etc/passwd");
        expectRpcError(postRpc(rpc(p)), -32602);
        expectRpcError(postRpc(rpc(params(QStringLiteral("no_such_method")))), -32002);
        expectRpcError(postRpc(rpc(params(QStringLiteral("get"), QStringLiteral("{not json")))), -32602);
        QJsonObject noMethod = params(QStringLiteral("get"));
        noMethod.remove(QStringLiteral("method"));
        expectRpcError(postRpc(rpc(noMethod)), -32602);
        // The app's own refusal (kv_store's get without a key).
        const HttpAnswer appError = postRpc(rpc(params(QStringLiteral("get"), QJsonObject{{QStringLiteral("nokey"), 1}})));
        expectRpcError(appError, -32004);

        expectRestError(http_.get(*node_, QStringLiteral("/admin-api/contexts/") + unknownId()), 404);
        expectRestError(http_.postJson(*node_, QStringLiteral("/admin-api/contexts"), {{QStringLiteral("applicationId"), unknownId()}}), 404);
        expectRestError(http_.get(*node_, QStringLiteral("/admin-api/no-such-route")), 404);
        expectRestError(http_.request("PATCH", url(QStringLiteral("/admin-api/contexts")), "{}", node_->token()), 405);
    }

    void argumentsOverTenMiB() {
        // As JSON and as a string holding JSON; both just over 10 MiB.
        const QString big(10 * 1024 * 1024 + 1024, QLatin1Char('x'));
        const QJsonObject args{{QStringLiteral("key"), QStringLiteral("a")}, {QStringLiteral("value"), big}};
        for (const QJsonValue &v : {QJsonValue(args), QJsonValue(QString::fromUtf8(QJsonDocument(args).toJson(QJsonDocument::Compact)))}) {
            const HttpAnswer a = postRpc(rpc(params(QStringLiteral("set"), v)));
            if (a.status == 413) {
                expectRestError(a, 413);  // refused by size before parsing: also right
            } else {
                expectRpcError(a, -32602);
            }
        }
        // Just under the limit is a normal call (kv_store's get ignores the padding).
        const QJsonObject ok{{QStringLiteral("key"), QStringLiteral("a")}, {QStringLiteral("pad"), QString(9 * 1024 * 1024, QLatin1Char('y'))}};
        const HttpAnswer a = postRpc(rpc(params(QStringLiteral("get"), ok)));
        QVERIFY2(a.json().value(QLatin1String("result")).toObject().contains(QLatin1String("output")), qPrintable(a.describe().left(500)));
    }

    void missingOrWrongToken() {
        const QList<QPair<QByteArray, QString>> routes = {
            {"GET", QStringLiteral("/admin-api/contexts")}, {"GET", QStringLiteral("/admin-api/status")},
            {"POST", QStringLiteral("/jsonrpc")}, {"GET", QStringLiteral("/admin-api/blobs")}};
        for (const auto &[verb, path] : routes) {
            const QByteArray body = verb == "POST" ? rpc(params(QStringLiteral("get"))) : QByteArray();
            expectRestError(http_.request(verb, url(path), body, QString()), 401);
            expectRestError(http_.request(verb, url(path), body, QStringLiteral("not-the-token")), 401);
        }
        // Health is open; the metrics need the token unless [api] metrics_public.
        QCOMPARE(http_.get(*node_, QStringLiteral("/admin-api/health"), false).status, 200);
        expectRestError(http_.get(*node_, QStringLiteral("/metrics"), false), 401);
        QCOMPARE(http_.get(*node_, QStringLiteral("/metrics")).status, 200);
    }

    void nonWasmUpload() {
        const HttpAnswer a = http_.post(*node_, QStringLiteral("/admin-api/applications?name=fake"), "#!/bin/sh\necho not wasm\n", "application/wasm");
        expectRestError(a, 400, QStringLiteral("invalid_wasm"));
        // Valid magic, broken module.
        const HttpAnswer b = http_.post(*node_, QStringLiteral("/admin-api/applications"), QByteArray("\0asm\x01\0\0\0\x05\xff", 10), "application/wasm");
        QVERIFY2(b.status == 400, qPrintable(b.describe()));
        expectRestError(http_.postJson(*node_, QStringLiteral("/admin-api/applications"), {{QStringLiteral("blobId"), unknownId()}}), 404);
        const HttpAnswer list = http_.get(*node_, QStringLiteral("/admin-api/applications"));
        QCOMPARE(list.json().value(QLatin1String("applications")).toArray().size(), 1);  // only kv_store
    }

    void unknownBlob() {
        expectRestError(http_.get(*node_, QStringLiteral("/admin-api/blobs/") + unknownId()), 404);
        expectRestError(http_.get(*node_, QStringLiteral("/admin-api/blobs/") + unknownId() + QStringLiteral("/info")), 404);
        expectRestError(http_.get(*node_, QStringLiteral("/admin-api/blobs/notbase58!")), 400);
        const HttpAnswer noUpload = http_.request("PUT", url(QStringLiteral("/admin-api/blobs/uploads/nope/0")), "x", node_->token(), "application/octet-stream");
        QVERIFY2((noUpload.status == 404 || noUpload.status == 400) && !noUpload.errorMessage().isEmpty(), qPrintable(noUpload.describe()));
        const CtlResult r = ctl(*node_, {QStringLiteral("blob"), QStringLiteral("get"), unknownId(), dir_.filePath(QStringLiteral("never"))});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("404"));
        QVERIFY(!QFile::exists(dir_.filePath(QStringLiteral("never"))));
    }

    void pathTraversal() {
        // Encoded slashes and dots in ids never reach the file system or the
        // store: refused as a bad id or an unknown route.
        for (const QString &path : {QStringLiteral("/admin-api/blobs/..%2F..%2Fx"), QStringLiteral("/admin-api/blobs/..%2F..%2Fetc%2Fpasswd/info"),
                                    QStringLiteral("/admin-api/contexts/..%2F..%2Fetc%2Fpasswd"), QStringLiteral("/admin-api/contexts/%2e%2e/dag"),
                                    QStringLiteral("/admin-api/blobs/uploads/..%2F..%2Fx/0")}) {
            const HttpAnswer a = http_.request(path.contains(QLatin1String("uploads")) ? "PUT" : "GET", url(path), "x", node_->token(),
                                               "application/octet-stream");
            QVERIFY2(a.status == 400 || a.status == 404, qPrintable(path + QStringLiteral(": ") + a.describe()));
            QVERIFY2(!a.errorMessage().isEmpty(), qPrintable(path + QStringLiteral(": ") + a.describe()));
            QVERIFY(!a.body.contains("root:"));
        }
        // deltactl refuses such ids itself, before any request.
        const QString out = dir_.filePath(QStringLiteral("out"));
        for (const QStringList &args : QList<QStringList>{
                 {QStringLiteral("blob"), QStringLiteral("get"), QStringLiteral("../../etc/passwd"), out},
                 {QStringLiteral("blob"), QStringLiteral("info"), QStringLiteral("..%2F..%2Fx")},
                 {QStringLiteral("state"), QStringLiteral("../") + ctx_},
                 {QStringLiteral("context"), QStringLiteral("delete"), QStringLiteral("/etc/passwd")}}) {
            const CtlResult r = ctl(*node_, args);
            QVERIFY2(r.exitCode == 2 && r.err.contains("not a valid"), qPrintable(r.describe()));
        }
        QVERIFY(!QFile::exists(out));
        const CtlResult dirOut = ctl(*node_, {QStringLiteral("blob"), QStringLiteral("get"), unknownId(), dir_.path()});
        QCOMPARE(dirOut.exitCode, 2);
    }

    void stillServesCalls() {
        const HttpAnswer a = http_.execute(*node_, ctx_, QStringLiteral("set"), QJsonObject{{QStringLiteral("key"), QStringLiteral("z")}, {QStringLiteral("value"), QStringLiteral("ok")}});
        QVERIFY2(a.json().contains(QLatin1String("result")), qPrintable(a.describe()));
        const HttpAnswer b = http_.execute(*node_, ctx_, QStringLiteral("get"), QJsonObject{{QStringLiteral("key"), QStringLiteral("z")}});
        QCOMPARE(b.json().value(QLatin1String("result")).toObject().value(QLatin1String("output")).toString(), QStringLiteral("ok"));
    }

    void cleanupTestCase() {
        QString error;
        if (node_ && node_->running()) QVERIFY2(node_->stop(&error), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(DaemonBadInputTest)
#include "tst_daemon_bad_input.moc"
