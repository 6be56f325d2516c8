#include "api/HttpConnection.h"
#include <QPointer>
#include <QTcpSocket>

namespace dn {

HttpConnection::HttpConnection(QTcpSocket *socket) : QObject(socket), socket_(socket) {}

HttpConnection *HttpConnection::of(QTcpSocket *socket) {
    if (auto *c = socket->findChild<HttpConnection *>(QString(), Qt::FindDirectChildrenOnly)) return c;
    return new HttpConnection(socket);
}

void HttpConnection::write(QHttpServerResponder &responder, const HttpResponse &response) {
    using Status = QHttpServerResponder::StatusCode;
    responder.writeStatusLine(Status(response.status));
    if (!response.contentType.isEmpty()) responder.writeHeader("Content-Type", response.contentType);
    responder.writeHeader("Content-Length", QByteArray::number(response.body.size()));
    for (const auto &[name, value] : response.headers) responder.writeHeader(name, value);
    responder.writeBody(response.body.constData(), response.body.size());
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
