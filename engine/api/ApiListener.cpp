#include "api/ApiListener.h"
#include "api/ApiErrors.h"
#include "api/ApiJson.h"
#include "api/ApiLog.h"
#include "api/HttpConnection.h"
#include <QTcpSocket>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace dn {

// The guard's view of one accepted socket; a child of it, so it goes with it.
struct ApiListener::Conn : QObject {
    Conn(QTcpSocket *s, const HttpGatePolicy *policy, qint64 now)
        : QObject(s), socket(s), gate(policy), headStartMs(now), lastActivityMs(now) {}
    QTcpSocket *socket;
    HttpGate gate;
    qint64 headStartMs;     // when the head now arriving (or awaited first) began
    qint64 lastActivityMs;  // last byte in or out
    // Bytes QHttpServer left unread when its handler last returned; the gate
    // has seen them already. (6.4 parses one request per readyRead and
    // re-emits readyRead for the rest, so the same bytes come by again.)
    qint64 seenUnread = 0;
    bool watched = false;   // the after-QHttpServer handler is connected
    bool closing = false;
    // Nothing read but unfinished, nothing unanswered, nothing unsent.
    bool idle() const {
        const auto *http = socket->findChild<HttpConnection *>(QString(), Qt::FindDirectChildrenOnly);
        return !gate.inHead() && !gate.inBody() && (!http || http->unanswered() == 0) && socket->bytesToWrite() == 0 &&
               gate.requestsPassed() > 0;
    }
    // Never got a request past the gate: a stranger until it does.
    bool unproven() const { return gate.requestsPassed() == 0 && !gate.inBody(); }
};

namespace {
int openSpare() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }

// A quarter of the descriptors this process may hold: the API must never be
// able to use up what the network and the database need.
int capForDescriptors(int configured) {
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return configured;
    return std::max(8, std::min(configured, int(std::min<rlim_t>(rl.rlim_cur / 4, 1 << 20))));
}
}  // namespace

const std::vector<ErrorCode> &ApiListener::refusalCodes() {
    static const std::vector<ErrorCode> codes = {
        ErrorCode::BadFraming,     ErrorCode::LengthRequired,   ErrorCode::HostNotAllowed,
        ErrorCode::OriginNotAllowed, ErrorCode::Unauthorized,   ErrorCode::TooLarge,
        ErrorCode::HeadersTooLarge, ErrorCode::RequestTimeout, ErrorCode::Busy};
    return codes;
}

ApiListener::ApiListener(HttpGatePolicy policy, ApiListenerLimits limits, QObject *parent)
    : QTcpServer(parent), policy_(std::move(policy)), limits_(limits), maxConnections_(capForDescriptors(limits.maxConnections)) {
    clock_.start();
    spareFd_ = openSpare();
    const int shortest = std::min({limits_.headerTimeoutMs, limits_.bodyTimeoutMs, limits_.idleTimeoutMs});
    sweep_.setInterval(std::clamp(shortest / 4, 20, 1000));
    connect(&sweep_, &QTimer::timeout, this, &ApiListener::sweep);
    sweep_.start();
    connect(this, &QTcpServer::acceptError, this, &ApiListener::onAcceptError);
}

ApiListener::~ApiListener() {
    if (spareFd_ >= 0) ::close(spareFd_);
}

void ApiListener::incomingConnection(qintptr descriptor) {
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        ::close(int(descriptor));
        return;
    }
    ++stats_.accepted;
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    if (conns_.size() >= maxConnections_ && !makeRoom()) {
        // Not handed to QHttpServer: answered and closed here.
        answerAndClose(socket, 503, ErrorCode::Busy,
                       QStringLiteral("the API serves at most %1 connections at once; try again shortly").arg(maxConnections_), {}, {});
        return;
    }
    // Read what QHttpServer may buffer for one request; a larger one is refused by the gate first.
    socket->setReadBufferSize(policy_.maxRequestBytes + policy_.maxHeadBytes);
    auto *c = new Conn(socket, &policy_, now());
    conns_.insert(socket, c);
    ++stats_.open;
    connect(c, &QObject::destroyed, this, [this, socket] {
        if (conns_.remove(socket)) --stats_.open;
    });
    // Connected before QHttpServer connects its own handler, so it runs first.
    connect(socket, &QTcpSocket::readyRead, c, [this, c] { onReadyRead(c); });
    connect(socket, &QTcpSocket::bytesWritten, c, [this, c] { c->lastActivityMs = now(); });
    addPendingConnection(socket);
}

