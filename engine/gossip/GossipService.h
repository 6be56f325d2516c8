#pragma once
// Binds the gossipsub router to the libp2p Host: it serves /meshsub/1.1.0 and
// /meshsub/1.0.0, opens one outbound stream per gossip peer (offering 1.1.0
// then 1.0.0), frames RPCs with a uvarint length (bounded by maxMessageSize
// before anything is allocated), keeps a bounded two-lane queue per peer
// (control first, drop when full) and drives the heartbeat with a QTimer.
//
// As the spec says, streams are used one way: we write only on our outbound
// stream and read only from inbound ones. A peer joins the router when its
// Identify lists meshsub, or as soon as it opens a meshsub stream to us.
//
// Lives on the node thread with the Host. Call start() before the host
// listens or dials, so that Identify already advertises meshsub.
#include "gossip/GossipRouter.h"
#include "gossip/OutboundQueue.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTimer>
#include <map>
#include <memory>

namespace dn {

class Host;
class Stream;
class Multiaddr;
class RpcFrameReader;

struct GossipServiceConfig {
    GossipConfig router;
    OutboundQueueLimits queue;
    // Frames are handed to the stream only while less than this is waiting
    // for the peer's yamux window; the rest waits (bounded) in the queue.
    qsizetype writeHighWater = 256 * 1024;
    int maxStreamOpenAttempts = 3;  // per connection, before giving up on the peer
    int streamRetryDelayMs = 500;
};

// What the adapter adds to the router's counters.
struct GossipServiceCounters {
    quint64 queueDrops = 0;        // RPCs refused by a full per-peer queue
    quint64 framesIn = 0;
    quint64 framesOut = 0;
    quint64 badFrames = 0;         // malformed length prefix (stream reset)
    quint64 streamOpenFailures = 0;
};

class GossipService : public QObject, private GossipTransport {
    Q_OBJECT
public:
    GossipService(Host *host, GossipServiceConfig config = {}, QObject *parent = nullptr);
    ~GossipService() override;

    // Registers the stream handlers, follows the host's peer events, picks up
    // peers that are already connected and starts the heartbeat.
    void start();
    void stop();

    GossipRouter &router() { return *router_; }
    const GossipRouter &router() const { return *router_; }

    void subscribe(const QString &topic) { router_->subscribe(topic); }
    void unsubscribe(const QString &topic) { router_->unsubscribe(topic); }
    Result<QByteArray> publish(const QString &topic, const QByteArray &data) { return router_->publish(topic, data); }
    QStringList topics() const { return router_->topics(); }
    QList<PeerId> meshPeers(const QString &topic) const { return router_->meshPeers(topic); }
    QList<PeerId> topicPeers(const QString &topic) const { return router_->topicPeers(topic); }
    QStringList peerTopics(const PeerId &peer) const { return router_->peerTopics(peer); }
    QList<PeerId> gossipPeers() const { return router_->peers(); }  // peers the router knows
    const GossipCounters &counters() const { return router_->counters(); }
    const GossipServiceCounters &serviceCounters() const { return serviceCounters_; }
    int queuedFrames(const PeerId &peer) const;

signals:
    // A first, verified copy of a message on a topic we subscribe to.
    void message(const QString &topic, const QByteArray &data, const dn::PeerId &fromPeer, const QByteArray &msgId);

private:
    struct Link {
        PeerId peer;
        QPointer<Stream> out;
        bool opening = false;
        int openAttempts = 0;
        bool inRouter = false;
        std::unique_ptr<OutboundQueue> queue;
    };

    bool sendRpc(const PeerId &peerId, const QByteArray &rpcBytes, bool control) override;

    Link *link(const PeerId &peer, bool create);
    void onPeerIdentified(const PeerId &peer, const QStringList &protocols);
    void onPeerDisconnected(const PeerId &peer);
    void onInboundStream(Stream *s);
    void readInbound(Stream *s, RpcFrameReader &reader);
    void openOutbound(const PeerId &peer);
    void onOutboundOpened(const PeerId &peer, Stream *s);
    void onOutboundLost(const PeerId &peer);
    void addToRouter(Link &l, const QString &protocol);
    void flush(Link &l);
    bool isOutboundConnection(const PeerId &peer) const;

    Host *host_;
    GossipServiceConfig config_;
    std::unique_ptr<GossipRouter> router_;
    std::map<PeerId, Link> links_;
    QTimer heartbeat_;
    GossipServiceCounters serviceCounters_;
    bool started_ = false;
};

}  // namespace dn
