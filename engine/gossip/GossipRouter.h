#pragma once
// The gossipsub v1.1 router (libp2p pubsub specs gossipsub-v1.0/v1.1): mesh
// and fanout per topic, GRAFT/PRUNE with backoff and the D_out outbound quota,
// IHAVE/IWANT gossip from a message cache, a bounded seen cache, flood
// publishing and StrictSign, validation before forwarding and peer scoring
// (P4 and an application score, PeerScore.h). PX and explicit peers are not
// implemented (PX received is ignored, our PRUNEs carry none).
//
// Receive order for a message: topic subscribed → author and 8-byte seqno
// well-formed → not seen → the owner's validator (cheap, on this thread:
// e.g. "is the author a member") → the signature (on a worker when an offload
// is set) → seen, cached, forwarded, delivered. Nothing is forwarded before
// it passed both checks.
//
// It is transport independent and single threaded, like go-libp2p-pubsub's
// process loop: the owner feeds it peer events, RPC bytes and heartbeats on
// one thread (the node thread) and it answers through GossipTransport. No
// method calls back into itself through the transport, so a transport must
// deliver asynchronously. Containers are ordered so that, with a fixed seed
// and clock, every run makes the same choices (the tests rely on it).
#include "crypto/Ed25519.h"
#include "crypto/PeerId.h"
#include "gossip/GossipConfig.h"
#include "gossip/GossipTransport.h"
#include "gossip/GossipTypes.h"
#include "gossip/MessageCache.h"
#include "gossip/PeerScore.h"
#include "gossip/SeenCache.h"
#include "util/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <utility>
#include <vector>

namespace deltanode::gossipsub { class RPC; class Message; class ControlMessage; }

namespace dn {

class GossipRouter {
public:
    // Milliseconds from a monotonic clock.
    using Clock = std::function<qint64()>;
    // A first, verified copy of a message on a topic we subscribe to. The
    // handler may call back into the router (publish, subscribe, ...).
    using MessageHandler = std::function<void(const QString &topic, const QByteArray &data,
                                              const PeerId &fromPeer, const QByteArray &msgId)>;

    // Application check of a message not seen before, on the router thread
    // before its signature is checked: it must be cheap (map lookups).
    using Validator = std::function<ValidationResult(const GossipMessage &msg, const PeerId &receivedFrom)>;
    // Runs `verify` (thread-safe, a signature check) elsewhere and then `done`
    // with its result back on the router's thread.
    using VerifyOffload = std::function<void(std::function<bool()> verify, std::function<void(bool)> done)>;
    // P5: a peer's application score from the topics it subscribes to.
    using AppScoreFn = std::function<double(const PeerId &peer, const std::set<QString> &topics)>;

    // `transport` must outlive the router. An empty clock means the steady clock.
    GossipRouter(GossipConfig config, Ed25519Key identity, GossipTransport *transport, Clock clock = {});
    ~GossipRouter();
    GossipRouter(const GossipRouter &) = delete;
    GossipRouter &operator=(const GossipRouter &) = delete;

    // --- API for the node ---
    void setMessageHandler(MessageHandler handler) { handler_ = std::move(handler); }
    void setMessageIdFn(MessageIdFn fn) { msgIdFn_ = std::move(fn); }
    void setValidator(Validator v) { validator_ = std::move(v); }
    void setVerifyOffload(VerifyOffload o) { offload_ = std::move(o); }
    // Scores every known peer at once and again at each heartbeat and
    // subscription change.
    void setAppScoreFn(AppScoreFn fn);
    // Re-scores every peer now (e.g. a membership changed).
    void refreshAppScores();
    // A delivered message later found invalid by the application (e.g. its
    // payload did not decrypt): P4 penalty for `peer`.
    void penalize(const PeerId &peer);

    // Announces the subscription to every peer and grafts up to D topic peers.
    void subscribe(const QString &topic);
    // Announces the unsubscription and prunes the mesh (with the unsubscribe backoff).
    void unsubscribe(const QString &topic);
    // Signs and sends `data` on `topic`: to every topic peer with flood
    // publishing, else to the mesh (subscribed) or the fanout (not subscribed).
    // Not delivered to our own handler. Returns the message id; fails with
    // "too_large" when the RPC would exceed maxMessageSize.
    Result<QByteArray> publish(const QString &topic, const QByteArray &data);

    QStringList topics() const;                             // our subscriptions
    QList<PeerId> meshPeers(const QString &topic) const;
    QList<PeerId> fanoutPeers(const QString &topic) const;
    QList<PeerId> topicPeers(const QString &topic) const;  // peers subscribed to topic
    QStringList peerTopics(const PeerId &peerId) const;
    QList<PeerId> peers() const;
    bool isSubscribed(const QString &topic) const { return subscriptions_.count(topic) != 0; }
    // True while we would refuse a GRAFT from `peerId` on `topic` (or not graft it).
    bool inBackoff(const QString &topic, const PeerId &peerId) const;
    const GossipCounters &counters() const { return counters_; }
    const PeerId &localPeerId() const { return selfId_; }
    const GossipConfig &config() const { return config_; }
    int seenCount() const { return seen_.size(); }
    quint64 seenEvicted() const { return seen_.evicted(); }
    int pendingValidations() const { return int(pending_.size()); }
    double score(const PeerId &peer) const { return scores_.score(peer); }
    const PeerScore &scores() const { return scores_; }
    int cachedMessages() const { return mcache_.size(); }

