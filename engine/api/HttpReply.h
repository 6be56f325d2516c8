#pragma once
// The answer to one HTTP request. Handlers hold it by shared_ptr and may
// answer later (after an engine callback), always on the node thread. The
// first answer wins; if the client has gone away the answer is dropped.
#include "api/HttpConnection.h"
#include "util/Result.h"
#include <QJsonObject>
#include <QPointer>
#include <QString>
#include <memory>

class QThread;

namespace dn {

class HttpReply {
public:
    HttpReply(HttpConnection *connection, QHttpServerResponder &&responder);
    // A handler that forgot to answer gets a 500 rather than a hung client
    // (only on the node thread: elsewhere the connection may not be touched).
    ~HttpReply();
    HttpReply(const HttpReply &) = delete;
    HttpReply &operator=(const HttpReply &) = delete;

    void send(HttpResponse response);
    void json(int status, const QJsonObject &body);
    // REST error body {"error":{"code":…,"message":…}} with the code's HTTP status.
    void error(ErrorCode code, const QString &message);
    void error(const Error &e) { error(e.code, e.message); }
    void stream(HttpConnection::StreamFn start);

    bool answered() const { return answered_; }

private:
    QPointer<HttpConnection> connection_;
    QThread *home_;
    quint64 ticket_;
    std::unique_ptr<QHttpServerResponder> responder_;
    bool answered_ = false;
};

using HttpReplyPtr = std::shared_ptr<HttpReply>;

}  // namespace dn
