#include "api/HttpGate.h"
#include <QHostAddress>
#include <QUrl>
#include <QUrlQuery>

namespace dn {
namespace {

bool isTokenChar(char c) {
    // RFC 9110 §5.6.2 tchar.
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~': return true;
    default: return false;
    }
}

bool isToken(QByteArrayView s) {
    if (s.isEmpty()) return false;
    for (char c : s)
        if (!isTokenChar(c)) return false;
    return true;
}

QByteArrayView trimOws(QByteArrayView s) {
    while (!s.isEmpty() && (s.front() == ' ' || s.front() == '\t')) s = s.sliced(1);
    while (!s.isEmpty() && (s.back() == ' ' || s.back() == '\t')) s.chop(1);
    return s;
}

// Host without its port; brackets of an IPv6 literal kept off.
QByteArray hostName(QByteArrayView host) {
    if (host.startsWith('[')) {
        const qsizetype close = host.indexOf(']');
        return close < 0 ? QByteArray() : host.sliced(1, close - 1).toByteArray();
    }
    const qsizetype colon = host.lastIndexOf(':');
    return (colon < 0 ? host : host.first(colon)).toByteArray().toLower();
}

}  // namespace

bool HttpGate::isOpenPath(QByteArrayView path, bool metricsPublic) {
    return path == "/health" || path == "/admin-api/health" || (metricsPublic && path == "/metrics");
}

HttpGate::Verdict HttpGate::refuse(int status, ErrorCode code, QString message) {
    state_ = State::Refused;
    refusal_.status = status;
    refusal_.code = code;
    refusal_.message = std::move(message);
    return Verdict::Refuse;
}

HttpGate::Verdict HttpGate::feed(QByteArrayView bytes) {
    while (!bytes.isEmpty()) {
        switch (state_) {
        case State::Refused: return Verdict::Refuse;
        case State::Tunnel: return Verdict::Tunnel;
        case State::Body: {
            const qsizetype n = qsizetype(std::min<qint64>(bodyLeft_, bytes.size()));
            bodyLeft_ -= n;
            bytes = bytes.sliced(n);
            if (bodyLeft_ == 0) state_ = State::Head;
            break;
        }
        case State::Head: {
            qsizetype searchFrom = std::max<qsizetype>(0, head_.size() - 3);
            const qsizetype room = qsizetype(policy_->maxHeadBytes) + 4 - head_.size();
            const qsizetype take = std::min(bytes.size(), std::max<qsizetype>(room, 0));
            head_.append(bytes.first(take));
            // Empty lines before a request line are allowed (RFC 9112 §2.2):
            // some clients send one after a body.
            qsizetype skipped = 0;
            while (head_.size() - skipped >= 2 && head_[skipped] == '\r' && head_[skipped + 1] == '\n') skipped += 2;
            if (skipped) {
                head_.remove(0, skipped);
                searchFrom = 0;
            }
            const qsizetype end = head_.indexOf("\r\n\r\n", searchFrom);
            if (end < 0) {
                // Up to three bytes of the terminator may already be here.
                if (head_.size() > policy_->maxHeadBytes + 3)
                    return refuse(431, ErrorCode::HeadersTooLarge,
                                  QStringLiteral("the request line and headers are larger than %1 bytes").arg(policy_->maxHeadBytes));
                bytes = bytes.sliced(take);
                break;
            }
            // What of this read lies past the head's end goes to the body or the next request.
            const qsizetype used = take - (head_.size() - (end + 4));
            bytes = bytes.sliced(used);
            head_.truncate(end);
            const Verdict v = checkHead();
            head_.clear();
            if (v != Verdict::Pass) return v;
            break;
        }
        }
    }
    return state_ == State::Tunnel ? Verdict::Tunnel : state_ == State::Refused ? Verdict::Refuse : Verdict::Pass;
}

