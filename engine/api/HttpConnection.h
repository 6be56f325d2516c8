#pragma once
// Per-connection answer order. QHttpServer 6.4 hands the next request of a
// connection to us as soon as it has arrived, even while an earlier one is
// still waiting for the engine; HTTP/1.1 requires answers in request order.
// Each request takes a ticket; answers that are ready early wait here until
// every earlier answer has been written. Lives as a child of its socket, so it
// and every waiting answer go away with the connection.
#include <QByteArray>
#include <QObject>
#include <QtHttpServer/QHttpServerResponder>
#include <functional>
#include <map>
#include <memory>
#include <utility>
#include <vector>

class QTcpSocket;

namespace dn {

struct HttpResponse {
    int status = 200;
    QByteArray contentType;
    QByteArray body;
    std::vector<std::pair<QByteArray, QByteArray>> headers;
};

class HttpConnection : public QObject {
    Q_OBJECT
public:
    // A streamed answer: called when it is this answer's turn; calls `finished`
    // once its last byte is queued (or the stream failed and closed the socket).
    using StreamFn = std::function<void(QHttpServerResponder &responder, std::function<void()> finished)>;

    static HttpConnection *of(QTcpSocket *socket);  // created on first use
    quint64 takeTicket() { return nextTicket_++; }
    // Requests taken whose answers are not yet queued for writing.
    quint64 unanswered() const { return nextTicket_ - turn_ + (streaming_ ? 1 : 0); }
    void complete(quint64 ticket, std::unique_ptr<QHttpServerResponder> responder, HttpResponse response);
    void completeStream(quint64 ticket, std::unique_ptr<QHttpServerResponder> responder, StreamFn start);

    // The response as bytes on the wire (status line, headers, Content-Length, body).
    static QByteArray serialize(const HttpResponse &response);
    static void write(QHttpServerResponder &responder, const HttpResponse &response);

private:
    explicit HttpConnection(QTcpSocket *socket);
    struct Ready {
        std::unique_ptr<QHttpServerResponder> responder;
        HttpResponse response;
        StreamFn stream;
    };
    void pump();

    QTcpSocket *socket_;
    quint64 nextTicket_ = 0;
    quint64 turn_ = 0;        // ticket whose answer goes out next
    bool streaming_ = false;  // a streamed answer holds the connection
    std::unique_ptr<QHttpServerResponder> streamResponder_;
    std::map<quint64, Ready> ready_;
};

}  // namespace dn
