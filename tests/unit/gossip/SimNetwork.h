#pragma once
#include <QtTest>
// An in-memory network of gossipsub routers for the router tests: one fake
// clock, FIFO delivery driven by pump() (no threads, no sleeps), an optional
// drop filter, and "scripted" peers without a router whose inbound RPCs are
// recorded so that a test can play the other side of a control exchange.
#include "crypto/Ed25519.h"
#include "crypto/PeerId.h"
#include "gossip/GossipRouter.h"
#include "gossip/MessageSigner.h"
#include "gossip/RpcCodec.h"
#include "rpc.pb.h"

#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace dn::test {

namespace gpb = deltanode::gossipsub;

struct Delivery {
    QString topic;
    QByteArray data;
    PeerId from;
    QByteArray msgId;
};

class SimNetwork {
public:
    struct Packet {
        int from;
        int to;
        QByteArray bytes;
        bool control;
    };

    // `routers` real routers followed by `scripted` scripted peers.
    SimNetwork(int routers, const GossipConfig &config, int scripted = 0) {
        const int total = routers + scripted;
        for (int i = 0; i < total; ++i) {
            auto node = std::make_unique<Node>();
            QByteArray seed(32, '\0');
            seed[0] = static_cast<char>(i + 1);
            seed[1] = static_cast<char>((i + 1) >> 8);
            node->key = *Ed25519Key::fromSeed(seed);
            node->id = PeerId::fromPublicKey(node->key.publicKey());
            node->transport.net = this;
            node->transport.self = i;
            if (i < routers) {
                GossipConfig c = config;
                c.seed = config.seed + static_cast<quint64>(i) + 1;
                node->router = std::make_unique<GossipRouter>(c, node->key, &node->transport,
                                                              [this] { return nowMs; });
                Node *raw = node.get();
                node->router->setMessageHandler([raw](const QString &t, const QByteArray &d, const PeerId &f,
                                                      const QByteArray &id) {
                    raw->delivered.push_back(Delivery{t, d, f, id});
                });
            }
            nodes.push_back(std::move(node));
        }
    }

    GossipRouter &router(int i) { return *nodes[static_cast<size_t>(i)]->router; }
    const PeerId &id(int i) const { return nodes[static_cast<size_t>(i)]->id; }
    const Ed25519Key &key(int i) const { return nodes[static_cast<size_t>(i)]->key; }
    std::vector<Delivery> &delivered(int i) { return nodes[static_cast<size_t>(i)]->delivered; }
    std::vector<std::pair<int, gpb::RPC>> &inbox(int i) { return nodes[static_cast<size_t>(i)]->inbox; }
    int size() const { return static_cast<int>(nodes.size()); }
    int indexOf(const PeerId &peer) const {
        for (int i = 0; i < size(); ++i)
            if (nodes[static_cast<size_t>(i)]->id == peer) return i;
        return -1;
    }

    // `a` dials `b` (a's side is outbound).
    void connect(int a, int b, const QString &protocol = kMeshsubV11) {
        if (auto *r = nodes[static_cast<size_t>(a)]->router.get()) r->peerAdded(id(b), protocol, true);
        if (auto *r = nodes[static_cast<size_t>(b)]->router.get()) r->peerAdded(id(a), protocol, false);
    }
    void disconnect(int a, int b) {
        if (auto *r = nodes[static_cast<size_t>(a)]->router.get()) r->peerRemoved(id(b));
        if (auto *r = nodes[static_cast<size_t>(b)]->router.get()) r->peerRemoved(id(a));
    }

    // Sends raw RPC bytes from (scripted) node `from` to node `to`.
    void inject(int from, int to, const QByteArray &bytes) { queue.push_back(Packet{from, to, bytes, false}); }
    void inject(int from, int to, const gpb::RPC &rpc) { inject(from, to, gossip_rpc::encode(rpc)); }