HttpGate::Verdict HttpGate::checkHead() {
    refusal_ = GateRefusal{};
    for (qsizetype i = 0; i < head_.size(); ++i) {
        const char c = head_[i];
        if (c == '\n' && (i == 0 || head_[i - 1] != '\r'))
            return refuse(400, ErrorCode::BadFraming, QStringLiteral("a line ends in a bare LF; HTTP lines end in CRLF"));
        if (c == '\r' && (i + 1 >= head_.size() || head_[i + 1] != '\n'))
            return refuse(400, ErrorCode::BadFraming, QStringLiteral("a bare CR inside the headers"));
        if (c == '\0') return refuse(400, ErrorCode::BadFraming, QStringLiteral("a NUL byte inside the headers"));
    }
    const QList<QByteArray> lines = head_.split('\n');  // each but the last still ends in '\r'
    auto line = [&](qsizetype i) {
        QByteArrayView l(lines[i]);
        return l.endsWith('\r') ? l.chopped(1) : l;
    };

    // Request line: method SP target SP version, single spaces.
    const QList<QByteArray> parts = line(0).toByteArray().split(' ');
    if (parts.size() != 3 || !isToken(parts[0]))
        return refuse(400, ErrorCode::BadFraming, QStringLiteral("the request line is not \"METHOD /path HTTP/1.1\""));
    const QByteArray &target = parts[1];
    const qsizetype q = target.indexOf('?');
    refusal_.path = q < 0 ? target : target.first(q);
    if (!target.startsWith('/'))
        return refuse(400, ErrorCode::BadFraming, QStringLiteral("the request target must be a path starting with \"/\""));
    if (parts[2] != "HTTP/1.1" && parts[2] != "HTTP/1.0")
        return refuse(400, ErrorCode::BadFraming, QStringLiteral("only HTTP/1.1 and HTTP/1.0 are spoken here"));
    const bool http11 = parts[2] == "HTTP/1.1";

    int lengths = 0, encodings = 0, hosts = 0, origins = 0;
    qint64 length = 0;
    QByteArray host, origin, authorization;
    bool upgrade = false;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArrayView l = line(i);
        if (l.startsWith(' ') || l.startsWith('\t'))
            return refuse(400, ErrorCode::BadFraming, QStringLiteral("a folded header line (obs-fold) is not accepted"));
        const qsizetype colon = l.indexOf(':');
        if (colon <= 0 || !isToken(l.first(colon)))
            return refuse(400, ErrorCode::BadFraming, QStringLiteral("a header line is not \"Name: value\" (no space before the colon)"));
        const QByteArray name = l.first(colon).toByteArray().toLower();
        const QByteArrayView value = trimOws(l.sliced(colon + 1));
        for (char c : value)
            if ((uchar(c) < 0x20 && c != '\t') || c == 0x7f)
                return refuse(400, ErrorCode::BadFraming, QStringLiteral("a control character in the %1 header").arg(QString::fromLatin1(name)));
        if (name == "content-length") {
            ++lengths;
            bool digits = !value.isEmpty() && value.size() <= 18;
            for (char c : value) digits = digits && c >= '0' && c <= '9';
            if (!digits)
                return refuse(400, ErrorCode::BadFraming, QStringLiteral("Content-Length must be one decimal number"));
            length = value.toLongLong();
        } else if (name == "transfer-encoding") {
            ++encodings;
            if (value.compare("chunked", Qt::CaseInsensitive) != 0)
                return refuse(400, ErrorCode::BadFraming, QStringLiteral("the only transfer coding understood is \"chunked\""));
        } else if (name == "host") {
            ++hosts;
            host = value.toByteArray();
        } else if (name == "origin") {
            ++origins;
            origin = value.toByteArray();
        } else if (name == "authorization") {
            authorization = value.toByteArray();
        } else if (name == "upgrade") {
            upgrade = true;
        }
    }
    if (lengths > 1) return refuse(400, ErrorCode::BadFraming, QStringLiteral("more than one Content-Length header"));
    if (encodings > 0 && lengths > 0)
        return refuse(400, ErrorCode::BadFraming, QStringLiteral("both Transfer-Encoding and Content-Length"));
    if (encodings > 1) return refuse(400, ErrorCode::BadFraming, QStringLiteral("more than one Transfer-Encoding header"));
    if (encodings == 1)
        return refuse(411, ErrorCode::LengthRequired,
                      QStringLiteral("chunked request bodies are not accepted; send Content-Length (large blobs: upload sessions)"));

    // Host: required by HTTP/1.1, and only names a rebinding page cannot use.
    if (hosts > 1 || (hosts == 0 && http11))
        return refuse(400, ErrorCode::BadFraming, QStringLiteral("an HTTP/1.1 request needs exactly one Host header"));
    if (hosts == 1) {
        const QByteArray name = hostName(host);
        const bool literal = !QHostAddress(QString::fromLatin1(name)).isNull();
        if (!literal && name != "localhost" && !policy_->allowedHosts.contains(name))
            return refuse(421, ErrorCode::HostNotAllowed,
                          QStringLiteral("Host \"%1\" is not served here; add it to [api] allowed_hosts").arg(QString::fromLatin1(name.left(100))));
    }
    if (origins > 1 || (origins == 1 && !policy_->allowedOrigins.contains(origin)))
        return refuse(403, ErrorCode::OriginNotAllowed,
                      QStringLiteral("requests from origin \"%1\" are not allowed; add it to [api] allowed_origins")
                          .arg(QString::fromLatin1(origin.left(100))));

    if (head_.size() + 4 + length > policy_->maxRequestBytes)
        return refuse(413, ErrorCode::TooLarge,
                      QStringLiteral("the request body is %1 bytes; requests are limited to %2 bytes "
                                     "(use chunked blob uploads for large data)").arg(length).arg(policy_->maxRequestBytes));

    if (!isOpenPath(refusal_.path, policy_->metricsPublic)) {
        QString queryToken;
        if (upgrade && q >= 0)
            queryToken = QUrlQuery(QString::fromLatin1(target.sliced(q + 1))).queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded);
        if (!policy_->authorized || !policy_->authorized(authorization, queryToken)) {
            refusal_.headers.push_back({"WWW-Authenticate", "Bearer"});
            return refuse(401, ErrorCode::Unauthorized, QStringLiteral("a valid API token is required (Authorization: Bearer <token>)"));
        }
    }

    ++passed_;
    if (upgrade) {
        state_ = State::Tunnel;
        return Verdict::Tunnel;
    }
    bodyLeft_ = length;
    state_ = length > 0 ? State::Body : State::Head;
    return Verdict::Pass;
}

}  // namespace dn
