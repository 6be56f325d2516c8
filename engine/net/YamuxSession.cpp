#include "net/YamuxSession.h"
#include "net/ByteView.h"

namespace dn {

YamuxSession::YamuxSession(bool client, YamuxConfig config)
    : client_(client), config_(config), nextId_(client ? 1 : 2) {
    if (config_.window < YamuxConfig::kInitialWindow) config_.window = YamuxConfig::kInitialWindow;
    if (config_.maxFrameData < 1) config_.maxFrameData = 1;
}

bool YamuxSession::fail(NetReject reason, const QString &message) {
    if (!error_) error_ = NetError{reason, message};
    goAway(YamuxHeader::ProtocolError);
    in_.clear();
    return false;
}

void YamuxSession::sendFrame(uint8_t type, uint16_t flags, uint32_t id, uint32_t length,
                             QByteArrayView data) {
    YamuxHeader h;
    h.type = type;
    h.flags = flags;
    h.streamId = id;
    h.length = length;
    h.appendTo(out_);
    out_.append(data);
}

QByteArray YamuxSession::takeOutput() {
    QByteArray o;
    o.swap(out_);
    return o;
}

std::vector<YamuxEvent> YamuxSession::takeEvents() {
    std::vector<YamuxEvent> e;
    e.swap(events_);
    return e;
}

bool YamuxSession::feed(QByteArrayView in) {
    if (error_) return false;
    in_.append(in);
    qsizetype pos = 0;
    while (in_.size() - pos >= YamuxHeader::kSize) {
        const YamuxHeader h = *YamuxHeader::parse(viewMid(in_, pos));
        if (h.version != 0)
            return fail(NetReject::YamuxProtocolError, QStringLiteral("unknown yamux version %1").arg(h.version));
        if (h.type > YamuxHeader::GoAway)
            return fail(NetReject::YamuxProtocolError, QStringLiteral("unknown yamux frame type %1").arg(h.type));
        qsizetype payload = 0;
        if (h.type == YamuxHeader::Data) {
            // Bounded before buffering: no stream may ever receive more than
            // its window in one frame.
            if (h.length > config_.window)
                return fail(NetReject::YamuxWindowExceeded, QStringLiteral("yamux data frame larger than the window"));
            payload = qsizetype(h.length);
        }
        if (in_.size() - pos - YamuxHeader::kSize < payload) break;
        const QByteArrayView body = viewMid(in_, pos + YamuxHeader::kSize, payload);
        if (!handleFrame(h, body)) return false;
        pos += YamuxHeader::kSize + payload;
    }
    in_.remove(0, pos);
    return true;
}

bool YamuxSession::handleFrame(const YamuxHeader &h, QByteArrayView payload) {
    switch (h.type) {
    case YamuxHeader::Ping:
        if (h.streamId != 0) return fail(NetReject::YamuxProtocolError, QStringLiteral("yamux ping on a stream"));
        handlePing(h);
        return true;
    case YamuxHeader::GoAway:
        if (h.streamId != 0) return fail(NetReject::YamuxProtocolError, QStringLiteral("yamux go-away on a stream"));
        if (!remoteGoAway_) {
            remoteGoAway_ = true;
            events_.push_back({YamuxEvent::GoAway, 0, qint64(h.length)});
        }
        return true;
    default:
        if (h.streamId == 0)
            return fail(NetReject::YamuxProtocolError, QStringLiteral("yamux stream frame on stream 0"));
        return handleStreamFrame(h, payload);
    }
}

void YamuxSession::handlePing(const YamuxHeader &h) {
    if (h.has(YamuxHeader::Syn)) {
        sendFrame(YamuxHeader::Ping, YamuxHeader::Ack, 0, h.length);
    } else if (h.has(YamuxHeader::Ack) && pingOutstanding_ && h.length == pingId_) {
        pingOutstanding_ = false;
        events_.push_back({YamuxEvent::PingRtt, 0, qMax<qint64>(1, pingTimer_.nsecsElapsed() / 1000)});
    }
    // An unsolicited or stale ACK is harmless; ignore it.
}

bool YamuxSession::handleStreamFrame(const YamuxHeader &h, QByteArrayView payload) {
    const uint32_t id = h.streamId;
    if (h.has(YamuxHeader::Syn)) {
        // The client (connection initiator) uses odd ids, the server even.
        const bool fromClient = (id % 2) == 1;
        if (fromClient == client_)
            return fail(NetReject::YamuxProtocolError, QStringLiteral("yamux stream id %1 has our parity").arg(id));
        if (streams_.contains(id))
            return fail(NetReject::YamuxProtocolError, QStringLiteral("yamux stream %1 opened twice").arg(id));
        if (localGoAway_ || streams_.size() >= config_.maxStreams || inbound_ >= config_.maxInboundStreams) {
            sendFrame(YamuxHeader::WindowUpdate, YamuxHeader::Rst, id, 0);
            events_.push_back({YamuxEvent::Refused, id, 0});
            return true;
        }
        Stream s;
        s.sendWindow = YamuxConfig::kInitialWindow;
        s.recvCredit = config_.window;
        streams_.insert(id, s);
        ++inbound_;
        sendFrame(YamuxHeader::WindowUpdate, YamuxHeader::Ack, id, config_.window - YamuxConfig::kInitialWindow);
        events_.push_back({YamuxEvent::Opened, id, 0});
    }
    auto it = streams_.find(id);
    if (it == streams_.end()) return true;  // late frames of a stream we reset or closed
    Stream &s = *it;
    if (h.type == YamuxHeader::WindowUpdate) {
        s.sendWindow += h.length;
        if (s.sendWindow > int64_t(UINT32_MAX))
            return fail(NetReject::YamuxProtocolError, QStringLiteral("yamux send window overflow"));
        if (!s.sendBuf.isEmpty() || (s.localFin && !s.finSent)) flushStream(id, s);
    } else if (!payload.isEmpty()) {
        if (s.remoteFin)
            return fail(NetReject::YamuxProtocolError, QStringLiteral("yamux data after the peer's FIN"));
        if (payload.size() > s.recvCredit)
            return fail(NetReject::YamuxWindowExceeded, QStringLiteral("peer exceeded the yamux receive window"));
        s.recvCredit -= payload.size();
        s.recvBuf.append(payload);
        events_.push_back({YamuxEvent::Readable, id, payload.size()});
    }
    if (h.has(YamuxHeader::Rst)) {
        erase(it);
        events_.push_back({YamuxEvent::Reset, id, 0});
        return true;
    }
    if (h.has(YamuxHeader::Fin) && !s.remoteFin) {
        s.remoteFin = true;
        events_.push_back({YamuxEvent::RemoteFin, id, 0});
        maybeForget(id);
    }
    return true;
}

uint32_t YamuxSession::openStream() {
    if (error_ || localGoAway_ || remoteGoAway_ || streams_.size() >= config_.maxStreams) return 0;
    if (nextId_ > UINT32_MAX - 2) return 0;  // id space exhausted; a new connection is needed
    const uint32_t id = nextId_;
    nextId_ += 2;
    Stream s;
    s.sendWindow = YamuxConfig::kInitialWindow;
    s.recvCredit = config_.window;
    streams_.insert(id, s);
    sendFrame(YamuxHeader::WindowUpdate, YamuxHeader::Syn, id, config_.window - YamuxConfig::kInitialWindow);
    return id;
}

bool YamuxSession::write(uint32_t id, QByteArrayView data) {
    auto it = streams_.find(id);
    if (error_ || it == streams_.end() || it->localFin) return false;
    if (data.isEmpty()) return true;
    it->sendBuf.append(data);
    queued_ += data.size();
    flushStream(id, *it);
    return true;
}

void YamuxSession::flushStream(uint32_t id, Stream &s) {
    qint64 sent = 0;
    while (!s.sendBuf.isEmpty() && s.sendWindow > 0) {
        const qsizetype n = qMin<qsizetype>(qMin<qsizetype>(s.sendBuf.size(), s.sendWindow), config_.maxFrameData);
        sendFrame(YamuxHeader::Data, 0, id, uint32_t(n), viewLeft(s.sendBuf, n));
        s.sendBuf.remove(0, n);
        queued_ -= n;
        s.sendWindow -= n;
        sent += n;
    }
    if (s.localFin && !s.finSent && s.sendBuf.isEmpty()) {
        sendFrame(YamuxHeader::WindowUpdate, YamuxHeader::Fin, id, 0);
        s.finSent = true;
    }
    if (sent > 0) events_.push_back({YamuxEvent::Writable, id, sent});
}

QByteArray YamuxSession::read(uint32_t id, qsizetype max) {
    auto it = streams_.find(id);
    if (it == streams_.end()) return {};
    QByteArray data;
    if (max < 0 || max >= it->recvBuf.size()) {
        data.swap(it->recvBuf);
    } else {
        data = it->recvBuf.left(max);
        it->recvBuf.remove(0, max);
    }
    maybeGrantWindow(id, *it);
    maybeForget(id);
    return data;
}

void YamuxSession::maybeGrantWindow(uint32_t id, Stream &s) {
    if (s.remoteFin || error_) return;
    // Grant in batches of at least half a window so that a busy stream sends
    // one update per ~128 KiB read, not one per frame.
    const int64_t delta = int64_t(config_.window) - s.recvCredit - s.recvBuf.size();
    if (delta < int64_t(config_.window / 2)) return;
    s.recvCredit += delta;
    sendFrame(YamuxHeader::WindowUpdate, 0, id, uint32_t(delta));
}

void YamuxSession::maybeForget(uint32_t id) {
    auto it = streams_.find(id);
    if (it != streams_.end() && it->finSent && it->remoteFin && it->recvBuf.isEmpty())
        erase(it);
}

void YamuxSession::erase(QHash<uint32_t, Stream>::iterator it) {
    queued_ -= it->sendBuf.size();
    if (isInbound(it.key())) --inbound_;
    streams_.erase(it);
}

void YamuxSession::closeWrite(uint32_t id) {
    auto it = streams_.find(id);
    if (it == streams_.end() || it->localFin) return;
    it->localFin = true;
    flushStream(id, *it);
    maybeForget(id);
}

void YamuxSession::reset(uint32_t id) {
    auto it = streams_.find(id);
    if (it == streams_.end()) return;
    erase(it);
    if (!error_) sendFrame(YamuxHeader::WindowUpdate, YamuxHeader::Rst, id, 0);
}

void YamuxSession::ping() {
    if (error_ || localGoAway_) return;
    ++pingId_;
    pingOutstanding_ = true;
    pingTimer_.start();
    sendFrame(YamuxHeader::Ping, YamuxHeader::Syn, 0, pingId_);
}

void YamuxSession::goAway(uint32_t code) {
    if (localGoAway_) return;
    localGoAway_ = true;
    sendFrame(YamuxHeader::GoAway, 0, 0, code);
}

qsizetype YamuxSession::bytesAvailable(uint32_t id) const {
    auto it = streams_.constFind(id);
    return it == streams_.constEnd() ? 0 : it->recvBuf.size();
}

qsizetype YamuxSession::bytesToWrite(uint32_t id) const {
    auto it = streams_.constFind(id);
    return it == streams_.constEnd() ? 0 : it->sendBuf.size();
}

bool YamuxSession::remoteClosed(uint32_t id) const {
    auto it = streams_.constFind(id);
    return it == streams_.constEnd() || it->remoteFin;
}

}  // namespace dn
