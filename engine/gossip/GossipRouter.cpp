#include "gossip/GossipRouter.h"

#include "crypto/PeerId.h"
#include "crypto/Random.h"
#include "gossip/MessageSigner.h"
#include "gossip/RpcCodec.h"
#include "rpc.pb.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <algorithm>
#include <chrono>
#include <cstring>

Q_LOGGING_CATEGORY(lcGossip, "dn.gossip")

namespace dn {

namespace pb = deltanode::gossipsub;
using gossip_rpc::toStd;

namespace {

quint64 seedFrom(quint64 configured) {
    if (configured) return configured;
    quint64 s = 0;
    const QByteArray r = randomBytes(8);
    std::memcpy(&s, r.constData(), sizeof s);
    return s;
}

qint64 steadyMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

QByteArray seqnoBytes(quint64 v) {
    QByteArray out(8, Qt::Uninitialized);
    for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
    return out;
}

}  // namespace

GossipRouter::GossipRouter(GossipConfig config, Ed25519Key identity, GossipTransport *transport, Clock clock)
    : config_(config),
      key_(std::move(identity)),
      selfId_(PeerId::fromPublicKey(key_.publicKey())),
      transport_(transport),
      clock_(clock ? std::move(clock) : Clock(steadyMs)),
      rng_(seedFrom(config.seed)),
      // Like go-libp2p-pubsub: start from the wall clock in ns so that a
      // restarted node does not reuse the (from, seqno) ids of its last run.
      nextSeqno_(static_cast<quint64>(QDateTime::currentMSecsSinceEpoch()) * 1000000ull),
      mcache_(config.mcacheLength, config.mcacheGossip),
      seen_(config.seenTtlMs, config.seenMaxEntries),
      scores_(config.score) {}

GossipRouter::~GossipRouter() = default;

// --- helpers ---

bool GossipRouter::supportsV11(const PeerId &peer) const {
    auto it = peers_.find(peer);
    return it != peers_.end() && it->second.protocol != kMeshsubV10;
}

std::vector<PeerId> GossipRouter::topicPeersWhere(const QString &topic,
                                                  const std::function<bool(const PeerId &)> &keep) const {
    std::vector<PeerId> out;
    auto it = topicPeers_.find(topic);
    if (it == topicPeers_.end()) return out;
    for (const PeerId &p : it->second)
        if (keep(p)) out.push_back(p);
    return out;
}

void GossipRouter::addBackoff(const QString &topic, const PeerId &peer, qint64 ms) {
    qint64 &until = backoff_[{topic, peer}];
    until = std::max(until, now() + ms);
}

bool GossipRouter::backoffActive(const QString &topic, const PeerId &peer, qint64 slackMs) const {
    auto it = backoff_.find({topic, peer});
    return it != backoff_.end() && now() < it->second + slackMs;
}

bool GossipRouter::inBackoff(const QString &topic, const PeerId &peerId) const {
    return backoffActive(topic, peerId, 0);
}

// --- sending ---

void GossipRouter::sendData(const PeerId &peer, const QByteArray &rpc) {
    if (!transport_->sendRpc(peer, rpc, false)) ++counters_.droppedRpcs;
}

void GossipRouter::sendControl(const PeerId &peer, const ControlOut &out) {
    if (out.empty()) return;
    const bool v11 = supportsV11(peer);
    pb::ControlMessage ctl;
    for (const QString &t : out.graft) ctl.add_graft()->set_topicid(toStd(t.toUtf8()));
    for (const auto &[t, backoffMs] : out.prune) {
        pb::ControlPrune *p = ctl.add_prune();
        p->set_topicid(toStd(t.toUtf8()));
        // v1.0 peers do not know the field; v1.1 counts in whole seconds.
        if (v11) p->set_backoff(static_cast<quint64>(std::max<qint64>(1, (backoffMs + 999) / 1000)));
    }
    for (const auto &[t, ids] : out.ihave) {
        pb::ControlIHave *h = ctl.add_ihave();
        h->set_topicid(toStd(t.toUtf8()));
        for (const QByteArray &id : ids) h->add_messageids(toStd(id));
    }
    if (!out.iwant.isEmpty()) {
        pb::ControlIWant *w = ctl.add_iwant();
        for (const QByteArray &id : out.iwant) w->add_messageids(toStd(id));
    }
    pb::RPC rpc;
    *rpc.mutable_control() = std::move(ctl);
    if (!transport_->sendRpc(peer, gossip_rpc::encode(rpc), true)) {
        ++counters_.droppedRpcs;
        // Mesh membership must not silently diverge: keep GRAFT/PRUNE for the
        // next heartbeat (gossip is best effort and is simply lost).
        ControlOut &retry = pendingControl_[peer];
        retry.graft.insert(out.graft.begin(), out.graft.end());
        for (const auto &[t, ms] : out.prune) retry.prune[t] = ms;
        return;
    }
    counters_.graftSent += out.graft.size();
    counters_.pruneSent += out.prune.size();
    counters_.ihaveSent += out.ihave.size();
    counters_.iwantSent += static_cast<quint64>(out.iwant.size());
}

void GossipRouter::announce(const QString &topic, bool subscribe) {
    pb::RPC rpc;
    pb::RPC::SubOpts *s = rpc.add_subscriptions();
    s->set_subscribe(subscribe);
    s->set_topicid(toStd(topic.toUtf8()));
    const QByteArray bytes = gossip_rpc::encode(rpc);
    for (const auto &[peer, _] : peers_)
        if (!transport_->sendRpc(peer, bytes, true)) ++counters_.droppedRpcs;
}

void GossipRouter::forward(const QString &topic, const QByteArray &encoded, const PeerId &source,
                           const PeerId &author) {
    auto it = mesh_.find(topic);
    if (it == mesh_.end()) return;
    const PeerSet targets = it->second;  // a send never re-enters, but stay safe against handlers
    const QByteArray rpc = gossip_rpc::withMessages({encoded});
    for (const PeerId &p : targets)
        if (p != source && p != author && !scores_.graylisted(p)) sendData(p, rpc);
}

// --- subscriptions ---

void GossipRouter::subscribe(const QString &topic) {
    if (topic.isEmpty() || !subscriptions_.insert(topic).second) return;
    announce(topic, true);
    join(topic);
}

void GossipRouter::unsubscribe(const QString &topic) {
    if (subscriptions_.erase(topic) == 0) return;
    announce(topic, false);
    leave(topic);
}

void GossipRouter::join(const QString &topic) {
    if (mesh_.count(topic)) return;
    PeerSet mesh;
    // Fanout peers already carry our messages on this topic: keep them.
    if (auto f = fanout_.find(topic); f != fanout_.end()) {
        for (const PeerId &p : f->second)
            if (meshWorthy(p) && !backoffActive(topic, p, config_.heartbeatIntervalMs)) mesh.insert(p);
        fanout_.erase(f);
        lastPublish_.erase(topic);
    }
    const int missing = config_.d - static_cast<int>(mesh.size());
    if (missing > 0) {
        auto candidates = topicPeersWhere(topic, [&](const PeerId &p) {
            return !mesh.count(p) && meshWorthy(p) && !backoffActive(topic, p, config_.heartbeatIntervalMs);
        });
        for (const PeerId &p : pickRandom(std::move(candidates), missing)) mesh.insert(p);
    }
    mesh_[topic] = mesh;
    qCDebug(lcGossip) << "joined" << topic << "with" << mesh.size() << "mesh peers";
    for (const PeerId &p : mesh) {
        ControlOut out;
        out.graft.insert(topic);
        sendControl(p, out);
    }
}

void GossipRouter::leave(const QString &topic) {
    auto it = mesh_.find(topic);
    if (it == mesh_.end()) return;
    const PeerSet mesh = std::move(it->second);
    mesh_.erase(it);
    for (const PeerId &p : mesh) {
        addBackoff(topic, p, config_.unsubscribeBackoffMs);
        ControlOut out;
        out.prune[topic] = config_.unsubscribeBackoffMs;
        sendControl(p, out);
    }
}

// --- publish ---

Result<QByteArray> GossipRouter::publish(const QString &topic, const QByteArray &data) {
    if (topic.isEmpty()) return Result<QByteArray>::failure(ErrorCode::InvalidTopic, "A message needs a topic.");
    pb::Message msg;
    msg.set_data(toStd(data));
    msg.set_seqno(toStd(seqnoBytes(nextSeqno_++)));
    msg.set_topic(toStd(topic.toUtf8()));
    signGossipMessage(msg, key_);
    const QByteArray encoded = gossip_rpc::encode(msg);
    const QByteArray rpc = gossip_rpc::withMessages({encoded});
    if (rpc.size() > config_.maxMessageSize)
        return Result<QByteArray>::failure(
            ErrorCode::TooLarge, QStringLiteral("The message is %1 bytes encoded; gossip carries at most %2.")
                             .arg(rpc.size()).arg(config_.maxMessageSize));

    const GossipMessage view{selfId_, gossip_rpc::toQt(msg.seqno()), topic, data};
    const QByteArray id = msgIdFn_(view);
    seen_.add(id, now());
    mcache_.put(id, topic, encoded);
    ++counters_.published;

    // Peers below the publish threshold get none of our own messages (v1.1).
    auto publishable = [this](const PeerId &p) { return scores_.acceptsPublish(p); };
    std::vector<PeerId> targets;
    if (config_.floodPublish) {
        targets = topicPeersWhere(topic, publishable);
    } else if (auto m = mesh_.find(topic); m != mesh_.end()) {
        targets.assign(m->second.begin(), m->second.end());
    } else {
        PeerSet &fan = fanout_[topic];
        if (fan.empty()) {
            auto candidates = topicPeersWhere(topic, publishable);
            for (const PeerId &p : pickRandom(std::move(candidates), config_.d)) fan.insert(p);
        }
        lastPublish_[topic] = now();
        targets.assign(fan.begin(), fan.end());
    }
    for (const PeerId &p : targets) sendData(p, rpc);
    return id;
}

// --- peers ---

void GossipRouter::peerAdded(const PeerId &peerId, const QString &protocol, bool outbound) {
    if (!protocol.startsWith(QLatin1String("/meshsub/1."))) {
        qCWarning(lcGossip) << "ignoring peer with protocol" << protocol;
        return;
    }
    auto [it, fresh] = peers_.try_emplace(peerId);
    it->second.protocol = protocol;
    it->second.outbound = outbound;
    if (fresh) {
        scores_.addPeer(peerId);
        scorePeer(peerId);
    }
    if (!fresh || subscriptions_.empty()) return;
    pb::RPC hello;  // our subscriptions, so that it can graft us
    for (const QString &t : subscriptions_) {
        pb::RPC::SubOpts *s = hello.add_subscriptions();
        s->set_subscribe(true);
        s->set_topicid(toStd(t.toUtf8()));
    }
    if (!transport_->sendRpc(peerId, gossip_rpc::encode(hello), true)) ++counters_.droppedRpcs;
}

void GossipRouter::peerRemoved(const PeerId &peerId) {
    auto it = peers_.find(peerId);
    if (it == peers_.end()) return;
    for (const QString &t : it->second.topics) {
        auto tp = topicPeers_.find(t);
        if (tp == topicPeers_.end()) continue;
        tp->second.erase(peerId);
        if (tp->second.empty()) topicPeers_.erase(tp);
    }
    for (auto &[_, set] : mesh_) set.erase(peerId);
    for (auto &[_, set] : fanout_) set.erase(peerId);
    pendingControl_.erase(peerId);
    peers_.erase(it);
    scores_.removePeer(peerId, now());
}

void GossipRouter::noteOversizedRpc(const PeerId &peer) {
    ++counters_.tooLarge;
    penalize(peer);  // our bound is the spec's default: an honest peer never exceeds it
}

// --- scoring ---

void GossipRouter::setAppScoreFn(AppScoreFn fn) {
    appScore_ = std::move(fn);
    refreshAppScores();
}

void GossipRouter::refreshAppScores() {
    for (const auto &[peer, _] : peers_) scorePeer(peer);
}

void GossipRouter::scorePeer(const PeerId &peer) {
    if (!appScore_) return;
    auto it = peers_.find(peer);
    if (it == peers_.end()) return;
    const bool wasGraylisted = scores_.graylisted(peer);
    scores_.setAppScore(peer, appScore_(peer, it->second.topics));
    if (scores_.graylisted(peer) != wasGraylisted)
        qCInfo(lcGossip).noquote() << "peer" << peer.toBase58() << (wasGraylisted ? "no longer graylisted" : "graylisted")
                                   << "( score" << scores_.score(peer) << ")";
}

void GossipRouter::penalize(const PeerId &peer) {
    if (!peers_.count(peer)) return;
    const bool wasGraylisted = scores_.graylisted(peer);
    scores_.invalidMessage(peer);
    ++counters_.penalties;
    if (!wasGraylisted && scores_.graylisted(peer))
        qCInfo(lcGossip).noquote() << "peer" << peer.toBase58() << "graylisted for invalid messages ( score"
                                   << scores_.score(peer) << ")";
}

// --- queries ---

namespace {
QList<PeerId> listOf(const std::map<QString, std::set<PeerId>> &m, const QString &topic) {
    QList<PeerId> out;
    if (auto it = m.find(topic); it != m.end())
        for (const PeerId &p : it->second) out.append(p);
    return out;
}
}  // namespace

QStringList GossipRouter::topics() const {
    QStringList out;
    for (const QString &t : subscriptions_) out.append(t);
    return out;
}

QList<PeerId> GossipRouter::meshPeers(const QString &topic) const { return listOf(mesh_, topic); }
QList<PeerId> GossipRouter::fanoutPeers(const QString &topic) const { return listOf(fanout_, topic); }
QList<PeerId> GossipRouter::topicPeers(const QString &topic) const { return listOf(topicPeers_, topic); }

QStringList GossipRouter::peerTopics(const PeerId &peerId) const {
    QStringList out;
    if (auto it = peers_.find(peerId); it != peers_.end())
        for (const QString &t : it->second.topics) out.append(t);
    return out;
}

QList<PeerId> GossipRouter::peers() const {
    QList<PeerId> out;
    for (const auto &[p, _] : peers_) out.append(p);
    return out;
}

}  // namespace dn
