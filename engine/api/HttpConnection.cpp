#include "api/HttpConnection.h"
#include <QPointer>
#include <QTcpSocket>

namespace dn {

HttpConnection::HttpConnection(QTcpSocket *socket) : QObject(socket), socket_(socket) {}

HttpConnection *HttpConnection::of(QTcpSocket *socket) {
    if (auto *c = socket->findChild<HttpConnection *>(QString(), Qt::FindDirectChildrenOnly)) return c;
    return new HttpConnection(socket);
}

namespace {
const char *reasonPhrase(int status) {
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 403: return "Forbidden";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 426: return "Upgrade Required";
    case 421: return "Misdirected Request";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return status < 400 ? "OK" : "Error";
    }
}
}  // namespace

QByteArray HttpConnection::serialize(const HttpResponse &response) {
    QByteArray out;
    out.reserve(response.body.size() + 160);
    out += "HTTP/1.1 ";
    out += QByteArray::number(response.status);
    out += ' ';
    out += reasonPhrase(response.status);
    out += "\r\n";
    if (!response.contentType.isEmpty()) out += "Content-Type: " + response.contentType + "\r\n";
    out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    for (const auto &[name, value] : response.headers) out += name + ": " + value + "\r\n";
    out += "\r\n";
    out += response.body;
    return out;
}

void HttpConnection::write(QHttpServerResponder &responder, const HttpResponse &response) {
    // One write instead of the responder's one per header line: each QIODevice
    // write has its cost, and this is the hot path of every JSON-RPC call.
    responder.socket()->write(serialize(response));
}

void HttpConnection::complete(quint64 ticket, std::unique_ptr<QHttpServerResponder> responder,
                              HttpResponse response) {
    if (ticket == turn_ && !streaming_) {  // the common case: nothing to wait for
        if (socket_->state() == QAbstractSocket::ConnectedState) write(*responder, response);
        ++turn_;
        if (!ready_.empty()) pump();
        return;
    }
    ready_[ticket] = Ready{std::move(responder), std::move(response), {}};
}

void HttpConnection::completeStream(quint64 ticket, std::unique_ptr<QHttpServerResponder> responder,
                                    StreamFn start) {
    ready_[ticket] = Ready{std::move(responder), {}, std::move(start)};
    pump();
}

void HttpConnection::pump() {
    while (!streaming_) {
        auto it = ready_.find(turn_);
        if (it == ready_.end()) return;
        Ready r = std::move(it->second);
        ready_.erase(it);
        ++turn_;
        if (socket_->state() != QAbstractSocket::ConnectedState) continue;
        if (!r.stream) {
            write(*r.responder, r.response);
            continue;
        }
        streaming_ = true;
        streamResponder_ = std::move(r.responder);
        QPointer<HttpConnection> self(this);
        r.stream(*streamResponder_, [self] {
            if (!self) return;
            // Not from inside the stream's own call stack: it may still hold the responder.
            QMetaObject::invokeMethod(self, [self] {
                if (!self) return;
                self->streaming_ = false;
                self->streamResponder_.reset();
                self->pump();
            }, Qt::QueuedConnection);
        });
    }
}

}  // namespace dn
