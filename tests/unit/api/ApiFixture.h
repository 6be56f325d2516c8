#pragma once
// A running ApiServer over a FakeNode, and small clients to drive it from the
// test's own event loop: QNetworkAccessManager for ordinary requests, and a
// raw-socket HTTP/1.1 client where the test must control the connection
// (keep-alive, pipelining, hand-made paths). Waits are bounded by deadlines.
#include "FakeNode.h"
#include "TestUtil.h"
#include "api/ApiServer.h"
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

namespace dn::test {

struct HttpResult {
    int status = 0;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QString errorCode() const { return json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(); }
    QByteArray header(const QByteArray &name) const {
        for (const auto &h : headers)
            if (h.first.compare(name, Qt::CaseInsensitive) == 0) return h.second;
        return {};
    }
};

// Runs the event loop until `done()` or the deadline; returns done().
template <typename Done>
bool waitUntil(Done done, int timeoutMs = 20000) {
    QDeadlineTimer deadline(timeoutMs);
    while (!done() && !deadline.hasExpired()) QTest::qWait(1);
    return done();
}

class ApiFixture {
public:
    explicit ApiFixture(ApiServerOptions options = {}) : node(dir.path()), server(node, std::move(options)) {
        auto port = server.listen(QHostAddress::LocalHost, 0);
        if (!port) qFatal("listen: %s", qPrintable(port.error().message));
        this->port = *port;
    }

    HttpResult request(const QByteArray &method, const QString &path, const QByteArray &body = {},
                       bool auth = true, const QByteArray &contentType = "application/json",
                       const QByteArray &token = FakeNode::kToken) {
        QNetworkRequest req(QUrl(server.url().toString() + path));
        if (auth) req.setRawHeader("Authorization", "Bearer " + token);
        if (!body.isEmpty() || method == "POST" || method == "PUT") req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        QNetworkReply *reply = nam.sendCustomRequest(req, method, body);
        waitUntil([&] { return reply->isFinished(); }, 60000);
        HttpResult r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = reply->readAll();
        for (const auto &p : reply->rawHeaderPairs()) r.headers << p;
        reply->deleteLater();
        return r;
    }
    HttpResult get(const QString &path, bool auth = true) { return request("GET", path, {}, auth); }
    HttpResult postJson(const QString &path, const QJsonObject &o) {
        return request("POST", path, QJsonDocument(o).toJson(QJsonDocument::Compact));
    }
    QJsonObject rpc(const QJsonObject &params, const QJsonValue &id = 1) {
        const QJsonObject req{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("id"), id},
                              {QStringLiteral("method"), QStringLiteral("execute")}, {QStringLiteral("params"), params}};
        return request("POST", QStringLiteral("/jsonrpc"), QJsonDocument(req).toJson(QJsonDocument::Compact)).json();
    }
    static QJsonObject call(const QString &ctx, const QString &method, const QJsonValue &args) {
        return {{QStringLiteral("contextId"), ctx}, {QStringLiteral("method"), method}, {QStringLiteral("argsJson"), args}};
    }

    // Installs kv_store and creates a context of it; returns the context id.
    QString kvContext() {
        const auto app = request("POST", QStringLiteral("/admin-api/applications?name=kv"), readWasm(QStringLiteral("kv_store")),
                                 true, "application/wasm");
        const QString appId = app.json().value(QStringLiteral("application")).toObject().value(QStringLiteral("applicationId")).toString();
        const auto ctx = postJson(QStringLiteral("/admin-api/contexts"), {{QStringLiteral("applicationId"), appId}});
        return ctx.json().value(QStringLiteral("context")).toObject().value(QStringLiteral("contextId")).toString();
    }

    QTemporaryDir dir;
    FakeNode node;
    ApiServer server;
    quint16 port = 0;
    QNetworkAccessManager nam;
};

// HTTP/1.1 over one socket the test controls.
class RawHttp {
public:
    explicit RawHttp(quint16 port) {
        socket.connectToHost(QHostAddress::LocalHost, port);
        waitUntil([&] { return socket.state() == QAbstractSocket::ConnectedState; }, 5000);
    }
    static QByteArray format(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                             bool auth = true) {
        QByteArray r = method + ' ' + path + " HTTP/1.1\r\nHost: localhost\r\n";
        if (auth) r += QByteArray("Authorization: Bearer ") + FakeNode::kToken + "\r\n";
        if (!body.isEmpty() || method == "POST" || method == "PUT") r += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
        return r + "\r\n" + body;
    }
    void send(const QByteArray &raw) { socket.write(raw); }
    // Next complete response (status line, headers, Content-Length body).
    std::optional<HttpResult> next(int timeoutMs = 20000) {
        std::optional<HttpResult> out;
        waitUntil([&] {
            if (!out) out = parse();
            return out.has_value() || socket.state() != QAbstractSocket::ConnectedState;
        }, timeoutMs);
        return out;
    }
    QTcpSocket socket;

private:
    std::optional<HttpResult> parse() {
        buffer += socket.readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0) return std::nullopt;
        HttpResult r;
        const QList<QByteArray> lines = buffer.first(end).split('\n');
        r.status = lines.value(0).split(' ').value(1).toInt();
        qint64 length = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon < 0) continue;
            r.headers.append({lines[i].first(colon).trimmed(), lines[i].sliced(colon + 1).trimmed()});
            if (r.headers.last().first.toLower() == "content-length") length = r.headers.last().second.toLongLong();
        }
        if (buffer.size() < end + 4 + length) return std::nullopt;
        r.body = buffer.mid(end + 4, length);
        buffer.remove(0, end + 4 + length);
        return r;
    }
    QByteArray buffer;
};

}  // namespace dn::test
