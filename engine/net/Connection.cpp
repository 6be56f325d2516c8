#include "net/Connection.h"

#include "crypto/PeerId.h"
#include "net/MultistreamSelect.h"
#include "net/Stream.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcConn, "dn.net.conn")

namespace dn {

Connection::Connection(QTcpSocket *socket, Direction dir, const ConnectionConfig &config,
                       NetCounters *counters, std::optional<Hash32> expectedPeer, QObject *parent)
    : QObject(parent),
      socket_(socket),
      direction_(dir),
      config_(config),
      counters_(counters),
      expectedPeer_(expectedPeer) {
    socket_->setParent(this);
    socket_->setReadBufferSize(config_.socketReadBuffer);
    connect(socket_, &QTcpSocket::connected, this, &Connection::onConnected);
    connect(socket_, &QTcpSocket::readyRead, this, &Connection::onReadyRead);
    connect(socket_, &QTcpSocket::errorOccurred, this, &Connection::onSocketError);
    connect(socket_, &QTcpSocket::disconnected, this, &Connection::onSocketError);
    upgradeTimer_.setSingleShot(true);
    connect(&upgradeTimer_, &QTimer::timeout, this, &Connection::onUpgradeTimeout);
    upgradeTimer_.start(config_.upgradeTimeoutMs);
}

Connection::~Connection() = default;

void Connection::setProtocolMatcher(std::function<bool(const QString &)> supports,
                                    std::function<QStringList()> advertised) {
    supports_ = std::move(supports);
    advertised_ = std::move(advertised);
}

QList<Stream *> Connection::streams() const {
    QList<Stream *> out;
    for (const auto &s : streams_)
        if (s) out.append(s.data());
    return out;
}

void Connection::start() {
    if (started_ || closed_) return;
    started_ = true;
    if (socket_->state() == QAbstractSocket::ConnectedState) onConnected();
}

void Connection::onConnected() {
    if (!started_ || upgrade_ || closed_) return;
    // Small frames (pings, acks, gossip control) must not wait for Nagle.
    // Set here: before the socket exists Qt drops socket options.
    socket_->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    remoteAddr_ = Multiaddr::fromTcp(socket_->peerAddress(), socket_->peerPort());
    localAddr_ = Multiaddr::fromTcp(socket_->localAddress(), socket_->localPort());
    upgrade_ = std::make_unique<ConnectionUpgrade>(direction_ == Direction::Outbound, config_.identity,
                                                   config_.inlineMuxers, expectedPeer_);
    writeRaw(upgrade_->start());
    if (socket_->bytesAvailable() > 0) onReadyRead();
}

void Connection::writeRaw(const QByteArray &bytes) {
    if (bytes.isEmpty() || !socket_ || socket_->state() != QAbstractSocket::ConnectedState) return;
    socket_->write(bytes);
    bytesOut_ += quint64(bytes.size());
    if (counters_) counters_->bytesOut += quint64(bytes.size());
}

void Connection::onReadyRead() {
    if (closed_ || !upgrade_ || !socket_) return;
    const QByteArray raw = socket_->readAll();
    if (raw.isEmpty()) return;
    bytesIn_ += quint64(raw.size());
    if (counters_) counters_->bytesIn += quint64(raw.size());
    if (!established_) {
        feedUpgrade(raw);
        return;
    }
    QByteArray out, plain;
    if (!upgrade_->noise().feed(raw, out, plain)) {
        fail(*upgrade_->noise().error());
        return;
    }
    writeRaw(out);
    feedMuxer(plain);
}

void Connection::feedUpgrade(const QByteArray &raw) {
    QByteArray out;
    const bool ok = upgrade_->feed(raw, out);
    writeRaw(out);
    if (!ok) {
        fail(*upgrade_->error());
        return;
    }
    if (upgrade_->isDone()) becomeEstablished();
}

void Connection::becomeEstablished() {
    upgradeTimer_.stop();
    remoteKey_ = upgrade_->remote().publicKey;
    remotePeer_ = PeerId::fromPublicKey(remoteKey_);
    remoteAddr_ = remoteAddr_.withPeerId(remotePeer_);
    established_ = true;
    openedAt_ = QDateTime::currentDateTimeUtc();
    yamux_ = std::make_unique<YamuxSession>(direction_ == Direction::Outbound, config_.yamux);
    if (counters_) ++counters_->connectionsOpened;
    qCDebug(lcConn) << "established" << directionName(direction_) << remotePeer_.toBase58() << remoteAddr_.toString();
    emit established();
    if (closed_) return;  // a handler refused it (blocked peer, limits)
    feedMuxer(upgrade_->takeMuxerBytes());
}

void Connection::feedMuxer(const QByteArray &plain) {
    if (plain.isEmpty() || closed_) return;
    const bool ok = yamux_->feed(plain);
    flushMuxer();
    if (!ok) {
        fail(*yamux_->error());
        return;
    }
    dispatchEvents();
}

void Connection::flushMuxer() {
    if (!yamux_) return;
    const QByteArray out = yamux_->takeOutput();
    if (!out.isEmpty()) writeRaw(upgrade_->noise().encrypt(out));
}

void Connection::scheduleDispatch() {
    if (dispatchQueued_ || closed_) return;
    dispatchQueued_ = true;
    QMetaObject::invokeMethod(this, [this] { dispatchEvents(); }, Qt::QueuedConnection);
}

void Connection::dispatchEvents() {
    dispatchQueued_ = false;
    if (!yamux_ || closed_) return;
    for (const YamuxEvent &e : yamux_->takeEvents()) {
        if (closed_) return;
        Stream *s = streams_.value(e.stream).data();
        switch (e.kind) {
        case YamuxEvent::Opened: {
            Stream *in = createStream(e.stream, Direction::Inbound);
            auto supports = supports_ ? supports_ : [](const QString &) { return false; };
            in->startNegotiation(std::make_unique<MultistreamSelect>(MultistreamSelect::listener(
                                     supports, advertised_ ? advertised_() : QStringList{})),
                                 config_.streamNegotiationTimeoutMs);
            break;
        }
        case YamuxEvent::Readable: if (s) s->onReadable(); break;
        case YamuxEvent::RemoteFin: if (s) s->onRemoteFin(); break;
        case YamuxEvent::Reset: if (s) s->onRemoteReset(QStringLiteral("reset by peer")); break;
        case YamuxEvent::Writable: if (s) s->onWritten(e.value); break;
        case YamuxEvent::Refused:
            if (counters_) counters_->reject(NetReject::YamuxTooManyStreams);
            if (++refusedStreams_ > config_.maxStreamRefusals) {
                drop(DropReason::TooManyStreams,
                     QStringLiteral("peer kept opening streams past the limit of %1").arg(config_.yamux.maxInboundStreams));
                return;
            }
            break;
        case YamuxEvent::PingRtt: emit muxerRtt(e.value); break;
        case YamuxEvent::GoAway: close(QStringLiteral("peer went away (code %1)").arg(e.value)); return;
        }
    }
    flushMuxer();
}

Stream *Connection::createStream(uint32_t id, Direction dir) {
    auto *s = new Stream(this, id, dir, remotePeer_);
    streams_.insert(id, s);
    return s;
}

void Connection::openStream(const QStringList &protocols, StreamCallback callback) {
    auto later = [this, callback](ErrorCode code, QString msg) {
        QMetaObject::invokeMethod(this, [callback, code, msg] { callback(Error{code, msg}); },
                                  Qt::QueuedConnection);
    };
    if (!established_ || closed_) return later(ErrorCode::NotConnected, QStringLiteral("connection is not open"));
    if (protocols.isEmpty()) return later(ErrorCode::InvalidArgument, QStringLiteral("no protocol given"));
    const uint32_t id = yamux_->openStream();
    if (id == 0)
        return later(ErrorCode::StreamLimit,
                     QStringLiteral("cannot open a stream (limit reached or the peer is going away)"));
    Stream *s = createStream(id, Direction::Outbound);
    pendingOpens_.insert(id, std::move(callback));
    flushMuxer();
    s->startNegotiation(std::make_unique<MultistreamSelect>(MultistreamSelect::dialer(protocols)),
                        config_.streamNegotiationTimeoutMs);
}

void Connection::pingMuxer() {
    if (!yamux_ || closed_) return;
    yamux_->ping();
    flushMuxer();
}

qint64 Connection::pendingOutput() const {
    qint64 n = yamux_ ? yamux_->queuedBytes() : 0;
    if (socket_) n += socket_->bytesToWrite();
    return n;
}

bool Connection::streamWrite(uint32_t id, const QByteArray &data) {
    if (!yamux_ || closed_ || dropReason_) return false;
    // Checked before the bytes are taken, so what we hold for a peer never
    // passes the cap. The close waits for the next turn: the writer is in
    // the middle of its own code and sees only a failed write now.
    if (pendingOutput() + data.size() > config_.maxPendingOutput) {
        dropReason_ = DropReason::PendingOutputOverCap;
        const QString why = QStringLiteral("more than %1 bytes of output queued for a peer that does not read")
                                .arg(config_.maxPendingOutput);
        QMetaObject::invokeMethod(this, [this, why] { close(why); }, Qt::QueuedConnection);
        return false;
    }
    const bool ok = yamux_->write(id, data);
    flushMuxer();
    scheduleDispatch();
    return ok;
}

QByteArray Connection::streamRead(uint32_t id, qsizetype max) {
    if (!yamux_) return {};
    QByteArray d = yamux_->read(id, max);
    if (!closed_) flushMuxer();
    return d;
}

qsizetype Connection::streamAvailable(uint32_t id) const { return yamux_ ? yamux_->bytesAvailable(id) : 0; }
qsizetype Connection::streamToWrite(uint32_t id) const { return yamux_ ? yamux_->bytesToWrite(id) : 0; }

void Connection::streamCloseWrite(uint32_t id) {
    if (!yamux_ || closed_) return;
    yamux_->closeWrite(id);
    flushMuxer();
    scheduleDispatch();
}

void Connection::streamReset(uint32_t id) {
    if (!yamux_ || closed_) return;
    yamux_->reset(id);
    flushMuxer();
}

void Connection::streamNegotiated(Stream *s) {
    if (counters_) ++counters_->streamsOpened;
    if (s->direction() == Direction::Outbound) {
        StreamCallback cb = pendingOpens_.take(s->id());
        if (cb) cb(s);
    } else {
        emit inboundStream(s);
    }
}

void Connection::streamNegotiationFailed(Stream *s, const NetError &e) {
    if (counters_ && s->direction() == Direction::Inbound) counters_->reject(e.reason);
    StreamCallback cb = pendingOpens_.take(s->id());
    if (cb) cb(Error{ErrorCode::ProtocolNegotiation, e.message});
}

void Connection::streamFinished(Stream *s) {
    streams_.remove(s->id());
    StreamCallback cb = pendingOpens_.take(s->id());
    if (cb) cb(Error{ErrorCode::StreamClosed, QStringLiteral("stream closed before its protocol was agreed")});
}

void Connection::onSocketError() {
    if (closed_ || !socket_) return;
    const bool peerClosed = socket_->error() == QAbstractSocket::RemoteHostClosedError ||
                            socket_->state() == QAbstractSocket::UnconnectedState;
    close(peerClosed && established_ ? QStringLiteral("peer closed the connection")
                                     : QStringLiteral("socket: %1").arg(socket_->errorString()));
}

void Connection::onUpgradeTimeout() {
    if (established_ || closed_) return;
    if (counters_ && upgrade_) counters_->reject(NetReject::HandshakeTimeout);
    if (upgrade_) dropReason_ = DropReason::HandshakeTimeout;
    close(upgrade_ ? QStringLiteral("connection upgrade timed out in phase %1").arg(upgrade_->phaseName())
                   : QStringLiteral("TCP connect timed out"));
}

void Connection::fail(const NetError &e) {
    if (counters_) counters_->reject(e.reason);
    qCInfo(lcConn) << "closing" << remoteAddr_.toString() << netRejectName(e.reason) << e.message;
    close(e.message);
}

void Connection::drop(DropReason why, const QString &reason) {
    if (closed_) return;
    dropReason_ = why;
    close(reason);
}

void Connection::close(const QString &reason) {
    if (closed_) return;
    if (yamux_) {  // before closed_: the last frame still goes out
        yamux_->goAway(YamuxHeader::Normal);
        flushMuxer();
    }
    closed_ = true;
    closeReason_ = reason;
    upgradeTimer_.stop();
    if (counters_) ++(established_ ? counters_->connectionsClosed : counters_->connectionsFailed);
    // Streams learn first, then whoever watches the connection.
    const auto streams = streams_;
    for (const auto &s : streams)
        if (s) s->onRemoteReset(QStringLiteral("connection closed: %1").arg(reason));
    const auto pending = std::exchange(pendingOpens_, {});
    for (const auto &cb : pending)
        if (cb) cb(Error{ErrorCode::ConnectionClosed, reason});
    // Let the socket flush what is queued (the GoAway) on its own, then go.
    // It outlives this connection but not the host: should the host go
    // first (shutdown), it deletes the socket with its other children.
    QTcpSocket *sock = std::exchange(socket_, nullptr);
    sock->disconnect(this);
    sock->setParent(parent());
    if (sock->state() == QAbstractSocket::UnconnectedState) {
        sock->deleteLater();
    } else {
        connect(sock, &QTcpSocket::disconnected, sock, &QObject::deleteLater);
        QTimer::singleShot(2000, sock, [sock] { sock->abort(); sock->deleteLater(); });
        sock->disconnectFromHost();
    }
    qCDebug(lcConn) << "closed" << remotePeer_.toBase58() << reason;
    emit closed(reason);
    deleteLater();
}

}  // namespace dn
