#include "gossip/GossipService.h"

#include "gossip/RpcFrameReader.h"
#include "net/Host.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcGossip)

namespace dn {

namespace {

// Bytes taken from a stream per read, so that a fast peer cannot make us
// buffer more than about one frame plus this.
constexpr qsizetype kReadChunk = 64 * 1024;

bool speaksMeshsub(const QStringList &protocols) {
    return protocols.contains(kMeshsubV11) || protocols.contains(kMeshsubV10);
}

}  // namespace

GossipService::GossipService(Host *host, GossipServiceConfig config, QObject *parent)
    : QObject(parent),
      host_(host),
      config_(config),
      router_(std::make_unique<GossipRouter>(config.router, host->identity(), static_cast<GossipTransport *>(this))) {
    router_->setMessageHandler([this](const QString &topic, const QByteArray &data, const PeerId &from,
                                      const QByteArray &id) {
        emit message(topic, data, from, id);
    });
    heartbeat_.setTimerType(Qt::CoarseTimer);
    connect(&heartbeat_, &QTimer::timeout, this, [this] {
        // The first beat comes early (the mesh forms sooner); then the interval.
        if (heartbeat_.interval() != config_.router.heartbeatIntervalMs)
            heartbeat_.setInterval(static_cast<int>(config_.router.heartbeatIntervalMs));
        router_->heartbeat();
    });
}

GossipService::~GossipService() { stop(); }

void GossipService::start() {
    if (started_) return;
    started_ = true;
    for (const QString &proto : {kMeshsubV11, kMeshsubV10})
        host_->setStreamHandler(proto, [this](Stream *s) { onInboundStream(s); });
    connect(host_, &Host::peerIdentified, this,
            [this](const PeerId &peer, const QStringList &protocols, const QList<Multiaddr> &) {
                onPeerIdentified(peer, protocols);
            });
    connect(host_, &Host::peerDisconnected, this, &GossipService::onPeerDisconnected);
    for (const PeerId &peer : host_->connectedPeers())
        onPeerIdentified(peer, host_->peerStore().protocols(peer));
    heartbeat_.start(static_cast<int>(config_.router.heartbeatInitialDelayMs));
}

void GossipService::stop() {
    if (!started_) return;
    started_ = false;
    heartbeat_.stop();
    host_->removeStreamHandler(kMeshsubV11);
    host_->removeStreamHandler(kMeshsubV10);
    disconnect(host_, nullptr, this, nullptr);
    for (auto &[peer, l] : links_) {
        if (l.inRouter) router_->peerRemoved(peer);
        if (l.out) l.out->closeWrite();
    }
    links_.clear();
}

// --- peers ---

GossipService::Link *GossipService::link(const PeerId &peer, bool create) {
    auto it = links_.find(peer);
    if (it != links_.end()) return &it->second;
    if (!create) return nullptr;
    Link &l = links_[peer];
    l.peer = peer;
    l.queue = std::make_unique<OutboundQueue>(config_.queue);
    return &l;
}

bool GossipService::isOutboundConnection(const PeerId &peer) const {
    const Connection *c = host_->connectionTo(peer);
    return c && c->direction() == Direction::Outbound;
}

void GossipService::onPeerIdentified(const PeerId &peer, const QStringList &protocols) {
    if (!speaksMeshsub(protocols) || !host_->isConnected(peer)) return;
    Link *l = link(peer, true);
    if (!l->out && !l->opening) openOutbound(peer);
}

void GossipService::onPeerDisconnected(const PeerId &peer) {
    auto it = links_.find(peer);
    if (it == links_.end()) return;
    if (it->second.inRouter) router_->peerRemoved(peer);
    links_.erase(it);
}

void GossipService::addToRouter(Link &l, const QString &protocol) {
    // peerAdded again only updates the protocol and direction.
    router_->peerAdded(l.peer, protocol, isOutboundConnection(l.peer));
    l.inRouter = true;
}

// --- outbound stream ---

void GossipService::openOutbound(const PeerId &peer) {
    Link *l = link(peer, false);
    if (!l || l->opening || l->out || !host_->isConnected(peer)) return;
    l->opening = true;
    ++l->openAttempts;
    QPointer<GossipService> self(this);
    host_->newStream(peer, {kMeshsubV11, kMeshsubV10}, [self, peer](Result<Stream *> r) {
        if (!self) {
            if (r) r.value()->reset();
            return;
        }
        Link *l = self->link(peer, false);
        if (!l) {  // the peer left meanwhile
            if (r) r.value()->reset();
            return;
        }
        l->opening = false;
        if (!r) {
            ++self->serviceCounters_.streamOpenFailures;
            qCDebug(lcGossip) << "meshsub stream to" << peer.toBase58() << "failed:" << r.error().message;
            self->onOutboundLost(peer);
            return;
        }
        self->onOutboundOpened(peer, r.value());
    });
}

void GossipService::onOutboundOpened(const PeerId &peer, Stream *s) {
    Link *l = link(peer, false);
    l->out = s;
    l->openAttempts = 0;
    connect(s, &Stream::bytesWritten, this, [this, peer] {
        if (Link *l = link(peer, false)) flush(*l);
    });
    connect(s, &Stream::closed, this, [this, peer, s] {
        Link *l = link(peer, false);
        if (l && l->out == s) onOutboundLost(peer);
    });
    // Anything the peer sends on our outbound stream is not for us; drain it
    // so that it does not hold the yamux window.
    connect(s, &Stream::readyRead, s, [s] { s->readAll(); });
    addToRouter(*l, s->protocol());
    flush(*l);
}

void GossipService::onOutboundLost(const PeerId &peer) {
    Link *l = link(peer, false);
    if (!l) return;
    l->out = nullptr;
    if (!host_->isConnected(peer)) return;  // peerDisconnected cleans up
    if (l->openAttempts < config_.maxStreamOpenAttempts) {
        QPointer<GossipService> self(this);
        QTimer::singleShot(config_.streamRetryDelayMs, this, [self, peer] {
            if (self) self->openOutbound(peer);
        });
        return;
    }
    // We cannot reach it: the router must stop counting on it.
    qCInfo(lcGossip) << "giving up the meshsub stream to" << peer.toBase58();
    if (l->inRouter) router_->peerRemoved(peer);
    l->inRouter = false;
    l->queue->clear();
}

bool GossipService::sendRpc(const PeerId &peer, const QByteArray &rpcBytes, bool control) {
    Link *l = link(peer, false);
    if (!l) return false;
    if (!l->queue->push(frameRpc(rpcBytes), control)) {
        ++serviceCounters_.queueDrops;
        return false;
    }
    // Written on a later turn: the router is not re-entrant and batches of
    // sends (a heartbeat) should leave as one burst.
    if (l->out && l->queue->size() == 1) {
        QPointer<GossipService> self(this);
        QMetaObject::invokeMethod(this, [self, peer] {
            if (!self) return;
            if (Link *l = self->link(peer, false)) self->flush(*l);
        }, Qt::QueuedConnection);
    }
    return true;
}

void GossipService::flush(Link &l) {
    if (!l.out) return;
    while (!l.queue->isEmpty() && l.out->bytesToWrite() < config_.writeHighWater) {
        if (l.out->write(l.queue->pop()) < 0) {
            onOutboundLost(l.peer);
            return;
        }
        ++serviceCounters_.framesOut;
    }
}

// --- inbound streams ---

void GossipService::onInboundStream(Stream *s) {
    const PeerId peer = s->remotePeer();
    Link *l = link(peer, true);
    if (!l->inRouter) addToRouter(*l, s->protocol());
    if (!l->out && !l->opening) openOutbound(peer);
    auto reader = std::make_shared<RpcFrameReader>(config_.router.maxMessageSize);
    connect(s, &Stream::readyRead, this, [this, s, reader] { readInbound(s, *reader); });
    connect(s, &Stream::readFinished, s, [s] { s->closeWrite(); });
    if (s->bytesAvailable() > 0) readInbound(s, *reader);
}

void GossipService::readInbound(Stream *s, RpcFrameReader &reader) {
    const PeerId peer = s->remotePeer();
    // A message handler may close the connection (block the peer) under us.
    const QPointer<Stream> alive(s);
    while (alive && !s->isClosed() && s->bytesAvailable() > 0) {
        reader.append(s->read(kReadChunk));
        for (;;) {
            QByteArray frame;
            const auto st = reader.next(frame);
            if (st == RpcFrameReader::Status::NeedMore) break;
            if (st != RpcFrameReader::Status::Frame) {
                // The length prefix is all that delimits frames: after a bad
                // or oversized one the rest of the stream is meaningless.
                const auto *l = link(peer, false);
                if (st == RpcFrameReader::Status::TooLarge && l) router_->noteOversizedRpc(peer);
                else ++serviceCounters_.badFrames;
                qCDebug(lcGossip) << "resetting meshsub stream from" << peer.toBase58() << "(bad frame)";
                s->reset();
                return;
            }
            ++serviceCounters_.framesIn;
            const Link *l = link(peer, false);
            if (!l || !l->inRouter) {
                // The peer left the router while we were reading (or we gave
                // up our stream to it): its frames would be read and dropped
                // for as long as it cared to send them.
                s->reset();
                return;
            }
            if (!router_->handleRpc(peer, frame)) {
                qCDebug(lcGossip) << "resetting meshsub stream from" << peer.toBase58() << "(not an RPC)";
                if (alive && !s->isClosed()) s->reset();
                return;
            }
            if (!alive || s->isClosed()) return;
        }
    }
}

// --- queries ---

int GossipService::queuedFrames(const PeerId &peer) const {
    auto it = links_.find(peer);
    return it == links_.end() ? 0 : it->second.queue->size();
}

}  // namespace dn
