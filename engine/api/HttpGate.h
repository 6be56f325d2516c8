#pragma once
// The gate in front of QHttpServer: a sans-IO check of every request head on
// one connection, before the HTTP parser reads a byte of it (DESIGN §16).
//
// QHttpServer 6.4 buffers whole requests, accepts two Content-Length headers,
// negative lengths and unknown transfer codings, and authenticates (through
// our router) only after the body is in memory. The gate sees the bytes of a
// connection first, in order, frames the requests itself (strict RFC 9112:
// CRLF line ends, no obs-fold, one Content-Length of digits, Transfer-Encoding
// never), and decides at the end of each head: pass it on, or refuse it with
// a status and a one-line JSON error before any body byte is read. Host,
// Origin and the token are checked here too, so a DNS-rebinding page or a
// process without the token costs one head of at most 16 KiB.
//
// Pure: bytes in, verdict out; no sockets, no clock (the listener times the
// states this reports). Fuzzed by fuzz_http_gate.
#include "util/ErrorCode.h"
#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <functional>
#include <utility>
#include <vector>

namespace dn {

struct HttpGatePolicy {
    // Host names (lower case, without port) served besides IP literals and
    // "localhost": a DNS-rebinding page reaches us under its own name, which
    // is not here. An IP literal cannot be rebound.
    QList<QByteArray> allowedHosts;
    // Origins (scheme://host[:port], as browsers send them) that may call the
    // API and open WebSockets. Any other Origin is refused; requests without
    // one (every non-browser client) pass.
    QList<QByteArray> allowedOrigins;
    // GET /metrics without the token (it lists context ids, so off by default).
    bool metricsPublic = false;
    qint64 maxHeadBytes = 16 * 1024;
    qint64 maxRequestBytes = 17 * 1024 * 1024;  // head + body
    // Whether the Authorization header (or, for a WebSocket upgrade, the
    // ?token= of the target) carries the node's token.
    std::function<bool(const QByteArray &authorization, const QString &queryToken)> authorized;
};

struct GateRefusal {
    int status = 400;
    ErrorCode code = ErrorCode::BadFraming;
    QString message;
    QByteArray path;  // of the refused request, when its request line was readable
    std::vector<std::pair<QByteArray, QByteArray>> headers;
};

class HttpGate {
public:
    enum class Verdict {
        Pass,    // hand the bytes to the HTTP parser
        Refuse,  // answer refusal() and close; the parser must not see these bytes
        Tunnel,  // an upgrade was passed: what follows is not HTTP, the gate is done
    };

    explicit HttpGate(const HttpGatePolicy *policy) : policy_(policy) {}

    // The bytes that arrived on the connection since the last call, in order.
    Verdict feed(QByteArrayView bytes);

    const GateRefusal &refusal() const { return refusal_; }
    // A head has started but not ended (the header timeout runs).
    bool inHead() const { return state_ == State::Head && !head_.isEmpty(); }
    // A body is still arriving (the body timeout runs).
    bool inBody() const { return state_ == State::Body; }
    quint64 requestsPassed() const { return passed_; }

    // Open paths need no token: the health checks, and /metrics when public.
    static bool isOpenPath(QByteArrayView path, bool metricsPublic);

private:
    enum class State { Head, Body, Tunnel, Refused };
    Verdict checkHead();
    Verdict refuse(int status, ErrorCode code, QString message);

    const HttpGatePolicy *policy_;
    State state_ = State::Head;
    QByteArray head_;
    qint64 bodyLeft_ = 0;
    quint64 passed_ = 0;
    GateRefusal refusal_;
};

}  // namespace dn
