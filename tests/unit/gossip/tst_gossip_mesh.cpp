// Mesh behaviour of the gossipsub router in simulated networks: formation,
// propagation over a sparse graph, duplicate suppression, IHAVE/IWANT
// recovery, fanout publishing and the D_out quota.
#include "SimNetwork.h"

#include <QtTest>
#include <random>
#include <set>

using namespace dn;
using namespace dn::test;

namespace {

const QString kTopic = QStringLiteral("ctx-topic");

GossipConfig testConfig(quint64 seed = 42) {
    GossipConfig c;
    c.seed = seed;
    return c;
}

// Every router subscribed to kTopic and each pair of meshes consistent.
void checkMeshes(SimNetwork &net, int routers, const GossipConfig &c) {
    for (int i = 0; i < routers; ++i) {
        const auto mesh = net.router(i).meshPeers(kTopic);
        QVERIFY2(mesh.size() >= c.dLo && mesh.size() <= c.dHi,
                 qPrintable(QStringLiteral("router %1 mesh size %2").arg(i).arg(mesh.size())));
        for (const PeerId &p : mesh) {
            const int j = net.indexOf(p);
            QVERIFY(net.router(j).meshPeers(kTopic).contains(net.id(i)));  // GRAFT is mutual
        }
    }
}

}  // namespace

