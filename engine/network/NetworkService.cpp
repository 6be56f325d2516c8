#include "network/NetworkService.h"
#include "codec/Envelope.h"
#include "codec/Invitation.h"
#include "context/Engine.h"
#include "gossip/GossipService.h"
#include "metrics/Histogram.h"
#include "net/Host.h"
#include "network/Invitations.h"
#include "network/JoinFlow.h"
#include "network/PeerDiscovery.h"
#include "state/Hlc.h"
#include "sync.pb.h"
#include "sync/BlobServer.h"
#include "sync/JoinServer.h"
#include "sync/BlockingJobs.h"
#include "sync/SyncManager.h"
#include "sync/SyncServer.h"
#include "sync/SyncWire.h"
#include <QDateTime>
#include <QLoggingCategory>
#include <algorithm>

Q_LOGGING_CATEGORY(lcNetwork, "dn.network")

namespace dn {

namespace pb = ::deltanode::pb;

namespace {

bool toHash(const std::string &s, Hash32 &out) {
    auto h = Hash32::fromBytes(QByteArray::fromRawData(s.data(), qsizetype(s.size())));
    if (h) out = *h;
    return bool(h);
}

// Topics are reconciled with the engine's contexts this often (new contexts
// subscribe at once through publishDelta; this catches joins and deletions).
constexpr int kTopicCheckMs = 2000;
// Members' latest heartbeats kept per context (one each), to check snapshots against.
constexpr size_t kMaxAnnouncedPerContext = 256;

}  // namespace

QString NetworkService::topicOf(const Hash32 &contextId) { return contextId.toBase58(); }

NetworkService::NetworkService(const NetworkConfig &config, Deps deps, QObject *parent)
    : QObject(parent), config_(config), deps_(deps) {
    host_ = std::make_unique<Host>(deps_.engine->identity().key(), config.host);
    gossip_ = std::make_unique<GossipService>(host_.get());
    jobs_ = std::make_unique<BlockingJobs>(2);
    sync_ = std::make_unique<SyncManager>(host_.get(), deps_.engine, jobs_.get(), config.sync);
    syncServer_ = std::make_unique<SyncServer>(host_.get(), deps_.engine, jobs_.get());
    blobServer_ = std::make_unique<BlobServer>(host_.get(), deps_.engine, deps_.appModule);
    joinServer_ = std::make_unique<JoinServer>(host_.get(), deps_.engine, jobs_.get());
    discovery_ = std::make_unique<PeerDiscovery>(host_.get());
    sync_->setPeerSource([this](const Hash32 &ctx) { return syncPeers(ctx); });
    sync_->setRootSource([this](const Hash32 &ctx, const std::vector<Hash32> &heads, const PeerId &except) {
        return announcedRoot(ctx, heads, except);
    });
    topicTimer_.setInterval(kTopicCheckMs);
    connect(&topicTimer_, &QTimer::timeout, this, &NetworkService::reconcileTopics);
}

NetworkService::~NetworkService() { stop(); }

Result<void> NetworkService::start() {
    if (started_) return {};
    started_ = true;
    // Handlers first, so that Identify advertises every protocol from the start.
    setupGossipGate();
    gossip_->start();
    syncServer_->start();
    blobServer_->start();
    joinServer_->start();
    connect(gossip_.get(), &GossipService::message, this,
            [this](const QString &topic, const QByteArray &data, const PeerId &from, const QByteArray &) {
                onMessage(topic, data, from);
            });
    // Fellow members are worth reconnecting to (PeerDiscovery): those we
    // synced with either way, and those whose messages reach us.
    connect(syncServer_.get(), &SyncServer::memberSeen, this,
            [this](const PeerId &peer, const Hash32 &) { discovery_->keep(peer); });
    connect(sync_.get(), &SyncManager::sessionFinished, this,
            [this](const Hash32 &, const PeerId &peer, const SyncOutcome &out) {
                if (out.ok() && out.status != SyncOutcome::Status::NotMember && out.status != SyncOutcome::Status::Unavailable)
                    discovery_->keep(peer);
            });
    connect(host_.get(), &Host::peerIdentified, this,
            [this](const PeerId &peer, const QStringList &protocols, const QList<Multiaddr> &) {
                if (protocols.contains(syncwire::kSyncProtocol)) sync_->peerConnected(peer);
            });
    for (const QString &text : config_.listen) {
        auto addr = Multiaddr::parse(text);
        auto bound = addr ? host_->listen(*addr) : Result<Multiaddr>(addr.error());
        // Not fatal: the node still dials out and serves its API; the log says why.
        if (!bound) qCWarning(lcNetwork).noquote() << "p2p: not listening on" << text << ":" << bound.error().message;
    }
    if (config_.mdns) qCWarning(lcNetwork) << "mDNS discovery is not implemented; use bootstrap addresses";
    setupMetrics();
    reconcileTopics();
    topicTimer_.start();
    QList<Multiaddr> boot;
    for (const QString &text : config_.bootstrap) {
        auto addr = Multiaddr::parse(text);
        if (addr) boot << *addr;
        else qCWarning(lcNetwork).noquote() << "bootstrap address" << text << "is unusable:" << addr.error().message;
    }
    discovery_->bootstrap(boot);
    qCInfo(lcNetwork).noquote() << "p2p network up:" << listenAddresses().join(QStringLiteral(", ")) << "," << boot.size()
                                << "bootstrap peers";
    return {};
}

void NetworkService::stop() {
    if (!started_) return;
    started_ = false;
    topicTimer_.stop();
    discovery_->stop();
    jobs_->stop();
    if (verifier_) verifier_->stop();
    gossip_->stop();
    host_->stopListening();
    for (const PeerId &peer : host_->connectedPeers()) host_->disconnect(peer);
}

QStringList NetworkService::listenAddresses() const {
    QStringList out;
    for (const Multiaddr &a : host_->listenAddresses()) out << a.toString();
    return out;
}

int NetworkService::peerCount() const { return int(host_->connectedPeers().size()); }

Result<InvitationText> NetworkService::invite(const Hash32 &contextId, qint64 expiresInSeconds, uint32_t uses) {
    const QStringList addrs = listenAddresses();
    if (addrs.isEmpty())
        qCWarning(lcNetwork) << "inviting to" << contextId.toBase58() << "while not listening: the invitation has no address";
    return issueInvitation(*deps_.engine, contextId, expiresInSeconds, uses, addrs);
}

void NetworkService::join(const QString &invitation, std::function<void(Result<ContextInfo>)> done) {
    auto inv = readInvitation(invitation);
    if (!inv) return done(inv.error());
    auto *flow = new JoinFlow(*this, std::move(*inv), std::move(done), this);
    flow->start();
}

void NetworkService::reconcileTopics() {
    if (!started_) return;
    QHash<QString, Hash32> want;
    for (const ContextInfo &c : deps_.engine->contexts()) want.insert(topicOf(c.id), c.id);
    for (auto it = want.begin(); it != want.end(); ++it) {
        if (topics_.contains(it.key())) continue;
        gossip_->subscribe(it.key());
        registerTopicMetrics(it.key());
        qCInfo(lcNetwork) << "subscribed to the topic of context" << it.key();
    }
    for (auto it = topics_.begin(); it != topics_.end(); ++it)
        if (!want.contains(it.key())) gossip_->unsubscribe(it.key());
    topics_ = std::move(want);
    // Peers that share a context with us are worth reconnecting to.
    for (const QString &topic : topics_.keys())
        for (const PeerId &peer : gossip_->topicPeers(topic))
            if (!discovery_->kept(peer)) discovery_->keep(peer);
}

void NetworkService::publishDelta(const Hash32 &contextId, const QByteArray &envelope) {
    if (!started_) return;
    const QString topic = topicOf(contextId);
    if (!topics_.contains(topic)) reconcileTopics();  // a context created just now
    pb::GossipPayload payload;
    payload.set_envelope(envelope.constData(), size_t(envelope.size()));
    std::string bytes;
    payload.SerializeToString(&bytes);
    auto r = gossip_->publish(topic, QByteArray::fromStdString(bytes));
    if (!r) {
        ++publishFailures_;
        // Not lost: peers fetch it by sync (heartbeat, tick, missing parents).
        qCWarning(lcNetwork).noquote() << "publishing a delta of" << topic << "failed:" << r.error().message;
        return;
    }
    ++deltasPublished_;
}

void NetworkService::publishHeartbeats(const std::vector<Heartbeat> &beats) {
    if (!started_) return;
    for (const auto &b : beats) {
        pb::GossipPayload payload;
        pb::HashHeartbeat *hb = payload.mutable_heartbeat();
        hb->set_context_id(b.contextId.data(), 32);
        hb->set_root_hash(b.rootHash.data(), 32);
        for (const Hash32 &h : b.heads) hb->add_heads(h.data(), 32);
        std::string bytes;
        payload.SerializeToString(&bytes);
        if (gossip_->publish(topicOf(b.contextId), QByteArray::fromStdString(bytes))) ++heartbeatsPublished_;
    }
}

void NetworkService::syncTick() {
    if (started_) sync_->tick();
}

QList<PeerId> NetworkService::syncPeers(const Hash32 &contextId) const {
    const QString topic = topicOf(contextId);
    QList<PeerId> out = gossip_->meshPeers(topic);
    for (const PeerId &p : gossip_->topicPeers(topic))
        if (!out.contains(p)) out << p;
    return out;
}

void NetworkService::onMessage(const QString &topic, const QByteArray &data, const PeerId &from) {
    auto it = topics_.find(topic);
    if (it == topics_.end()) return;  // left meanwhile
    if (!discovery_->kept(from)) discovery_->keep(from);
    pb::GossipPayload payload;
    if (!payload.ParseFromArray(data.constData(), int(data.size()))) {
        ++badPayloads_;
        qCDebug(lcNetwork) << "undecodable gossip payload on" << topic << "from" << from.toBase58();
        return;
    }
    switch (payload.kind_case()) {
    case pb::GossipPayload::kEnvelope:
        return onEnvelope(it.value(), QByteArray::fromStdString(payload.envelope()), from);
    case pb::GossipPayload::kHeartbeat: {
        const pb::HashHeartbeat &hb = payload.heartbeat();
        auto heads = syncwire::ids(hb.heads(), syncwire::kMaxHeads);
        Heartbeat beat;
        if (!heads || !toHash(hb.context_id(), beat.contextId) || beat.contextId != it.value()) {
            ++badPayloads_;
            return;
        }
        toHash(hb.root_hash(), beat.rootHash);  // informational: not checked, as before
        beat.heads = std::move(*heads);
        std::sort(beat.heads.begin(), beat.heads.end());
        return onHeartbeat(it.value(), beat, from);
    }
    case pb::GossipPayload::KIND_NOT_SET:
        ++badPayloads_;
        return;
    }
}

void NetworkService::onEnvelope(const Hash32 &contextId, const QByteArray &envelope, const PeerId &from) {
    // Parsed once here; the engine routes and opens this parsed form.
    auto parsed = parseEnvelope(envelope);
    if (!parsed || parsed->header.contextId != contextId) {
        ++badPayloads_;
        qCDebug(lcNetwork) << "envelope on the wrong topic or malformed, from" << from.toBase58();
        return;
    }
    ++deltasReceived_;
    if (deps_.broadcast) deps_.broadcast->record(microsSinceNtp64(parsed->header.hlc));
    BlockingJobs *jobs = jobs_.get();
    deps_.engine->receive(std::move(*parsed), [this, jobs, contextId, from](Result<ReceiveResult> r) {
        // An executor thread: back to the node thread for the network.
        auto result = std::make_shared<Result<ReceiveResult>>(std::move(r));
        jobs->post([this, contextId, from, result] {
            if (!*result) {
                qCDebug(lcNetwork).noquote() << "delta from" << from.toBase58() << "not taken:" << result->error().message;
                // The gossip gate let it through because a member signed it;
                // these failures cannot happen to an honest member's node.
                switch (result->error().code) {
                case ErrorCode::Malformed: case ErrorCode::Oversized: case ErrorCode::BadSignature:
                case ErrorCode::DecryptFailed: case ErrorCode::IdMismatch: case ErrorCode::HeaderMismatch:
                case ErrorCode::Parentless: case ErrorCode::WrongContext:
                    gossip_->router().penalize(from);
                    break;
                default:
                    break;
                }
                return;
            }
            if ((*result)->status == ReceiveResult::Status::Pending && !(*result)->missingParents.empty())
                sync_->pullParents(contextId, from, (*result)->missingParents);
        });
    });
}

std::optional<Hash32> NetworkService::announcedRoot(const Hash32 &contextId, const std::vector<Hash32> &heads,
                                                  const PeerId &except) const {
    auto it = announced_.find(contextId);
    if (it == announced_.end()) return std::nullopt;
    for (const auto &[peer, beat] : it->second)
        if (peer != except && beat.heads == heads && !beat.rootHash.isZero()) return beat.rootHash;
    return std::nullopt;
}

void NetworkService::onHeartbeat(const Hash32 &contextId, const Heartbeat &heartbeat, const PeerId &from) {
    ++heartbeatsReceived_;
    const auto info = deps_.engine->context(contextId);
    if (!info) return;
    // Only members' word counts (ARCHITECTURE §15): a stranger's heartbeat
    // neither starts a sync nor vouches for a root.
    if (!deps_.engine->isMember(contextId, from.publicKey())) return;
    auto &beats = announced_[contextId];
    if (beats.size() < kMaxAnnouncedPerContext || beats.count(from)) beats[from] = heartbeat;
    std::vector<Hash32> ours = info->heads;
    std::sort(ours.begin(), ours.end());
    if (ours == heartbeat.heads) return;
    // They may lack ours: beat next period even if nothing changes here.
    if (deps_.heartbeats) deps_.heartbeats->request(contextId);
    Engine *engine = deps_.engine;
    jobs_->run<std::vector<Hash32>>(
        [engine, contextId, theirs = heartbeat.heads] {
            auto unknown = engine->unknownDeltas(contextId, theirs);
            return unknown ? std::move(*unknown) : std::vector<Hash32>{};
        },
        [this, contextId, from](std::vector<Hash32> unknown) {
            if (!unknown.empty()) sync_->request(contextId, from, SyncManager::Trigger::Heartbeat);
        });
}

}  // namespace dn