    // Delivers queued RPCs until none are left. Returns how many were delivered.
    int pump(int limit = 100000) {
        int n = 0;
        while (!queue.empty() && n < limit) {
            Packet p = std::move(queue.front());
            queue.pop_front();
            ++n;
            if (dropIf && dropIf(p)) {
                ++dropped;
                continue;
            }
            Node &dst = *nodes[static_cast<size_t>(p.to)];
            if (dst.router) {
                dst.router->handleRpc(id(p.from), p.bytes);
            } else {
                gpb::RPC rpc;
                if (gossip_rpc::decode(p.bytes, rpc)) dst.inbox.emplace_back(p.from, std::move(rpc));
            }
        }
        return n;
    }

    // Advances the clock by one interval, runs every router's heartbeat, delivers.
    void heartbeatAll(qint64 intervalMs = 1000) {
        nowMs += intervalMs;
        for (auto &n : nodes)
            if (n->router) n->router->heartbeat();
        pump();
    }

    // A signed Message from node `author` (for scripted peers).
    gpb::Message signedMessage(int author, const QString &topic, const QByteArray &data, quint64 seqno) const {
        gpb::Message m;
        m.set_data(data.toStdString());
        std::string s(8, '\0');
        for (int i = 7; i >= 0; --i, seqno >>= 8) s[static_cast<size_t>(i)] = static_cast<char>(seqno & 0xff);
        m.set_seqno(s);
        m.set_topic(topic.toStdString());
        signGossipMessage(m, key(author));
        return m;
    }

    qint64 nowMs = 1000000;
    std::function<bool(const Packet &)> dropIf;
    int dropped = 0;
    // When > 0, a router's sendRpc fails once this many packets are queued
    // (models a full outbound queue).
    int queueLimit = 0;
    std::deque<Packet> queue;

private:
    struct Transport : GossipTransport {
        SimNetwork *net = nullptr;
        int self = 0;
        bool sendRpc(const PeerId &peerId, const QByteArray &rpcBytes, bool control) override {
            if (net->queueLimit > 0 && static_cast<int>(net->queue.size()) >= net->queueLimit) return false;
            const int to = net->indexOf(peerId);
            if (to < 0) return false;
            net->queue.push_back(Packet{self, to, rpcBytes, control});
            return true;
        }
    };
    struct Node {
        Ed25519Key key;
        PeerId id;
        Transport transport;
        std::unique_ptr<GossipRouter> router;
        std::vector<Delivery> delivered;
        std::vector<std::pair<int, gpb::RPC>> inbox;
    };
    std::vector<std::unique_ptr<Node>> nodes;
};

// True if the encoded RPC carries at least one message.
inline bool carriesMessages(const QByteArray &bytes) {
    gpb::RPC rpc;
    return gossip_rpc::decode(bytes, rpc) && rpc.publish_size() > 0;
}


// Helpers for tests where scripted peers talk to router 0 on one topic.
inline gpb::RPC subscribeGraft(const QString &topic) {
    gpb::RPC rpc;
    auto *s = rpc.add_subscriptions();
    s->set_subscribe(true);
    s->set_topicid(topic.toStdString());
    rpc.mutable_control()->add_graft()->set_topicid(topic.toStdString());
    return rpc;
}

inline gpb::RPC publishOf(const gpb::Message &m) {
    gpb::RPC rpc;
    *rpc.add_publish() = m;
    return rpc;
}

// Messages node i has received.
inline int messagesIn(SimNetwork &net, int i) {
    int n = 0;
    for (const auto &[from, rpc] : net.inbox(i)) n += rpc.publish_size();
    return n;
}

// Router 0 subscribed to `topic` with scripted peers 1..3 in its mesh.
inline void meshWithScriptedPeers(SimNetwork &net, const QString &topic) {
    net.router(0).subscribe(topic);
    for (int i = 1; i <= 3; ++i) {
        net.connect(0, i);
        net.inject(i, 0, subscribeGraft(topic));
    }
    net.pump();
    QCOMPARE(net.router(0).meshPeers(topic).size(), 3);
    for (int i = 1; i <= 3; ++i) net.inbox(i).clear();
}

}  // namespace dn::test