class TestGossipMesh : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QLoggingCategory::setFilterRules(QStringLiteral("dn.gossip.debug=false")); }

    void meshFormsWithinBounds() {
        const GossipConfig c = testConfig();
        SimNetwork net(12, c);
        for (int i = 0; i < 12; ++i)
            for (int j = i + 1; j < 12; ++j) net.connect(i, j);
        for (int i = 0; i < 12; ++i) net.router(i).subscribe(kTopic);
        net.pump();
        for (int h = 0; h < 3; ++h) net.heartbeatAll();
        checkMeshes(net, 12, c);
        for (int i = 0; i < 12; ++i) QCOMPARE(net.router(i).topicPeers(kTopic).size(), 11);
        QCOMPARE(net.router(0).topics(), QStringList{kTopic});
        QCOMPARE(net.router(0).peerTopics(net.id(1)), QStringList{kTopic});
    }

    void meshShrinksWhenOversubscribed() {
        // Router 0 dialed 20 peers that all graft it (outbound peers are
        // accepted even above D_hi); the heartbeat prunes it back to D, and
        // the pruned peers drop it from their meshes and back off.
        GossipConfig c = testConfig(7);
        SimNetwork net(21, c);
        for (int i = 1; i < 21; ++i) net.connect(0, i);
        net.router(0).subscribe(kTopic);
        net.pump();
        for (int i = 1; i < 21; ++i) net.router(i).subscribe(kTopic);
        net.pump();
        QCOMPARE(net.router(0).meshPeers(kTopic).size(), 20);
        net.heartbeatAll();
        const auto mesh = net.router(0).meshPeers(kTopic);
        QCOMPARE(mesh.size(), c.d);
        QCOMPARE(net.router(0).counters().pruneSent, quint64(20 - c.d));
        for (int i = 1; i < 21; ++i) {
            const bool kept = mesh.contains(net.id(i));
            QCOMPARE(net.router(i).meshPeers(kTopic).contains(net.id(0)), kept);
            QCOMPARE(net.router(i).inBackoff(kTopic, net.id(0)), !kept);
        }
    }

    void publishReachesAllInSparseGraph() {
        const GossipConfig c = testConfig(11);
        const int n = 20;
        SimNetwork net(n, c);
        // A ring (connected) plus random chords: degree 2-5, like a bootstrap graph.
        std::mt19937 rng(1234);
        std::set<std::pair<int, int>> edges;
        for (int i = 0; i < n; ++i) edges.insert({i, (i + 1) % n});
        while (static_cast<int>(edges.size()) < n + 12) {
            const int a = static_cast<int>(rng() % n), b = static_cast<int>(rng() % n);
            if (a != b && !edges.count({b, a})) edges.insert({a, b});
        }
        for (const auto &[a, b] : edges) net.connect(a, b);
        for (int i = 0; i < n; ++i) net.router(i).subscribe(kTopic);
        net.pump();
        for (int h = 0; h < 3; ++h) net.heartbeatAll();

        QSet<QByteArray> ids;
        for (int k = 0; k < 10; ++k) {
            const int author = (k * 7) % n;
            auto id = net.router(author).publish(kTopic, QByteArray("payload-") + QByteArray::number(k));
            QVERIFY(id.ok());
            ids.insert(*id);
            net.pump();
            QVERIFY(net.queue.empty());  // the flood dies out (seen cache)
        }
        quint64 duplicates = 0;
        for (int i = 0; i < n; ++i) {
            QSet<QByteArray> got;
            for (const Delivery &d : net.delivered(i)) {
                QVERIFY2(!got.contains(d.msgId), "a message was delivered twice");
                got.insert(d.msgId);
                QCOMPARE(d.topic, kTopic);
            }
            int own = 0;
            for (int k = 0; k < 10; ++k) own += ((k * 7) % n == i) ? 1 : 0;
            QCOMPARE(got.size(), 10 - own);  // everything but its own messages
            duplicates += net.router(i).counters().duplicates;
        }
        QVERIFY(duplicates > 0);  // the mesh has cycles, the seen cache absorbed them
    }

    void duplicatesSuppressed() {
        SimNetwork net(1, testConfig(), 1);
        net.router(0).subscribe(kTopic);
        net.connect(1, 0);
        gpb::RPC rpc;
        *rpc.add_publish() = net.signedMessage(1, kTopic, "once", 1);
        const QByteArray bytes = gossip_rpc::encode(rpc);
        net.inject(1, 0, bytes);
        net.inject(1, 0, bytes);
        net.pump();
        QCOMPARE(net.delivered(0).size(), size_t(1));
        QCOMPARE(net.router(0).counters().duplicates, quint64(1));
        QCOMPARE(net.router(0).counters().delivered, quint64(1));
        QCOMPARE(net.delivered(0)[0].from, net.id(1));
        QCOMPARE(net.delivered(0)[0].msgId, net.id(1).bytes() + QByteArray::fromHex("0000000000000001"));
    }

    void ihaveIwantRecoversMissedMessage() {
        // No flood publishing, so the publisher only reaches its mesh; node 7
        // loses every message sent to it until the next heartbeat and can only
        // learn of the message through IHAVE gossip from a non-mesh peer.
        GossipConfig c = testConfig(5);
        c.floodPublish = false;
        c.d = 2;
        c.dLo = 2;
        c.dHi = 3;
        c.dOut = 0;
        SimNetwork net(8, c);
        for (int i = 0; i < 8; ++i)
            for (int j = i + 1; j < 8; ++j) net.connect(i, j);
        for (int i = 0; i < 8; ++i) net.router(i).subscribe(kTopic);
        net.pump();
        for (int h = 0; h < 3; ++h) net.heartbeatAll();

        net.dropIf = [](const SimNetwork::Packet &p) { return p.to == 7 && carriesMessages(p.bytes); };
        auto id = net.router(0).publish(kTopic, "catch me");
        QVERIFY(id.ok());
        net.pump();
        QVERIFY(net.dropped > 0);
        QVERIFY(net.delivered(7).empty());
        for (int i = 1; i < 7; ++i) QCOMPARE(net.delivered(i).size(), size_t(1));

        net.dropIf = nullptr;
        for (int h = 0; h < 3 && net.delivered(7).empty(); ++h) net.heartbeatAll();
        QCOMPARE(net.delivered(7).size(), size_t(1));
        QCOMPARE(net.delivered(7)[0].msgId, *id);
        QVERIFY(net.router(7).counters().ihaveReceived > 0);
        QVERIFY(net.router(7).counters().iwantSent > 0);
        quint64 served = 0;
        for (int i = 0; i < 7; ++i) served += net.router(i).counters().iwantServed;
        QVERIFY(served > 0);
    }

    void fanoutPublishWithoutSubscribing() {
        // Node 0 publishes on a topic it does not subscribe to: with flood
        // publishing off it picks D fanout peers; subscribers get the message,
        // node 0 itself does not, and the fanout expires after its TTL.
        GossipConfig c = testConfig(9);
        c.floodPublish = false;
        SimNetwork net(8, c);
        for (int i = 0; i < 8; ++i)
            for (int j = i + 1; j < 8; ++j) net.connect(i, j);
        for (int i = 1; i < 8; ++i) net.router(i).subscribe(kTopic);
        net.pump();
        for (int h = 0; h < 2; ++h) net.heartbeatAll();

        QVERIFY(net.router(0).publish(kTopic, "from outside").ok());
        QCOMPARE(net.router(0).fanoutPeers(kTopic).size(), c.d);
        QVERIFY(net.router(0).meshPeers(kTopic).isEmpty());
        net.pump();
        QVERIFY(net.delivered(0).empty());
        for (int i = 1; i < 8; ++i) QCOMPARE(net.delivered(i).size(), size_t(1));

        // Only the D fanout peers got it from node 0 directly: the rest via the mesh.
        net.nowMs += c.fanoutTtlMs;
        net.heartbeatAll();
        QVERIFY(net.router(0).fanoutPeers(kTopic).isEmpty());
    }

    void floodPublishReachesEveryTopicPeer() {
        GossipConfig c = testConfig(3);
        SimNetwork net(1, c, 10);
        for (int i = 1; i <= 10; ++i) net.connect(0, i);
        gpb::RPC sub;
        auto *s = sub.add_subscriptions();
        s->set_subscribe(true);
        s->set_topicid(kTopic.toStdString());
        for (int i = 1; i <= 10; ++i) net.inject(i, 0, sub);
        net.pump();
        QVERIFY(net.router(0).publish(kTopic, "to all").ok());
        net.pump();
        for (int i = 1; i <= 10; ++i) {
            int messages = 0;
            for (const auto &[from, rpc] : net.inbox(i)) messages += rpc.publish_size();
            QCOMPARE(messages, 1);
        }
    }

    void outboundQuotaKept() {
        // Scripted peers 1..9 are inbound, peer 10 is outbound. Once the mesh
        // is at D_hi, inbound GRAFTs are refused but the outbound one is
        // accepted; pruning back to D keeps the outbound peer (D_out = 1).
        GossipConfig c = testConfig(21);
        SimNetwork net(1, c, 10);
        for (int i = 1; i <= 9; ++i) net.connect(i, 0);
        net.connect(0, 10);
        net.router(0).subscribe(kTopic);
        gpb::RPC subGraft;
        auto *s = subGraft.add_subscriptions();
        s->set_subscribe(true);
        s->set_topicid(kTopic.toStdString());
        subGraft.mutable_control()->add_graft()->set_topicid(kTopic.toStdString());
        for (int i = 1; i <= 9; ++i) net.inject(i, 0, subGraft);
        net.pump();
        QCOMPARE(net.router(0).meshPeers(kTopic).size(), c.dHi);
        QCOMPARE(net.router(0).counters().pruneSent, quint64(1));  // the ninth inbound
        net.inject(10, 0, subGraft);
        net.pump();
        QCOMPARE(net.router(0).meshPeers(kTopic).size(), c.dHi + 1);
        net.heartbeatAll();
        const auto mesh = net.router(0).meshPeers(kTopic);
        QCOMPARE(mesh.size(), c.d);
        QVERIFY(mesh.contains(net.id(10)));
    }
};

QTEST_GUILESS_MAIN(TestGossipMesh)
#include "tst_gossip_mesh.moc"
