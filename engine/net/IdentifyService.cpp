#include "net/IdentifyService.h"

#include "crypto/PeerId.h"

#include "net/Connection.h"
#include "net/Host.h"
#include "net/Stream.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcIdentify, "dn.net.identify")

namespace dn {

IdentifyService::IdentifyService(Host *host) : QObject(nullptr), host_(host) {
    host_->setStreamHandler(kProtocol, [this](Stream *s) { respond(s); });
    host_->setStreamHandler(kPushProtocol, [this](Stream *s) { collect(s, true); });
    connect(host_, &Host::connectionEstablished, this, [this](Connection *c) { identify(c); });
    pushTimer_.setSingleShot(true);
    pushTimer_.setInterval(50);
    connect(&pushTimer_, &QTimer::timeout, this, &IdentifyService::pushToAll);
    connect(host_, &Host::protocolsChanged, this, [this] {
        if (!host_->connections().isEmpty()) pushTimer_.start();
    });
}

IdentifyInfo IdentifyService::localInfo(const Connection *conn) const {
    IdentifyInfo info;
    info.protocolVersion = host_->config().protocolVersion;
    info.agentVersion = host_->config().agentVersion;
    for (const Multiaddr &a : host_->listenAddresses()) info.listenAddrs.append(a.withoutPeerId());
    if (conn) info.observedAddr = conn->remoteAddress().withoutPeerId();
    info.protocols = host_->protocols();
    return info;
}

void IdentifyService::respond(Stream *s) {
    s->write(IdentifyMessage::encode(localInfo(s->connection()), host_->identity().publicKey()));
    s->closeWrite();
    // Whatever the peer sends on this stream is not part of the protocol;
    // drain it so the stream can finish.
    connect(s, &Stream::readyRead, s, [s] { s->readAll(); });
    connect(s, &Stream::readFinished, s, [s] { s->readAll(); });
}

void IdentifyService::identify(Connection *conn) {
    QPointer<IdentifyService> self(this);
    conn->openStream({kProtocol}, [self](Result<Stream *> r) {
        if (!self) return;
        if (!r) {
            qCDebug(lcIdentify) << "identify stream failed:" << r.error().message;
            return;
        }
        self->collect(r.value(), false);
        r.value()->closeWrite();  // we send nothing on a request
    });
}

void IdentifyService::collect(Stream *s, bool push) {
    // The answer is complete when the peer half-closes; bounded meanwhile.
    auto *buf = new QByteArray;
    auto *timer = new QTimer(s);
    timer->setSingleShot(true);
    connect(s, &QObject::destroyed, s, [buf] { delete buf; });
    connect(s, &Stream::readyRead, s, [this, s, buf] {
        *buf += s->readAll();
        if (buf->size() > IdentifyMessage::kMaxBytes) {
            host_->counters().reject(NetReject::IdentifyMalformed);
            s->reset();
        }
    });
    connect(s, &Stream::readFinished, s, [this, s, buf, push, timer] {
        timer->stop();
        *buf += s->readAll();
        apply(s, *buf, push);
        if (push) s->closeWrite();
    });
    connect(timer, &QTimer::timeout, s, [this, s, buf, push] {
        // A peer that answers without closing its side: use what came.
        *buf += s->readAll();
        apply(s, *buf, push);
        s->reset();
    });
    timer->start(host_->config().identifyTimeoutMs);
}

void IdentifyService::apply(Stream *s, const QByteArray &bytes, bool push) {
    auto info = IdentifyMessage::decode(bytes);
    const PeerId peer = s->remotePeer();
    if (!info || (info->publicKey && *info->publicKey != peer.publicKey())) {
        host_->counters().reject(NetReject::IdentifyMalformed);
        qCInfo(lcIdentify) << "bad identify from" << peer.toBase58() << (info ? QStringLiteral("key mismatch") : info.error().message);
        s->reset();
        return;
    }
    PeerStore &ps = host_->peerStore();
    QList<Multiaddr> tcp;
    for (const Multiaddr &a : info->listenAddrs)
        if (a.isTcp()) tcp.append(a);
    ps.setAddresses(peer, tcp);
    ps.setProtocols(peer, info->protocols);
    if (!push || !info->agentVersion.isEmpty()) ps.setAgent(peer, info->agentVersion, info->protocolVersion);
    if (info->observedAddr) ps.setObservedAddr(peer, *info->observedAddr);
    ps.markIdentified(peer);
    qCDebug(lcIdentify) << "identified" << peer.toBase58() << info->agentVersion << info->protocols;
    emit host_->peerIdentified(peer, info->protocols, info->listenAddrs);
}

void IdentifyService::pushToAll() {
    for (Connection *c : host_->connections()) {
        QPointer<Connection> conn(c);
        c->openStream({kPushProtocol}, [this, conn](Result<Stream *> r) {
            if (!r || !conn) return;  // peers need not support push
            Stream *s = r.value();
            s->write(IdentifyMessage::encode(localInfo(conn), host_->identity().publicKey()));
            s->closeWrite();
            connect(s, &Stream::readyRead, s, [s] { s->readAll(); });
            connect(s, &Stream::readFinished, s, [s] { s->readAll(); });
        });
    }
}

}  // namespace dn
