#include "api/HttpReply.h"
#include "api/ApiJson.h"
#include <QThread>

namespace dn {

HttpReply::HttpReply(HttpConnection *connection, QHttpServerResponder &&responder)
    : connection_(connection),
      home_(QThread::currentThread()),
      ticket_(connection->takeTicket()),
      responder_(std::make_unique<QHttpServerResponder>(std::move(responder))) {}

HttpReply::~HttpReply() {
    if (!answered_ && QThread::currentThread() == home_)
        error(ErrorCode::Internal, QStringLiteral("the node did not produce an answer"));
}

void HttpReply::send(HttpResponse response) {
    if (answered_) return;
    answered_ = true;
    if (connection_) connection_->complete(ticket_, std::move(responder_), std::move(response));
}

void HttpReply::json(int status, const QJsonObject &body) {
    send(HttpResponse{status, "application/json", apijson::compact(body), {}});
}

void HttpReply::error(ErrorCode code, const QString &message) {
    json(errorInfo(code).httpStatus, apijson::errorBody(code, message));
}

void HttpReply::stream(HttpConnection::StreamFn start) {
    if (answered_) return;
    answered_ = true;
    if (connection_) connection_->completeStream(ticket_, std::move(responder_), std::move(start));
}

}  // namespace dn
