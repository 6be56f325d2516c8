#include "api/ApiListener.h"
#include "api/ApiErrors.h"
#include "api/ApiJson.h"
#include "api/ApiLimits.h"
#include "api/ApiLog.h"
#include "api/HttpConnection.h"
#include <QTcpSocket>

namespace dn {

void ApiListener::incomingConnection(qintptr descriptor) {
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    socket->setReadBufferSize(api::kMaxRequestBytes + api::kMaxHeaderBytes);
    // Connected before QHttpServer connects its own handler, so it runs first.
    connect(socket, &QTcpSocket::readyRead, socket, [this, socket] { inspect(socket); });
    addPendingConnection(socket);
}

void ApiListener::inspect(QTcpSocket *socket) {
    // QHttpServer keeps a read transaction open while a request is incomplete;
    // no transaction means the buffered bytes start a new request.
    if (socket->isTransactionStarted()) return;
    const QByteArray head = socket->peek(std::min(socket->bytesAvailable(), api::kMaxHeaderBytes));
    const qsizetype end = head.indexOf("\r\n\r\n");
    if (end < 0) {
        if (head.size() >= api::kMaxHeaderBytes)
            refuse(socket, 431, {}, QStringLiteral("the request headers are larger than 16 KiB"));
        return;  // headers still arriving
    }
    const QList<QByteArray> lines = head.first(end).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    const QByteArray path = requestLine.value(1);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon < 0 || line.first(colon).trimmed().toLower() != "content-length") continue;
        bool ok = false;
        const qint64 length = line.sliced(colon + 1).trimmed().toLongLong(&ok);
        if (ok && length + end + 4 > api::kMaxRequestBytes)
            refuse(socket, 413, path,
                   QStringLiteral("the request body is %1 bytes; requests are limited to %2 bytes "
                                  "(use chunked blob uploads for large data)").arg(length).arg(api::kMaxRequestBytes));
        return;
    }
}

void ApiListener::refuse(QTcpSocket *socket, int status, const QByteArray &path, const QString &message) {
    ++refused_;
    qCWarning(lcApi) << "refusing request from" << socket->peerAddress().toString() << ":" << message;
    QByteArray body;
    if (path.startsWith("/jsonrpc")) {
        // A JSON-RPC client gets a JSON-RPC error it can parse.
        body = apijson::compact({{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                                 {QStringLiteral("id"), QJsonValue::Null},
                                 {QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), apierr::kInvalidParams},
                                                                       {QStringLiteral("message"), message}}}});
    } else {
        body = apijson::compact(apijson::errorBody(status == 413 ? ErrorCode::TooLarge : ErrorCode::HeadersTooLarge, message));
    }
    socket->write(HttpConnection::serialize({status, "application/json", body, {{"Connection", "close"}}}));
    // QHttpServer must not parse what follows; its cleanup on disconnect stays connected.
    if (http_) disconnect(socket, &QTcpSocket::readyRead, http_, nullptr);
    socket->disconnectFromHost();
}

}  // namespace dn