bool ApiListener::makeRoom() {
    // The quietest connection that is idle, or has not yet sent a request
    // the gate passed: a flood of silent or slow connections then only
    // evicts itself, while a client in the middle of a call keeps its slot.
    Conn *oldest = nullptr;
    for (Conn *c : std::as_const(conns_))
        if (!c->closing && (c->idle() || c->unproven()) && (!oldest || c->lastActivityMs < oldest->lastActivityMs)) oldest = c;
    if (!oldest) return false;
    ++stats_.idleClosed;
    oldest->closing = true;
    oldest->socket->disconnectFromHost();
    conns_.remove(oldest->socket);  // its slot is the newcomer's now
    --stats_.open;
    return true;
}

void ApiListener::onReadyRead(Conn *c) {
    QTcpSocket *s = c->socket;
    if (c->closing) return;
    const bool wasInHead = c->gate.inHead();
    const quint64 passedBefore = c->gate.requestsPassed();
    // Available bytes start where QHttpServer stopped reading (inside its
    // read transaction too: they count from the transaction's position); the
    // first seenUnread of them the gate has already judged.
    const qint64 n = s->bytesAvailable();
    if (n <= c->seenUnread) return;
    c->lastActivityMs = now();
    const HttpGate::Verdict v = c->gate.feed(QByteArrayView(s->peek(n)).sliced(c->seenUnread));
    c->seenUnread = n;
    if (v == HttpGate::Verdict::Refuse) {
        const GateRefusal &r = c->gate.refusal();
        return refuse(c, r.status, r.code, r.message, r.path, r.headers);
    }
    if (v == HttpGate::Verdict::Tunnel) {  // a WebSocket now: its hub guards it
        c->closing = true;
        conns_.remove(s);
        --stats_.open;
        return;
    }
    const quint64 passed = c->gate.requestsPassed() - passedBefore;
    stats_.passed += passed;
    if (c->gate.inHead() && (!wasInHead || passed > 0)) c->headStartMs = now();
    const auto *http = s->findChild<HttpConnection *>(QString(), Qt::FindDirectChildrenOnly);
    if ((http ? http->unanswered() : 0) + passed > quint64(limits_.maxPipelined))
        return refuse(c, 503, ErrorCode::Busy,
                      QStringLiteral("more than %1 requests are waiting for their answers on this connection; "
                                     "read the answers before sending more").arg(limits_.maxPipelined));
    cutOffIfOverCap(c);
}

bool ApiListener::cutOffIfOverCap(Conn *c) {
    QTcpSocket *s = c->socket;
    if (s->bytesToWrite() <= limits_.maxUnsentBytes) return false;
    ++stats_.cutOff;
    qCWarning(lcApi) << "cutting off" << s->peerAddress().toString() << ": it leaves" << s->bytesToWrite()
                     << "bytes of answers unread";
    c->closing = true;
    s->abort();
    return true;
}

void ApiListener::boundTo(QObject *http) {
    http_ = http;
    // Connected after bind() connected QHttpServer's own newConnection
    // handler, so ours runs after it: by then QHttpServer has taken the new
    // sockets and connected its readyRead handler, and ours goes after that.
    connect(this, &QTcpServer::newConnection, this, &ApiListener::watchHttpReads);
}

void ApiListener::watchHttpReads() {
    for (Conn *c : std::as_const(conns_)) {
        if (c->watched) continue;
        c->watched = true;
        connect(c->socket, &QTcpSocket::readyRead, c, [c] { c->seenUnread = c->socket->bytesAvailable(); });
    }
}

