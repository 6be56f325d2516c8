#pragma once
// The listening socket of the API server, handed to QHttpServer with bind(),
// and the guard of every connection it accepts (DESIGN §16).
//
// Each accepted socket gets an HttpGate that sees its bytes before QHttpServer
// does (our readyRead handler is connected first), so a request is refused at
// the end of its head — framing, Host, Origin, token, size — before any body
// byte is parsed or buffered by the HTTP layer. Around the gate, the listener
// keeps what a gate cannot see:
//   - a connection cap: at the cap the quietest connection that is idle or
//     has not yet had a request passed is closed for the newcomer; if every
//     one is in the middle of a request, the newcomer gets 503;
//   - clocks: a head must arrive within the header timeout (also the first
//     one after connecting), a body must keep moving, and a keep-alive
//     connection with nothing pending is closed after the idle timeout;
//   - output: a connection with more unsent bytes than the cap is cut off, and
//     one with more unanswered pipelined requests than the cap gets 503;
//   - descriptors: a spare one is held, so when accept() fails for lack of
//     descriptors the listener frees it, accepts and closes the newcomer, and
//     keeps serving instead of spinning or dying.
#include "api/ApiLimits.h"
#include "api/HttpGate.h"
#include <QElapsedTimer>
#include <QHash>
#include <QTcpServer>
#include <QTimer>
#include <map>

class QTcpSocket;

namespace dn {

struct ApiListenerLimits {
    int maxConnections = 256;
    int headerTimeoutMs = 10'000;   // a whole head, and the first request after connecting
    int bodyTimeoutMs = 30'000;     // a body with no byte arriving for this long
    int idleTimeoutMs = 120'000;    // keep-alive with nothing in flight
    qint64 maxUnsentBytes = 8 * api::kMiB;
    int maxPipelined = 64;          // requests read but not yet answered
};

struct ApiListenerStats {
    quint64 accepted = 0;
    quint64 passed = 0;        // request heads the gates let through
    quint64 refused = 0;       // answered with an error by the gate or the guard
    quint64 shed = 0;          // closed at accept: out of descriptors
    quint64 idleClosed = 0;    // idle keep-alive connections closed (timeout or to make room)
    quint64 cutOff = 0;        // aborted for leaving too much output unsent
    int open = 0;
    std::map<QByteArray, quint64> refusedBy;  // error code → count
};

class ApiListener : public QTcpServer {
    Q_OBJECT
public:
    explicit ApiListener(HttpGatePolicy policy, ApiListenerLimits limits, QObject *parent = nullptr);
    ~ApiListener() override;
    // Call right after QHttpServer::bind(this): the server whose readyRead
    // handling is cut off for a refused connection, and after whose handler
    // the listener learns how far it has read.
    void boundTo(QObject *http);
    const ApiListenerStats &stats() const { return stats_; }
    int effectiveMaxConnections() const { return maxConnections_; }
    // The codes a refusal can carry (for metrics with a fixed label set).
    static const std::vector<ErrorCode> &refusalCodes();

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    struct Conn;
    void onReadyRead(Conn *c);
    void sweep();
    bool cutOffIfOverCap(Conn *c);  // aborts a connection with too much unsent output
    void watchHttpReads();
    bool makeRoom();
    void refuse(Conn *c, int status, ErrorCode code, const QString &message, const QByteArray &path = {},
                std::vector<std::pair<QByteArray, QByteArray>> headers = {});
    void answerAndClose(QTcpSocket *socket, int status, ErrorCode code, const QString &message,
                        const QByteArray &path, std::vector<std::pair<QByteArray, QByteArray>> headers);
    void lingeringClose(QTcpSocket *socket);
    void onAcceptError(QAbstractSocket::SocketError error);
    qint64 now() const { return clock_.elapsed(); }

    HttpGatePolicy policy_;
    ApiListenerLimits limits_;
    int maxConnections_;
    QObject *http_ = nullptr;
    QHash<QTcpSocket *, Conn *> conns_;
    QTimer sweep_;
    QElapsedTimer clock_;
    ApiListenerStats stats_;
    int spareFd_ = -1;
};

}  // namespace dn
