#include "net/Host.h"

#include "crypto/Base58.h"
#include "net/IdentifyService.h"
#include "net/PingService.h"

#include <QHostInfo>
#include <QLoggingCategory>
#include <QNetworkInterface>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

Q_LOGGING_CATEGORY(lcHost, "dn.net.host")

namespace dn {
namespace {

// Runs `f` on a later event-loop turn: callbacks never fire inside the call
// that registered them.
template <typename F>
void later(QObject *ctx, F f) {
    QMetaObject::invokeMethod(ctx, std::move(f), Qt::QueuedConnection);
}

}  // namespace

Host::Host(Ed25519Key identity, HostConfig config, QObject *parent)
    : QObject(parent), identity_(std::move(identity)), config_(std::move(config)) {
    peerId_ = PeerId::fromPublicKey(identity_.publicKey());
    identify_ = std::make_unique<IdentifyService>(this);
    ping_ = std::make_unique<PingService>(this);
    if (config_.pruneIntervalMs > 0) {
        pruneTimer_ = new QTimer(this);
        connect(pruneTimer_, &QTimer::timeout, this, &Host::pruneStorePeers);
        pruneTimer_->start(config_.pruneIntervalMs);
    }
}

Host::~Host() {
    // Tear connections down while the host is whole, without signalling.
    const auto all = findChildren<Connection *>(Qt::FindDirectChildrenOnly);
    for (Connection *c : all) {
        c->disconnect(this);
        delete c;
    }
    ping_.reset();
    identify_.reset();
}

ConnectionConfig Host::connectionConfig(int timeoutMs) const {
    ConnectionConfig c;
    c.identity = identity_;
    c.inlineMuxers = config_.inlineMuxerNegotiation;
    c.upgradeTimeoutMs = timeoutMs;
    c.yamux = config_.yamux;
    c.maxPendingOutput = config_.maxPendingOutput;
    c.maxStreamRefusals = config_.maxStreamRefusals;
    return c;
}

Result<Multiaddr> Host::listen(const Multiaddr &addr) {
    if (!addr.isTcp() || addr.isDns())
        return Error{ErrorCode::BadMultiaddr,
                     QStringLiteral("can only listen on /ip4|ip6/…/tcp/… (got %1)").arg(addr.toString())};
    auto *server = new QTcpServer(this);
    server->setMaxPendingConnections(config_.maxPendingUpgrades);
    if (!server->listen(addr.ipAddress(), addr.tcpPort())) {
        const QString why = server->errorString();
        delete server;
        return Error{ErrorCode::ListenFailed,
                     QStringLiteral("cannot listen on %1: %2").arg(addr.toString(), why)};
    }
    connect(server, &QTcpServer::newConnection, this, &Host::onNewConnection);
    servers_.append(server);
    const Multiaddr bound = Multiaddr::fromTcp(server->serverAddress(), server->serverPort()).withPeerId(peerId_);
    qCInfo(lcHost) << "listening on" << bound.toString();
    return bound;
}

QList<Multiaddr> Host::listenAddresses() const {
    QList<Multiaddr> out;
    for (QTcpServer *s : servers_) {
        const QHostAddress a = s->serverAddress();
        const bool any4 = a == QHostAddress::AnyIPv4 || a == QHostAddress::Any;
        const bool any6 = a == QHostAddress::AnyIPv6 || a == QHostAddress::Any;
        if (!any4 && !any6) {
            out.append(Multiaddr::fromTcp(a, s->serverPort()).withPeerId(peerId_));
            continue;
        }
        for (const QHostAddress &ip : QNetworkInterface::allAddresses()) {
            const bool v4 = ip.protocol() == QAbstractSocket::IPv4Protocol;
            if ((v4 && !any4) || (!v4 && !any6) || ip.isLinkLocal()) continue;
            const Multiaddr m = Multiaddr::fromTcp(ip, s->serverPort()).withPeerId(peerId_);
            if (!out.contains(m)) out.append(m);
        }
    }
    return out;
}

void Host::stopListening() {
    for (QTcpServer *s : std::as_const(servers_)) {
        s->close();
        s->deleteLater();
    }
    servers_.clear();
}

Connection *Host::adopt(QTcpSocket *socket, Direction dir, std::optional<Hash32> expected) {
    const int timeout = dir == Direction::Outbound ? config_.dialTimeoutMs : config_.upgradeTimeoutMs;
    auto *conn = new Connection(socket, dir, connectionConfig(timeout), &counters_, expected, this);
    upgrading_.insert(conn);
    conn->setProtocolMatcher([this](const QString &p) { return handlers_.contains(p); },
                             [this] { return protocols(); });
    connect(conn, &Connection::established, this, [this, conn] { onEstablished(conn); });
    connect(conn, &Connection::closed, this, [this, conn](const QString &why) { onClosed(conn, why); });
    connect(conn, &Connection::inboundStream, this, &Host::onInboundStream);
    QPointer<Connection> guard(conn);
    connect(conn, &Connection::protocolBytes, this, [this, guard](const QString &p, quint64 in, quint64 out) {
        if (guard && guard->isEstablished()) peerStore_.addProtocolBytes(guard->remotePeer(), p, in, out);
    });
    conn->start();
    return conn;
}

void Host::onNewConnection() {
    auto *server = qobject_cast<QTcpServer *>(sender());
    while (server && server->hasPendingConnections()) {
        QTcpSocket *sock = server->nextPendingConnection();
        QString why;
        if (upgrading_.size() >= config_.maxPendingUpgrades || conns_.size() >= config_.maxConnections) {
            counters_.reject(NetReject::ConnectionLimit);
            sock->abort();
            sock->deleteLater();
            continue;
        }
        if (!admitInbound(sock->peerAddress(), &why)) {
            // Refused before the handshake: no peer id yet, the address is
            // what the record can name.
            counters_.reject(NetReject::ConnectionLimit);
            recordDrop({PeerId(), DropReason::TooManyConnections, true,
                        Multiaddr::fromTcp(sock->peerAddress(), sock->peerPort()), why, {}});
            sock->abort();
            sock->deleteLater();
            continue;
        }
        adopt(sock, Direction::Inbound, std::nullopt);
    }
}

bool Host::admitInbound(const QHostAddress &ip, QString *why) const {
    int inbound = 0, fromIp = 0;
    auto count = [&](const Connection *c) {
        if (!c || c->isClosed() || c->direction() != Direction::Inbound) return;
        ++inbound;
        if (c->remoteAddress().ipAddress().isEqual(ip, QHostAddress::ConvertV4MappedToIPv4)) ++fromIp;
    };
    for (const auto &c : conns_) count(c.data());
    for (const Connection *c : upgrading_) count(c);
    if (inbound >= config_.maxInboundConnections) {
        *why = QStringLiteral("%1 inbound connections already (the limit)").arg(inbound);
        return false;
    }
    if (fromIp >= config_.maxInboundPerIp) {
        *why = QStringLiteral("%1 inbound connections from %2 already (the limit per address)").arg(fromIp).arg(ip.toString());
        return false;
    }
    return true;
}

void Host::recordDrop(DropRecord record) {
    if (!record.at.isValid()) record.at = QDateTime::currentDateTimeUtc();
    counters_.drop(record.reason);
    qCInfo(lcHost).noquote() << "dropped" << (record.peer.isNull() ? record.remote.toString() : record.peer.toBase58())
                             << dropReasonName(record.reason) << record.detail;
    const PeerId peer = record.peer;
    const DropReason reason = record.reason;
    drops_.append(std::move(record));
    while (drops_.size() > qMax(1, config_.dropLogSize)) drops_.removeFirst();
    emit peerDropped(peer, reason);
}

void Host::pruneStorePeers() {
    const QDateTime cutoff = QDateTime::currentDateTimeUtc().addMSecs(-config_.pruneUnreachableAfterMs);
    peerStore_.pruneUnreachable(cutoff);
}

void Host::dial(const Multiaddr &addr, DialCallback callback) {
    auto fail = [this, callback](ErrorCode code, const QString &msg) {
        later(this, [callback, code, msg] { callback(Error{code, msg}); });
    };
    if (!addr.isTcp()) return fail(ErrorCode::BadMultiaddr, QStringLiteral("not a TCP multiaddr: %1").arg(addr.toString()));
    const PeerId peer = addr.peerId();
    std::optional<Hash32> expected;
    if (addr.hasPeerId()) {
        if (peer.isNull())
            return fail(ErrorCode::BadPeerId, QStringLiteral("only Ed25519 peer ids are supported: %1")
                                                  .arg(base58Encode(addr.components().last().value)));
        expected = peer.publicKey();
        if (peer == peerId_) return fail(ErrorCode::SelfDial, QStringLiteral("refusing to dial ourselves"));
        if (blocked_.contains(peer)) return fail(ErrorCode::Blocked, QStringLiteral("peer %1 is blocked").arg(peer.toBase58()));
        if (Connection *c = connectionTo(peer)) {
            QPointer<Connection> g(c);
            later(this, [callback, g] {
                if (g && !g->isClosed()) callback(g.data());
                else callback(Error{ErrorCode::ConnectionClosed, QStringLiteral("connection closed")});
            });
            return;
        }
    }
    const DialTarget key = DialTarget::of(addr);
    auto it = dials_.find(key);
    if (it != dials_.end()) {  // join the dial in flight
        it->callbacks.append(std::move(callback));
        return;
    }
    dials_.insert(key, PendingDial{key, addr, nullptr, {std::move(callback)}});
    if (!addr.isDns()) {
        startDial(key, addr.ipAddress(), addr.tcpPort(), expected);
        return;
    }
    const auto family = addr.dnsFamily();
    const quint16 port = addr.tcpPort();
    QHostInfo::lookupHost(addr.host(), this, [this, key, family, port, expected](const QHostInfo &info) {
        for (const QHostAddress &ip : info.addresses()) {
            if (family == QAbstractSocket::AnyIPProtocol || ip.protocol() == family) {
                startDial(key, ip, port, expected);
                return;
            }
        }
        failDial(key, Error{ErrorCode::DnsFailed,
                            QStringLiteral("cannot resolve %1: %2").arg(info.hostName(), info.errorString())});
    });
}

void Host::startDial(const DialTarget &key, const QHostAddress &ip, quint16 port, std::optional<Hash32> expected) {
    auto it = dials_.find(key);
    if (it == dials_.end()) return;
    auto *sock = new QTcpSocket;
    it->conn = adopt(sock, Direction::Outbound, expected);
    sock->connectToHost(ip, port);
}

void Host::failDial(const DialTarget &key, const Error &e) {
    auto it = dials_.find(key);
    if (it == dials_.end()) return;
    const QList<DialCallback> cbs = std::move(it->callbacks);
    dials_.erase(it);
    for (const auto &cb : cbs) cb(e);
}

void Host::onEstablished(Connection *conn) {
    upgrading_.remove(conn);
    const PeerId peer = conn->remotePeer();
    if (blocked_.contains(peer)) {
        counters_.reject(NetReject::BlockedPeer);
        conn->close(QStringLiteral("peer %1 is blocked").arg(peer.toBase58()));
        return;
    }
    if (conns_.size() >= config_.maxConnections) {
        counters_.reject(NetReject::ConnectionLimit);
        conn->close(QStringLiteral("too many connections"));
        return;
    }
    if (connectionsTo(peer).size() >= config_.maxConnectionsPerPeer) {
        counters_.reject(NetReject::ConnectionLimit);
        conn->drop(DropReason::TooManyConnections,
                   QStringLiteral("%1 connections to this peer already (the limit)").arg(config_.maxConnectionsPerPeer));
        return;
    }
    const bool first = !isConnected(peer);
    conns_.append(conn);
    peerStore_.setConnected(peer, true, conn->direction());
    if (conn->direction() == Direction::Outbound) peerStore_.addAddress(peer, conn->remoteAddress());
    // Complete the dial(s) that produced this connection.
    QList<DialCallback> done;
    for (auto it = dials_.begin(); it != dials_.end();) {
        if (it->conn == conn) {
            done += it->callbacks;
            it = dials_.erase(it);
        } else {
            ++it;
        }
    }
    emit connectionEstablished(conn);
    if (first && !conn->isClosed()) emit peerConnected(peer, conn->direction());
    for (const auto &cb : done) {
        if (conn->isClosed()) cb(Error{ErrorCode::ConnectionClosed, conn->closeReason()});
        else cb(conn);
    }
}

void Host::onClosed(Connection *conn, const QString &reason) {
    upgrading_.remove(conn);
    if (const auto why = conn->dropReason())
        recordDrop({conn->remotePeer(), *why, true, conn->remoteAddress(), reason, {}});
    for (auto it = dials_.begin(); it != dials_.end(); ++it) {
        if (it->conn == conn) {
            const DialTarget key = it->key;
            const QString addr = it->addr.toString();
            failDial(key, Error{ErrorCode::DialFailed, QStringLiteral("dial %1 failed: %2").arg(addr, reason)});
            break;
        }
    }
    const int before = int(conns_.size());
    conns_.removeIf([conn](const QPointer<Connection> &c) { return !c || c == conn; });
    if (int(conns_.size()) == before || !conn->isEstablished()) return;
    const PeerId peer = conn->remotePeer();
    emit connectionClosed(conn, reason);
    if (!isConnected(peer)) {
        peerStore_.setConnected(peer, false, conn->direction());
        emit peerDisconnected(peer);
    }
}

void Host::onInboundStream(Stream *s) {
    const StreamHandler h = handlers_.value(s->protocol());
    if (h) h(s);
    else s->reset();  // the handler went away during negotiation
}

void Host::setStreamHandler(const QString &protocol, StreamHandler handler) {
    const bool added = !handlers_.contains(protocol);
    handlers_.insert(protocol, std::move(handler));
    if (added) emit protocolsChanged();
}

void Host::removeStreamHandler(const QString &protocol) {
    if (handlers_.remove(protocol)) emit protocolsChanged();
}

QStringList Host::protocols() const {
    QStringList p = handlers_.keys();
    p.sort();
    return p;
}

QList<Connection *> Host::connections() const {
    QList<Connection *> out;
    for (const auto &c : conns_)
        if (c && !c->isClosed()) out.append(c.data());
    return out;
}

QList<Connection *> Host::connectionsTo(const PeerId &peer) const {
    QList<Connection *> out;
    for (const auto &c : conns_)
        if (c && !c->isClosed() && c->remotePeer() == peer) out.append(c.data());
    return out;
}

Connection *Host::connectionTo(const PeerId &peer) const {
    for (const auto &c : conns_)
        if (c && !c->isClosed() && c->remotePeer() == peer) return c.data();
    return nullptr;
}

QList<PeerId> Host::connectedPeers() const {
    QList<PeerId> out;
    for (const auto &c : conns_)
        if (c && !c->isClosed() && !out.contains(c->remotePeer())) out.append(c->remotePeer());
    return out;
}

void Host::disconnect(const PeerId &peer) {
    for (Connection *c : connectionsTo(peer)) c->close(QStringLiteral("disconnected locally"));
}

void Host::block(const PeerId &peer) {
    blocked_.insert(peer);
    disconnect(peer);
    // A dial in flight to it ends now (its connection's close fails the dial).
    auto it = dials_.find(DialTarget{peer, {}});
    if (it != dials_.end() && it->conn) it->conn->close(QStringLiteral("peer %1 is blocked").arg(peer.toBase58()));
}

void Host::unblock(const PeerId &peer) { blocked_.remove(peer); }

void Host::newStream(const PeerId &peer, const QStringList &protocols, StreamCallback callback) {
    if (Connection *c = connectionTo(peer)) {
        c->openStream(protocols, std::move(callback));
        return;
    }
    QList<Multiaddr> addrs = peerStore_.addresses(peer);
    if (addrs.isEmpty()) {
        later(this, [callback, peer] {
            callback(Error{ErrorCode::NotConnected, QStringLiteral("no connection to and no address for %1").arg(peer.toBase58())});
        });
        return;
    }
    dialKnownAddresses(peer, addrs, [callback, protocols](Result<Connection *> r) {
        if (!r) callback(r.error());
        else r.value()->openStream(protocols, callback);
    });
}

void Host::dialKnownAddresses(const PeerId &peer, QList<Multiaddr> addrs, DialCallback callback) {
    const Multiaddr next = addrs.takeFirst().withPeerId(peer);
    dial(next, [this, peer, addrs, callback](Result<Connection *> r) {
        if (r || addrs.isEmpty() || blocked_.contains(peer)) callback(r);
        else dialKnownAddresses(peer, addrs, callback);
    });
}

void Host::ping(const PeerId &peer, PingCallback callback) { ping_->ping(peer, std::move(callback)); }

}  // namespace dn
