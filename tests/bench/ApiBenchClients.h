#pragma once
// HTTP clients of bench_api: a Qt one for setup, WebSocket timing and blob
// transfers, and an epoll one that generates the JSON-RPC load cheaply.
#include <QByteArray>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>
#include <QTcpSocket>
#include <arpa/inet.h>
#include <cstdio>
#include <functional>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace dn::bench {

// One keep-alive HTTP/1.1 connection with at most one request in flight.
class Conn : public QObject {
public:
    Conn(quint16 port, QByteArray token) : token_(std::move(token)) {
        socket_.connectToHost(QHostAddress::LocalHost, port);
        socket_.setSocketOption(QAbstractSocket::LowDelayOption, 1);
        connect(&socket_, &QTcpSocket::readyRead, this, [this] { onRead(); });
    }
    bool connected() const { return socket_.state() == QAbstractSocket::ConnectedState; }
    bool busy() const { return busy_; }
    void request(const QByteArray &method, const QByteArray &path, const QByteArray &body,
                 std::function<void(int status, const QByteArray &body)> done) {
        done_ = std::move(done);
        busy_ = true;
        socket_.write(method + ' ' + path + " HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer " + token_ +
                      "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
                      "\r\n\r\n" + body);
    }
    // Discards bodies as they arrive (for large downloads); counts bytes.
    qint64 discardBody = -1;

private:
    void onRead() {
        for (;;) {
            if (discardBody >= 0 && headerDone_) {
                discardBody += socket_.bytesAvailable();
                socket_.skip(socket_.bytesAvailable());
                if (discardBody >= length_) finish({});
                return;
            }
            buffer_ += socket_.readAll();
            const qsizetype end = buffer_.indexOf("\r\n\r\n");
            if (end < 0) return;
            if (!headerDone_) {
                status_ = buffer_.mid(9, 3).toInt();
                const qsizetype cl = buffer_.indexOf("Content-Length: ");
                length_ = cl >= 0 && cl < end ? buffer_.mid(cl + 16, buffer_.indexOf('\r', cl) - cl - 16).toLongLong() : 0;
                headerDone_ = true;
                if (discardBody >= 0) {
                    discardBody = buffer_.size() - end - 4;
                    buffer_.clear();
                    if (discardBody >= length_) finish({});
                    continue;
                }
            }
            if (buffer_.size() < end + 4 + length_) return;
            const QByteArray body = buffer_.mid(end + 4, length_);
            buffer_.remove(0, end + 4 + length_);
            finish(body);
            if (buffer_.isEmpty()) return;
        }
    }
    void finish(const QByteArray &body) {
        headerDone_ = false;
        busy_ = false;
        if (discardBody >= 0) discardBody = -1;
        auto done = std::move(done_);
        if (done) done(status_, body);
    }

    QTcpSocket socket_;
    QByteArray token_, buffer_;
    bool busy_ = false, headerDone_ = false;
    int status_ = 0;
    qint64 length_ = 0;
    std::function<void(int, const QByteArray &)> done_;
};

inline QByteArray rpcSet(const QString &ctx, const QString &key, int id) {
    const QJsonObject o{{"jsonrpc", "2.0"}, {"id", id}, {"method", "execute"},
                        {"params", QJsonObject{{"contextId", ctx}, {"method", "set"},
                                               {"argsJson", QJsonObject{{"key", key}, {"value", "v"}}}}}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// The load generator: plain non-blocking sockets and epoll on this thread, so
// the client costs little next to the node it measures (2 cores are shared).
struct LoadResult {
    long ok = 0, failed = 0, total = 0;
    double seconds = 0;
};

inline LoadResult runLoad(quint16 port, const QByteArray &token, const QStringList &contexts, int nConn, int warmupMs,
                   int measureMs) {
    struct Client {
        int fd = -1;
        QByteArray in;
        long n = 0;
        bool waiting = false;
    };
    std::vector<Client> clients(static_cast<size_t>(nConn));
    const int ep = epoll_create1(0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    auto requestFor = [&](int i, long n) {
        const QByteArray body = rpcSet(contexts[i % contexts.size()], QStringLiteral("k%1_%2").arg(i).arg(n % 1000), int(n));
        return "POST /jsonrpc HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer " + token +
               "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    };
    auto send = [&](int i) {
        Client &c = clients[size_t(i)];
        const QByteArray req = requestFor(i, c.n++);
        if (::send(c.fd, req.constData(), size_t(req.size()), MSG_NOSIGNAL) != req.size()) std::fprintf(stderr, "short send\n");
        c.waiting = true;
    };
    for (int i = 0; i < nConn; ++i) {
        Client &c = clients[size_t(i)];
        c.fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (::connect(c.fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
            std::fprintf(stderr, "connect failed\n");
            std::exit(1);
        }
        const int one = 1;
        setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u32 = uint32_t(i);
        epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
    }
    LoadResult r;
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < nConn; ++i) send(i);
    bool measuring = false, stopping = false;
    qint64 measureStart = 0;
    long inFlight = nConn;
    std::vector<epoll_event> events(static_cast<size_t>(nConn));
    char buf[65536];
    while (inFlight > 0) {
        const qint64 now = t.elapsed();
        if (!measuring && !stopping && now >= warmupMs) {
            measuring = true;
            measureStart = t.nsecsElapsed();
        }
        if (measuring && now >= warmupMs + measureMs) {
            r.seconds = double(t.nsecsElapsed() - measureStart) / 1e9;
            measuring = false;
            stopping = true;
        }
        if (now > warmupMs + measureMs + 30000) break;  // the node stopped answering
        const int n = epoll_wait(ep, events.data(), nConn, 10);
        for (int k = 0; k < n; ++k) {
            const int i = int(events[size_t(k)].data.u32);
            Client &c = clients[size_t(i)];
            const ssize_t got = ::recv(c.fd, buf, sizeof buf, 0);
            if (got <= 0) continue;
            c.in.append(buf, got);
            for (;;) {
                const qsizetype end = c.in.indexOf("\r\n\r\n");
                if (end < 0) break;
                const qsizetype cl = c.in.indexOf("Content-Length: ");
                const qint64 length = cl >= 0 && cl < end ? c.in.mid(cl + 16, c.in.indexOf('\r', cl) - cl - 16).toLongLong() : 0;
                if (c.in.size() < end + 4 + length) break;
                const bool ok = c.in.startsWith("HTTP/1.1 200") && c.in.indexOf("\"result\"", end) > 0;
                c.in.remove(0, end + 4 + length);
                c.waiting = false;
                --inFlight;
                ++r.total;
                if (measuring) (ok ? r.ok : r.failed)++;
                if (!stopping) {
                    send(i);
                    ++inFlight;
                }
            }
        }
    }
    for (auto &c : clients) ::close(c.fd);
    ::close(ep);
    return r;
}

}  // namespace dn::bench
