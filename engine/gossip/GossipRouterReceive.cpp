// GossipRouter's receive path: size bound, decode, subscriptions, messages
// (seen check, StrictSign verification, forward, deliver) and control
// messages (IHAVE/IWANT/GRAFT/PRUNE; IDONTWANT is accepted and ignored).
#include "gossip/GossipRouter.h"

#include "gossip/MessageSigner.h"
#include "gossip/RpcCodec.h"
#include "rpc.pb.h"

#include <QLoggingCategory>
#include <algorithm>

Q_DECLARE_LOGGING_CATEGORY(lcGossip)

namespace dn {

namespace pb = deltanode::gossipsub;
using gossip_rpc::toQt;

namespace {
// A PRUNE may ask for any backoff; a day is more than any sane peer asks and
// keeps the arithmetic far from overflow.
constexpr quint64 kMaxPeerBackoffSeconds = 24 * 3600;
}  // namespace

bool GossipRouter::handleRpc(const PeerId &peerId, const QByteArray &rpcBytes) {
    auto it = peers_.find(peerId);
    if (it == peers_.end()) {
        ++counters_.unknownPeerRpcs;
        return true;
    }
    if (rpcBytes.size() > config_.maxMessageSize) {
        noteOversizedRpc(peerId);
        return false;
    }
    pb::RPC rpc;
    if (!gossip_rpc::decode(rpcBytes, rpc)) {
        ++counters_.decodeErrors;
        qCDebug(lcGossip) << "undecodable RPC of" << rpcBytes.size() << "bytes";
        penalize(peerId);
        return false;
    }
    handleSubscriptions(peerId, it->second, rpc);
    if (scores_.graylisted(peerId)) {
        // v1.1 graylisting: nothing else of the RPC is looked at. Its
        // subscriptions were kept: they are what its score is computed from.
        ++counters_.graylistedRpcs;
        return true;
    }
    for (const pb::Message &m : rpc.publish()) handleMessage(peerId, m);
    // The handler of a message may have removed the peer (e.g. blocked it).
    it = peers_.find(peerId);
    if (it != peers_.end() && rpc.has_control()) handleControl(peerId, it->second, rpc.control());
    return true;
}

void GossipRouter::handleSubscriptions(const PeerId &peer, PeerState &state, const pb::RPC &rpc) {
    if (rpc.subscriptions_size() == 0) return;
    for (const pb::RPC::SubOpts &sub : rpc.subscriptions()) {
        if (!sub.has_topicid() || sub.topicid().empty()) continue;
        if (sub.topicid().size() > static_cast<size_t>(config_.maxTopicLength)) continue;
        const QString topic = QString::fromUtf8(toQt(sub.topicid()));
        if (sub.subscribe()) {
            if (state.topics.count(topic)) continue;
            if (static_cast<int>(state.topics.size()) >= config_.maxTopicsPerPeer) {
                qCDebug(lcGossip) << "peer over the subscription limit; ignoring" << topic;
                continue;
            }
            state.topics.insert(topic);
            topicPeers_[topic].insert(peer);
        } else {
            if (state.topics.erase(topic) == 0) continue;
            if (auto tp = topicPeers_.find(topic); tp != topicPeers_.end()) {
                tp->second.erase(peer);
                if (tp->second.empty()) topicPeers_.erase(tp);
            }
            if (auto m = mesh_.find(topic); m != mesh_.end()) m->second.erase(peer);
            if (auto f = fanout_.find(topic); f != fanout_.end()) f->second.erase(peer);
        }
    }
    scorePeer(peer);  // a stranger is graylisted as soon as it joins a members' topic
}

void GossipRouter::handleMessage(const PeerId &peer, const pb::Message &msg) {
    const QString topic = QString::fromUtf8(toQt(msg.topic()));
    if (!subscriptions_.count(topic)) {
        // go-libp2p-pubsub does the same: we neither deliver nor relay topics we left.
        ++counters_.unsubscribedTopic;
        return;
    }
    // StrictSign needs the author's key inlined in `from`: anything but an
    // Ed25519 peer id could never verify, so it is refused as such up front.
    const auto from = PeerId::fromBytes(toQt(msg.from()));
    if (!from) {
        ++counters_.invalidSignature;
        qCDebug(lcGossip) << "rejected message whose author is not an Ed25519 peer id on" << topic;
        return reject(peer);
    }
    // v1.1 fixes the seqno at 8 bytes: a longer one would only grow ids (and
    // with them the seen cache and every IHAVE).
    if (msg.seqno().size() != 8) {
        ++counters_.badSeqno;
        return reject(peer);
    }
    const GossipMessage view{*from, toQt(msg.seqno()), topic, toQt(msg.data())};
    if (view.from == selfId_) {  // our own message coming back around
        ++counters_.duplicates;
        return;
    }
    const QByteArray id = msgIdFn_(view);
    // Seen is checked before the signature so that duplicates (most copies
    // with D=4) cost no Ed25519 verification. It is safe because only
    // verified messages are marked seen: a forged copy cannot mask the real one.
    if (seen_.contains(id) || pending_.count(id)) {
        ++counters_.duplicates;
        return;
    }
    if (validator_) {
        switch (validator_(view, peer)) {
        case ValidationResult::Accept: break;
        case ValidationResult::Reject:
            ++counters_.rejected;
            return reject(peer);
        case ValidationResult::Ignore:
            ++counters_.ignored;
            return;
        }
    }
    if (offload_) {
        if (static_cast<int>(pending_.size()) >= config_.maxPendingValidations) {
            ++counters_.validationThrottled;
            return;
        }
        pending_.emplace(id, Pending{view, peer});
        auto copy = std::make_shared<const pb::Message>(msg);
        std::weak_ptr<int> alive = alive_;
        offload_([copy] { return verifyGossipMessage(*copy); },
                 [this, alive, id, copy](bool ok) {
                     if (!alive.expired()) finishValidation(id, *copy, ok);
                 });
        return;
    }
    if (!verifyGossipMessage(msg)) {
        ++counters_.invalidSignature;
        qCDebug(lcGossip) << "rejected message with an invalid signature on" << topic;
        return reject(peer);
    }
    accept(peer, msg, view, id);
}

void GossipRouter::finishValidation(const QByteArray &id, const pb::Message &msg, bool signatureOk) {
    auto it = pending_.find(id);
    if (it == pending_.end()) return;
    const Pending p = std::move(it->second);
    pending_.erase(it);
    if (!signatureOk) {
        ++counters_.invalidSignature;
        qCDebug(lcGossip) << "rejected message with an invalid signature on" << p.view.topic;
        return reject(p.receivedFrom);
    }
    if (!subscriptions_.count(p.view.topic)) {  // left while it was checked
        ++counters_.unsubscribedTopic;
        return;
    }
    accept(p.receivedFrom, msg, p.view, id);
}

void GossipRouter::accept(const PeerId &peer, const pb::Message &msg, const GossipMessage &view, const QByteArray &id) {
    seen_.add(id, now());
    const QByteArray encoded = gossip_rpc::encode(msg);
    mcache_.put(id, view.topic, encoded);
    // Forward before delivering: the next hop should not wait for local work.
    forward(view.topic, encoded, peer, view.from);
    ++counters_.delivered;
    if (handler_) handler_(view.topic, view.data, view.from, id);
}

void GossipRouter::reject(const PeerId &peer) { penalize(peer); }

void GossipRouter::handleControl(const PeerId &peer, PeerState &state, const pb::ControlMessage &ctl) {
    ControlOut reply;
    std::set<QByteArray> asked;
    QList<QByteArray> answers;
    qsizetype answerBytes = 0;
    auto flushAnswers = [&] {
        if (!answers.isEmpty()) sendData(peer, gossip_rpc::withMessages(answers));
        answers.clear();
        answerBytes = 0;
    };

    // Below the gossip threshold a peer's IHAVE and IWANT are ignored (v1.1).
    const bool gossipOk = scores_.acceptsGossip(peer);

    // IHAVE: ask for what we have not seen, within the per-heartbeat limits.
    if (gossipOk) for (const pb::ControlIHave &ihave : ctl.ihave()) {
        ++counters_.ihaveReceived;
        if (++state.ihaveReceived > config_.maxIHaveMessages) continue;
        if (state.idsAsked >= config_.maxIHaveLength) continue;
        const QString topic = QString::fromUtf8(toQt(ihave.topicid()));
        if (!mesh_.count(topic)) continue;
        std::vector<QByteArray> wanted;
        for (const std::string &raw : ihave.messageids()) {
            const QByteArray id = toQt(raw);
            if (!seen_.contains(id) && !pending_.count(id) && !asked.count(id)) wanted.push_back(id);
        }
        const int room = config_.maxIHaveLength - state.idsAsked;
        for (const QByteArray &id : pickRandom(std::move(wanted), room)) {
            reply.iwant.append(id);
            asked.insert(id);
            ++state.idsAsked;
        }
    }

    // IWANT: answer from the cache, at most gossipRetransmission times per message.
    if (gossipOk) for (const pb::ControlIWant &iwant : ctl.iwant()) {
        for (const std::string &raw : iwant.messageids()) {
            ++counters_.iwantReceived;
            if (auto bytes = mcache_.getForPeer(toQt(raw), peer, config_.gossipRetransmission)) {
                // Several answers share an RPC, but never beyond the frame bound.
                if (answerBytes + bytes->size() + 16 > config_.maxMessageSize) flushAnswers();
                answerBytes += bytes->size() + 16;
                answers.append(*bytes);
                ++counters_.iwantServed;
            }
        }
    }

    // GRAFT: join the peer to our mesh unless a rule says no.
    for (const pb::ControlGraft &graft : ctl.graft()) {
        ++counters_.graftReceived;
        const QString topic = QString::fromUtf8(toQt(graft.topicid()));
        auto m = mesh_.find(topic);
        if (m == mesh_.end()) {
            // Not subscribed. A topic the peer never announced is spam and is
            // ignored without an answer (v1.1 spam hardening). For a topic it
            // is in, it lost an unsubscribe race: a PRUNE tells it we are not
            // in its mesh, so it stops one-sided forwarding to us.
            if (state.topics.count(topic)) reply.prune[topic] = config_.pruneBackoffMs;
            continue;
        }
        if (m->second.count(peer)) continue;
        if (!meshWorthy(peer)) {
            // A negative score keeps a peer out of our mesh (v1.1).
            addBackoff(topic, peer, config_.pruneBackoffMs);
            reply.prune[topic] = config_.pruneBackoffMs;
            continue;
        }
        if (backoffActive(topic, peer, 0)) {
            // Regraft inside the backoff: refuse and restart the backoff.
            addBackoff(topic, peer, config_.pruneBackoffMs);
            reply.prune[topic] = config_.pruneBackoffMs;
            continue;
        }
        if (static_cast<int>(m->second.size()) >= config_.dHi && !state.outbound) {
            // Oversubscribed: only outbound peers may still join (D_out).
            addBackoff(topic, peer, config_.pruneBackoffMs);
            reply.prune[topic] = config_.pruneBackoffMs;
            continue;
        }
        m->second.insert(peer);
        // Remember that it subscribes, even if its SUBSCRIBE was lost or late.
        if (state.topics.insert(topic).second) topicPeers_[topic].insert(peer);
    }

    // PRUNE: leave its mesh and honour the backoff it asks for. PX is ignored.
    for (const pb::ControlPrune &prune : ctl.prune()) {
        ++counters_.pruneReceived;
        const QString topic = QString::fromUtf8(toQt(prune.topicid()));
        auto m = mesh_.find(topic);
        if (m == mesh_.end()) continue;
        m->second.erase(peer);
        const quint64 secs = std::min<quint64>(prune.backoff(), kMaxPeerBackoffSeconds);
        addBackoff(topic, peer, secs > 0 ? static_cast<qint64>(secs) * 1000 : config_.pruneBackoffMs);
    }

    flushAnswers();
    sendControl(peer, reply);
}

}  // namespace dn