void ApiListener::sweep() {
    const qint64 t = now();
    const QList<Conn *> all = conns_.values();
    for (Conn *c : all) {
        if (c->closing) continue;
        QTcpSocket *s = c->socket;
        if (cutOffIfOverCap(c)) continue;
        const bool awaitingFirst = c->gate.requestsPassed() == 0 && !c->gate.inBody();
        if ((c->gate.inHead() || awaitingFirst) && t - c->headStartMs > limits_.headerTimeoutMs) {
            refuse(c, 408, ErrorCode::RequestTimeout,
                   QStringLiteral("the request headers did not arrive within %1 s").arg(limits_.headerTimeoutMs / 1000.0));
        } else if (c->gate.inBody() && t - c->lastActivityMs > limits_.bodyTimeoutMs) {
            refuse(c, 408, ErrorCode::RequestTimeout,
                   QStringLiteral("no byte of the request body arrived for %1 s").arg(limits_.bodyTimeoutMs / 1000.0));
        } else if (c->idle() && t - c->lastActivityMs > limits_.idleTimeoutMs) {
            ++stats_.idleClosed;
            c->closing = true;
            s->disconnectFromHost();
        }
    }
}

void ApiListener::refuse(Conn *c, int status, ErrorCode code, const QString &message, const QByteArray &path,
                         std::vector<std::pair<QByteArray, QByteArray>> headers) {
    c->closing = true;
    // QHttpServer must not parse what follows; its cleanup on disconnect stays connected.
    if (http_) disconnect(c->socket, &QTcpSocket::readyRead, http_, nullptr);
    answerAndClose(c->socket, status, code, message, path, std::move(headers));
}

void ApiListener::answerAndClose(QTcpSocket *socket, int status, ErrorCode code, const QString &message,
                                 const QByteArray &path, std::vector<std::pair<QByteArray, QByteArray>> headers) {
    ++stats_.refused;
    ++stats_.refusedBy[QByteArray(errorInfo(code).wire)];
    if (code == ErrorCode::Unauthorized)
        qCDebug(lcApi) << "refusing request from" << socket->peerAddress().toString() << ":" << message;
    else
        qCWarning(lcApi) << "refusing request from" << socket->peerAddress().toString() << ":" << message;
    QByteArray body;
    if (path.startsWith("/jsonrpc") && code == ErrorCode::TooLarge) {
        // A JSON-RPC client gets a JSON-RPC error it can parse.
        body = apijson::compact({{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                                 {QStringLiteral("id"), QJsonValue::Null},
                                 {QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), apierr::kInvalidParams},
                                                                       {QStringLiteral("message"), message}}}});
    } else {
        body = apijson::compact(apijson::errorBody(code, message));
    }
    headers.push_back({"Connection", "close"});
    socket->write(HttpConnection::serialize({status, "application/json", body, std::move(headers)}));
    lingeringClose(socket);
}

void ApiListener::lingeringClose(QTcpSocket *socket) {
    // Closing a socket with unread bytes makes the kernel send a reset, and
    // the client may lose the answer it is owed (a 413 to an honest upload).
    // So: send the answer, close our direction, and read and drop whatever
    // the client still sends, until it closes or kLingerMs pass.
    constexpr int kLingerMs = 2000;
    const qintptr fd = socket->socketDescriptor();
    socket->skip(socket->bytesAvailable());
    connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->skip(socket->bytesAvailable()); });
    auto shutWrite = [socket, fd] {
        if (socket->bytesToWrite() == 0 && socket->state() == QAbstractSocket::ConnectedState) ::shutdown(int(fd), SHUT_WR);
    };
    connect(socket, &QTcpSocket::bytesWritten, socket, shutWrite);
    socket->flush();
    shutWrite();
    QTimer::singleShot(kLingerMs, socket, [socket] { socket->abort(); });
}

void ApiListener::onAcceptError(QAbstractSocket::SocketError error) {
    if (error != QAbstractSocket::SocketResourceError) {
        qCWarning(lcApi) << "accept failed:" << errorString();
        QTimer::singleShot(50, this, [this] { resumeAccepting(); });
        return;
    }
    // Out of descriptors: use the spare to take the newcomer off the queue and
    // close it, so the listener does not spin on it and the node keeps what it has.
    if (spareFd_ >= 0) {
        ::close(spareFd_);
        spareFd_ = -1;
    }
    const int fd = ::accept4(int(socketDescriptor()), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd >= 0) {
        ::close(fd);
        ++stats_.shed;
    }
    spareFd_ = openSpare();
    qCWarning(lcApi) << "out of file descriptors: shed a new API connection (" << stats_.shed << "so far)";
    QTimer::singleShot(50, this, [this] { resumeAccepting(); });
}

}  // namespace dn
