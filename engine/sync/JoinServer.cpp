#include "sync/JoinServer.h"
#include "context/Engine.h"
#include "net/Host.h"
#include "net/PeerDrop.h"
#include "sync.pb.h"
#include "sync/BlockingJobs.h"
#include "sync/FramedStream.h"
#include "sync/SyncWire.h"
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcJoinServer, "dn.join.server")

namespace dn {

namespace pb = ::deltanode::pb;
using namespace syncwire;

JoinServer::JoinServer(Host *host, Engine *engine, BlockingJobs *jobs, QObject *parent)
    : QObject(parent), host_(host), engine_(engine), jobs_(jobs) {}

JoinServer::~JoinServer() { host_->removeStreamHandler(kJoinProtocol); }

void JoinServer::start() {
    host_->setStreamHandler(kJoinProtocol, [this](Stream *s) { onStream(s); });
}

void JoinServer::onStream(Stream *s) {
    const PeerId peer = s->remotePeer();
    const PeerSlots::Result slot = slots_.acquire(peer);
    if (slot != PeerSlots::Result::Granted) {
        ++counters_.refused;
        ++counters_.busy;
        if (slot == PeerSlots::Result::PeerFull)
            host_->recordDrop({peer, DropReason::TooManySessions, false, {},
                               QStringLiteral("the peer holds %1 join streams already").arg(slots_.limits().maxPerPeer), {}});
        s->reset();
        return;
    }
    const quint64 id = nextId_++;
    auto io = std::make_unique<FramedStream>(s, kMaxRequest);
    FramedStream *raw = io.get();
    raw->setIdleTimeout(slots_.limits().idleTimeoutMs);
    streams_.emplace(id, std::move(io));
    raw->start({[this, id](const QByteArray &f) { onRequest(id, f); },
                {},
                [this, id, raw, peer](const QString &why) {
                    if (raw->oversize()) {
                        ++counters_.oversize;
                        host_->recordDrop({peer, DropReason::OversizeRequest, false, {}, QStringLiteral("join: %1").arg(why), {}});
                    }
                    if (raw->idledOut()) {
                        ++counters_.idle;
                        host_->recordDrop({peer, DropReason::Idle, false, {}, QStringLiteral("join: %1").arg(why), {}});
                    }
                    qCDebug(lcJoinServer) << "join stream ended:" << why;
                    slots_.release(peer);  // now: the peer's next stream may be in the same read
                    dropLater(id);
                },
                {}});
}

void JoinServer::dropLater(quint64 id) {
    QMetaObject::invokeMethod(this, [this, id] { streams_.erase(id); }, Qt::QueuedConnection);
}

void JoinServer::refuse(quint64 id, ErrorCode code, const QString &message) {
    auto it = streams_.find(id);
    if (it == streams_.end()) return;
    ++counters_.refused;
    qCInfo(lcJoinServer).noquote() << "join request from" << it->second->remotePeer().toBase58() << "refused:" << message;
    pb::JoinResponse resp;
    resp.mutable_error()->set_code(errorInfo(code).wire);
    resp.mutable_error()->set_message(message.toStdString());
    it->second->send(resp);
    it->second->closeWrite();
}

void JoinServer::onRequest(quint64 id, const QByteArray &frame) {
    auto it = streams_.find(id);
    if (it == streams_.end()) return;
    ++counters_.requests;
    pb::JoinRequest req;
    if (!req.ParseFromArray(frame.constData(), int(frame.size()))) return it->second->reset(QStringLiteral("not a JoinRequest"));
    const auto ctx = Hash32::fromBytes(QByteArray::fromStdString(req.context_id()));
    if (!ctx) return refuse(id, ErrorCode::InvalidArgument, QStringLiteral("context_id is not 32 bytes"));
    const PeerId joiner = it->second->remotePeer();
    const PeerId self = host_->peerId();
    Engine *engine = engine_;
    const QByteArray inviteId = QByteArray::fromStdString(req.invite_id());
    const QByteArray proof = QByteArray::fromStdString(req.proof());
    // The engine call waits for the member.add to be durable: off the node thread.
    jobs_->run<Result<JoinTicket>>(
        [engine, c = *ctx, inviteId, proof, joiner, self] { return engine->redeemInvite(c, inviteId, proof, joiner, self); },
        [this, id](Result<JoinTicket> ticket) {
            auto it = streams_.find(id);
            if (it == streams_.end()) return;
            if (!ticket) return refuse(id, ticket.error().code, ticket.error().message);
            pb::JoinResponse resp;
            for (const JoinTicket::Key &k : ticket->sealedKeys) {
                auto *g = resp.add_keys();
                g->set_epoch(k.epoch);
                g->set_sealed(bytes(k.sealed));
                if (!k.source.isZero()) g->set_source(bytes(k.source));
            }
            resp.set_app_id(bytes(ticket->appId));
            addIds(resp.mutable_seed_members(), ticket->seedMembers);
            addIds(resp.mutable_seed_admins(), ticket->seedAdmins);
            ++counters_.admitted;
            it->second->send(resp);
            it->second->closeWrite();
        });
}

}  // namespace dn
