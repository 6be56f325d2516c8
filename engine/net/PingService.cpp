#include "net/PingService.h"

#include "crypto/Random.h"
#include "net/Connection.h"
#include "net/Host.h"
#include "net/Stream.h"

namespace dn {

PingService::PingService(Host *host) : host_(host) {
    host_->setStreamHandler(kProtocol, [this](Stream *s) { respond(s); });
    connect(host_, &Host::peerConnected, this, [this](const PeerId &peer) { ping(peer, nullptr); });
    connect(host_, &Host::peerDisconnected, this, [this](const PeerId &peer) {
        finish(peer, Error{ErrorCode::NotConnected, QStringLiteral("peer disconnected")}, true);
        auto it = out_.find(peer);
        if (it != out_.end() && !it->opening) {
            delete it->timeout;
            out_.erase(it);
        }
    });
    if (host_->config().pingIntervalMs > 0) {
        connect(&interval_, &QTimer::timeout, this, &PingService::pingAll);
        interval_.start(host_->config().pingIntervalMs);
    }
}

PingService::~PingService() {
    for (auto &o : out_) delete o.timeout;
}

void PingService::respond(Stream *s) {
    const PeerId peer = s->remotePeer();
    if (inbound_.value(peer) >= kMaxInboundPerPeer) {
        s->reset();
        return;
    }
    ++inbound_[peer];
    connect(s, &QObject::destroyed, this, [this, peer] {
        if (--inbound_[peer] <= 0) inbound_.remove(peer);
    });
    auto *pending = new QByteArray;
    connect(s, &QObject::destroyed, s, [pending] { delete pending; });
    connect(s, &Stream::readyRead, s, [s, pending] {
        *pending += s->readAll();
        // Echo whole payloads only; a partial one waits for its rest.
        const qsizetype whole = pending->size() - pending->size() % kPayload;
        if (whole > 0) {
            s->write(pending->left(whole));
            pending->remove(0, whole);
        }
    });
    connect(s, &Stream::readFinished, s, [this, s, pending] {
        *pending += s->readAll();
        if (pending->size() % kPayload != 0) {
            host_->counters().reject(NetReject::PingMalformed);
            s->reset();
            return;
        }
        if (!pending->isEmpty()) s->write(*pending);
        s->closeWrite();
    });
}

void PingService::ping(const PeerId &peer, std::function<void(Result<qint64>)> callback) {
    Connection *conn = host_->connectionTo(peer);
    if (!conn) {
        if (callback)
            QMetaObject::invokeMethod(this, [callback, peer] {
                callback(Error{ErrorCode::NotConnected, QStringLiteral("not connected to %1").arg(peer.toBase58())});
            }, Qt::QueuedConnection);
        return;
    }
    Outbound &o = out_[peer];
    if (callback) o.waiters.append(std::move(callback));
    if (o.inFlight || o.opening) return;  // joins the round trip under way
    if (o.stream && !o.stream->isClosed()) {
        send(peer);
        return;
    }
    o.opening = true;
    QPointer<PingService> self(this);
    conn->openStream({kProtocol}, [self, peer](Result<Stream *> r) {
        if (!self) return;
        auto it = self->out_.find(peer);
        if (it == self->out_.end()) {
            if (r) r.value()->reset();
            return;
        }
        it->opening = false;
        if (!r) {
            self->finish(peer, r.error(), true);
            return;
        }
        Stream *s = r.value();
        it->stream = s;
        connect(s, &Stream::readyRead, self, [self, peer] { self->onEcho(peer); });
        auto gone = [self, peer] {
            self->finish(peer, Error{ErrorCode::StreamClosed, QStringLiteral("ping stream closed")}, true);
        };
        connect(s, &Stream::wasReset, self, gone);
        connect(s, &Stream::readFinished, self, gone);
        self->send(peer);
    });
}

void PingService::send(const PeerId &peer) {
    Outbound &o = out_[peer];
    o.payload = randomBytes(kPayload);
    o.received.clear();
    o.inFlight = true;
    if (!o.timeout) {
        o.timeout = new QTimer;
        o.timeout->setSingleShot(true);
        connect(o.timeout, &QTimer::timeout, this, [this, peer] {
            finish(peer, Error{ErrorCode::Timeout, QStringLiteral("ping timed out")}, true);
        });
    }
    o.timeout->start(host_->config().pingTimeoutMs);
    o.sentAt.start();
    o.stream->write(o.payload);
}

void PingService::onEcho(const PeerId &peer) {
    auto it = out_.find(peer);
    if (it == out_.end() || !it->stream) return;
    it->received += it->stream->readAll();
    if (!it->inFlight || it->received.size() > kPayload ||
        (it->received.size() == kPayload && it->received != it->payload)) {
        host_->counters().reject(NetReject::PingMalformed);
        finish(peer, Error{ErrorCode::PingMalformed, QStringLiteral("ping echo does not match")}, true);
        return;
    }
    if (it->received.size() < kPayload) return;
    const qint64 rtt = qMax<qint64>(1, it->sentAt.nsecsElapsed() / 1000);
    host_->peerStore().setRtt(peer, rtt);
    emit host_->rttMeasured(peer, rtt);
    finish(peer, rtt, false);
}

void PingService::finish(const PeerId &peer, const Result<qint64> &r, bool dropStream) {
    auto it = out_.find(peer);
    if (it == out_.end()) return;
    it->inFlight = false;
    it->received.clear();
    if (it->timeout) it->timeout->stop();
    if (dropStream && it->stream) {
        Stream *s = it->stream.data();
        it->stream = nullptr;
        s->disconnect(this);
        s->reset();
    }
    const auto waiters = std::exchange(it->waiters, {});
    for (const auto &w : waiters) w(r);
}

void PingService::pingAll() {
    for (const PeerId &peer : host_->connectedPeers()) ping(peer, nullptr);
}

}  // namespace dn