    // --- inputs from the transport ---
    // A peer that speaks `protocol` ("/meshsub/1.1.0" or "/meshsub/1.0.0");
    // `outbound` when we dialed it (counts towards D_out). Sends it our
    // subscriptions. A second call for a known peer only updates it.
    void peerAdded(const PeerId &peerId, const QString &protocol, bool outbound);
    void peerRemoved(const PeerId &peerId);
    // One RPC (no length prefix) received from peerId. False when the bytes
    // are not an RPC at all: the peer is penalised (an honest encoder never
    // writes one) and the transport should reset the stream, as go-libp2p
    // does, since what follows is as meaningless as after a bad frame.
    bool handleRpc(const PeerId &peerId, const QByteArray &rpcBytes);
    // A frame the transport refused to read because it was over maxMessageSize.
    void noteOversizedRpc(const PeerId &peerId);
    // Mesh and fanout maintenance, gossip emission, cache aging. Every
    // heartbeatIntervalMs (GossipService drives it with a QTimer).
    void heartbeat();

private:
    struct PeerState {
        QString protocol;
        bool outbound = false;
        std::set<QString> topics;
        int ihaveReceived = 0;  // IHAVE messages this heartbeat
        int idsAsked = 0;       // message ids requested with IWANT this heartbeat
    };
    // Control parts queued for one peer, sent as one RPC.
    struct ControlOut {
        std::set<QString> graft;
        std::map<QString, qint64> prune;  // topic -> backoff ms we announce
        std::vector<std::pair<QString, QList<QByteArray>>> ihave;
        QList<QByteArray> iwant;
        bool empty() const { return graft.empty() && prune.empty() && ihave.empty() && iwant.empty(); }
    };
    using PeerSet = std::set<PeerId>;

    qint64 now() const { return clock_(); }
    bool supportsV11(const PeerId &peer) const;
    // Up to `count` of `candidates` (all when negative) in random order.
    template <typename T>
    std::vector<T> pickRandom(std::vector<T> candidates, int count) {
        std::shuffle(candidates.begin(), candidates.end(), rng_);
        if (count >= 0 && static_cast<int>(candidates.size()) > count) candidates.resize(static_cast<size_t>(count));
        return candidates;
    }
    std::vector<PeerId> topicPeersWhere(const QString &topic, const std::function<bool(const PeerId &)> &keep) const;
    void addBackoff(const QString &topic, const PeerId &peer, qint64 ms);
    bool backoffActive(const QString &topic, const PeerId &peer, qint64 slackMs) const;

    void join(const QString &topic);
    void leave(const QString &topic);
    void announce(const QString &topic, bool subscribe);
    void sendData(const PeerId &peer, const QByteArray &rpc);
    void sendControl(const PeerId &peer, const ControlOut &out);
    void forward(const QString &topic, const QByteArray &encoded, const PeerId &source, const PeerId &author);

    // Receive path (GossipRouterReceive.cpp).
    void handleSubscriptions(const PeerId &peer, PeerState &state, const deltanode::gossipsub::RPC &rpc);
    void handleMessage(const PeerId &peer, const deltanode::gossipsub::Message &msg);
    void finishValidation(const QByteArray &id, const deltanode::gossipsub::Message &msg, bool signatureOk);
    void accept(const PeerId &peer, const deltanode::gossipsub::Message &msg, const GossipMessage &view,
                const QByteArray &id);
    void reject(const PeerId &peer);
    void scorePeer(const PeerId &peer);
    bool meshWorthy(const PeerId &peer) const { return scores_.score(peer) >= 0; }
    void handleControl(const PeerId &peer, PeerState &state, const deltanode::gossipsub::ControlMessage &ctl);

    // Heartbeat parts (GossipRouterHeartbeat.cpp).
    void maintainMesh(const QString &topic, PeerSet &mesh, std::map<PeerId, ControlOut> &out);
    void maintainFanout(qint64 nowMs, std::map<PeerId, ControlOut> &out);
    void emitGossip(const QString &topic, const PeerSet &exclude, std::map<PeerId, ControlOut> &out);

    GossipConfig config_;
    Ed25519Key key_;
    PeerId selfId_;
    GossipTransport *transport_;
    Clock clock_;
    MessageIdFn msgIdFn_ = defaultMessageId;
    MessageHandler handler_;
    Validator validator_;
    VerifyOffload offload_;
    AppScoreFn appScore_;
    std::mt19937_64 rng_;
    quint64 nextSeqno_;

    std::map<PeerId, PeerState> peers_;
    std::map<QString, PeerSet> topicPeers_;
    std::set<QString> subscriptions_;
    std::map<QString, PeerSet> mesh_;    // exactly our subscribed topics
    std::map<QString, PeerSet> fanout_;  // topics we publish to without subscribing
    std::map<QString, qint64> lastPublish_;
    std::map<std::pair<QString, PeerId>, qint64> backoff_;  // (topic, peer) -> until (ms)
    std::map<PeerId, ControlOut> pendingControl_;          // dropped GRAFT/PRUNE to retry

    struct Pending {
        GossipMessage view;
        PeerId receivedFrom;
    };
    std::map<QByteArray, Pending> pending_;  // id -> message whose signature is being checked

    MessageCache mcache_;
    SeenCache seen_;
    PeerScore scores_;
    // Offloaded checks finish through a weak reference to this: a router
    // destroyed meanwhile ignores them.
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
    GossipCounters counters_;
};

}  // namespace dn
