// Control-message rules of the gossipsub router, played against scripted
// peers: PRUNE backoff (ours and the peer's), GRAFT refusals, unknown topics,
// IWANT retransmission cap, IHAVE limits, lost control retried.
#include "SimNetwork.h"

#include <QtTest>

using namespace dn;
using namespace dn::test;

namespace {

const QString kTopic = QStringLiteral("ctx-topic");

gpb::RPC subscribeRpc(const QString &topic, bool graft = false) {
    gpb::RPC rpc;
    auto *s = rpc.add_subscriptions();
    s->set_subscribe(true);
    s->set_topicid(topic.toStdString());
    if (graft) rpc.mutable_control()->add_graft()->set_topicid(topic.toStdString());
    return rpc;
}

gpb::RPC graftRpc(const QString &topic) {
    gpb::RPC rpc;
    rpc.mutable_control()->add_graft()->set_topicid(topic.toStdString());
    return rpc;
}

gpb::RPC pruneRpc(const QString &topic, quint64 backoffSeconds) {
    gpb::RPC rpc;
    auto *p = rpc.mutable_control()->add_prune();
    p->set_topicid(topic.toStdString());
    if (backoffSeconds) p->set_backoff(backoffSeconds);
    return rpc;
}

// PRUNEs for `topic` in scripted peer `i`'s inbox; clears the inbox.
QList<quint64> takePrunes(SimNetwork &net, int i, const QString &topic) {
    QList<quint64> out;
    for (const auto &[from, rpc] : net.inbox(i))
        for (const auto &p : rpc.control().prune())
            if (p.topicid() == topic.toStdString()) out.append(p.backoff());
    net.inbox(i).clear();
    return out;
}

int countGrafts(SimNetwork &net, int i, const QString &topic) {
    int n = 0;
    for (const auto &[from, rpc] : net.inbox(i))
        for (const auto &g : rpc.control().graft()) n += g.topicid() == topic.toStdString() ? 1 : 0;
    return n;
}

GossipConfig cfg() {
    GossipConfig c;
    c.seed = 77;
    return c;
}

}  // namespace

class TestGossipControl : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QLoggingCategory::setFilterRules(QStringLiteral("dn.gossip.debug=false")); }

    void subscriptionsAnnounced() {
        SimNetwork net(1, cfg(), 2);
        net.connect(0, 1);
        net.router(0).subscribe(kTopic);
        net.pump();
        QCOMPARE(net.inbox(1).size(), size_t(1));
        QCOMPARE(net.inbox(1)[0].second.subscriptions(0).topicid(), kTopic.toStdString());
        QVERIFY(net.inbox(1)[0].second.subscriptions(0).subscribe());
        net.connect(0, 2);  // a later peer gets our subscriptions on arrival
        net.pump();
        QCOMPARE(net.inbox(2).size(), size_t(1));
        QCOMPARE(net.inbox(2)[0].second.subscriptions_size(), 1);
        net.router(0).unsubscribe(kTopic);
        net.pump();
        QVERIFY(!net.inbox(2).back().second.subscriptions(0).subscribe());
        QVERIFY(net.router(0).topics().isEmpty());
    }

    void graftOnSubscribeAndPruneOnLeave() {
        SimNetwork net(1, cfg(), 1);
        net.connect(0, 1);
        net.inject(1, 0, subscribeRpc(kTopic));
        net.pump();
        net.router(0).subscribe(kTopic);
        net.pump();
        QCOMPARE(countGrafts(net, 1, kTopic), 1);
        QCOMPARE(net.router(0).meshPeers(kTopic), QList<PeerId>{net.id(1)});
        net.inbox(1).clear();
        net.router(0).unsubscribe(kTopic);
        net.pump();
        QCOMPARE(takePrunes(net, 1, kTopic), QList<quint64>{1});  // unsubscribe backoff, in seconds
        QVERIFY(net.router(0).inBackoff(kTopic, net.id(1)));
    }

    void pruneBackoffRespected() {
        // The peer prunes us asking for 5 s: no regraft before 5 s (+ one
        // heartbeat of slack), then the heartbeat grafts it again.
        SimNetwork net(1, cfg(), 1);
        net.connect(0, 1);
        net.inject(1, 0, subscribeRpc(kTopic));
        net.pump();
        net.router(0).subscribe(kTopic);
        net.pump();
        net.inbox(1).clear();
        net.inject(1, 0, pruneRpc(kTopic, 5));
        net.pump();
        QVERIFY(net.router(0).meshPeers(kTopic).isEmpty());
        QCOMPARE(net.router(0).counters().pruneReceived, quint64(1));
        for (int s = 0; s < 5; ++s) {
            net.heartbeatAll();  // mesh below D_lo, but the only candidate backs off
            QCOMPARE(countGrafts(net, 1, kTopic), 0);
            QVERIFY(net.router(0).meshPeers(kTopic).isEmpty());
        }
        net.heartbeatAll();  // t = 6 s: backoff plus one heartbeat of slack is over
        QCOMPARE(countGrafts(net, 1, kTopic), 1);
        QCOMPARE(net.router(0).meshPeers(kTopic), QList<PeerId>{net.id(1)});
    }

    void pruneWithoutBackoffUsesDefault() {
        GossipConfig c = cfg();
        c.pruneBackoffMs = 3000;
        SimNetwork net(1, c, 1);
        net.connect(0, 1);
        net.inject(1, 0, subscribeRpc(kTopic, true));
        net.router(0).subscribe(kTopic);
        net.pump();
        net.inject(1, 0, pruneRpc(kTopic, 0));
        net.pump();
        net.nowMs += 2999;
        QVERIFY(net.router(0).inBackoff(kTopic, net.id(1)));
        net.nowMs += 1;
        QVERIFY(!net.router(0).inBackoff(kTopic, net.id(1)));
    }

    void graftDuringBackoffAnsweredWithPrune() {
        SimNetwork net(1, cfg(), 1);
        net.connect(0, 1);
        net.router(0).subscribe(kTopic);
        net.inject(1, 0, subscribeRpc(kTopic, true));
        net.pump();
        QCOMPARE(net.router(0).meshPeers(kTopic).size(), 1);
        net.inject(1, 0, pruneRpc(kTopic, 2));
        net.pump();
        net.inbox(1).clear();
        net.nowMs += 1500;
        net.inject(1, 0, graftRpc(kTopic));  // 0.5 s too early
        net.pump();
        QCOMPARE(takePrunes(net, 1, kTopic), QList<quint64>{1});
        QVERIFY(net.router(0).meshPeers(kTopic).isEmpty());
        // The refusal restarted our backoff: 1 s from now, not from the PRUNE.
        net.nowMs += 900;
        QVERIFY(net.router(0).inBackoff(kTopic, net.id(1)));
        net.nowMs += 100;
        net.inject(1, 0, graftRpc(kTopic));
        net.pump();
        QVERIFY(takePrunes(net, 1, kTopic).isEmpty());
        QCOMPARE(net.router(0).meshPeers(kTopic).size(), 1);
    }

    void graftForUnknownTopic() {
        // Peer 1 is in "other" (announced) and grafts us there: we are not, so
        // it gets a PRUNE. Peer 2 grafts a topic nobody announced: ignored.
        SimNetwork net(1, cfg(), 2);
        net.connect(0, 1);
        net.connect(0, 2);
        net.router(0).subscribe(kTopic);
        net.pump();
        net.inbox(1).clear();
        net.inbox(2).clear();
        net.inject(1, 0, subscribeRpc(QStringLiteral("other"), true));
        net.inject(2, 0, graftRpc(QStringLiteral("nobody-knows")));
        net.pump();
        QCOMPARE(takePrunes(net, 1, QStringLiteral("other")).size(), 1);
        QVERIFY(net.inbox(2).empty());
        QVERIFY(net.router(0).meshPeers(QStringLiteral("other")).isEmpty());
        QVERIFY(net.router(0).meshPeers(QStringLiteral("nobody-knows")).isEmpty());
        QCOMPARE(net.router(0).counters().graftReceived, quint64(2));
        QVERIFY(!net.router(0).topics().contains(QStringLiteral("nobody-knows")));
    }

    void v10PeerGetsPruneWithoutBackoff() {
        SimNetwork net(1, cfg(), 1);
        net.connect(0, 1, kMeshsubV10);
        net.inject(1, 0, subscribeRpc(QStringLiteral("other"), true));
        net.pump();
        const auto prunes = takePrunes(net, 1, QStringLiteral("other"));
        QCOMPARE(prunes.size(), 1);
        QCOMPARE(prunes[0], quint64(0));  // field absent for /meshsub/1.0.0
    }

    void iwantRetransmissionCapped() {
        SimNetwork net(1, cfg(), 1);
        net.connect(0, 1);
        net.router(0).subscribe(kTopic);
        auto id = net.router(0).publish(kTopic, "cached");
        QVERIFY(id.ok());
        net.pump();
        net.inbox(1).clear();
        gpb::RPC iwant;
        auto *w = iwant.mutable_control()->add_iwant();
        w->add_messageids(id->toStdString());
        w->add_messageids("unknown-id");
        for (int i = 0; i < 5; ++i) net.inject(1, 0, iwant);
        net.pump();
        int served = 0;
        for (const auto &[from, rpc] : net.inbox(1)) served += rpc.publish_size();
        QCOMPARE(served, cfg().gossipRetransmission);
        QCOMPARE(net.router(0).counters().iwantReceived, quint64(10));
    }

    void ihaveLimitsPerHeartbeat() {
        GossipConfig c = cfg();
        c.maxIHaveLength = 30;
        c.maxIHaveMessages = 2;
        SimNetwork net(1, c, 1);
        net.connect(0, 1);
        net.router(0).subscribe(kTopic);
        net.pump();
        net.inbox(1).clear();
        auto ihave = [&](int base, int count) {
            gpb::RPC rpc;
            auto *h = rpc.mutable_control()->add_ihave();
            h->set_topicid(kTopic.toStdString());
            for (int i = 0; i < count; ++i) h->add_messageids("id-" + std::to_string(base + i));
            return rpc;
        };
        net.inject(1, 0, ihave(0, 20));
        net.inject(1, 0, ihave(100, 20));  // only 10 more fit in maxIHaveLength
        net.inject(1, 0, ihave(200, 5));   // third IHAVE this heartbeat: ignored
        net.pump();
        int asked = 0;
        for (const auto &[from, rpc] : net.inbox(1))
            for (const auto &w : rpc.control().iwant()) asked += w.messageids_size();
        QCOMPARE(asked, 30);
        QCOMPARE(net.router(0).counters().iwantSent, quint64(30));
        net.inbox(1).clear();
        net.heartbeatAll();  // limits reset
        net.inbox(1).clear();
        net.inject(1, 0, ihave(300, 5));
        net.pump();
        QCOMPARE(net.router(0).counters().iwantSent, quint64(35));
        // IHAVE for a topic we are not in asks for nothing.
        gpb::RPC other = ihave(400, 5);
        other.mutable_control()->mutable_ihave(0)->set_topicid("other");
        net.inject(1, 0, other);
        net.pump();
        QCOMPARE(net.router(0).counters().iwantSent, quint64(35));
    }

    void droppedGraftRetried() {
        SimNetwork net(1, cfg(), 1);
        net.connect(0, 1);
        net.inject(1, 0, subscribeRpc(kTopic));
        net.pump();
        net.queueLimit = 1;
        net.queue.push_back(SimNetwork::Packet{0, 1, QByteArray(), true});  // occupy the only slot
        net.router(0).subscribe(kTopic);  // SUBSCRIBE and GRAFT both dropped
        QCOMPARE(net.router(0).counters().droppedRpcs, quint64(2));
        net.queue.clear();
        net.queueLimit = 0;
        net.heartbeatAll();
        QCOMPARE(countGrafts(net, 1, kTopic), 1);
        QCOMPARE(net.router(0).counters().graftSent, quint64(1));
    }

    void subscriptionBounds() {
        GossipConfig c = cfg();
        c.maxTopicsPerPeer = 3;
        c.maxTopicLength = 16;
        SimNetwork net(1, c, 1);
        net.connect(0, 1);
        gpb::RPC rpc;
        for (int i = 0; i < 5; ++i) {
            auto *s = rpc.add_subscriptions();
            s->set_subscribe(true);
            s->set_topicid("topic-" + std::to_string(i));
        }
        auto *longOne = rpc.add_subscriptions();
        longOne->set_subscribe(true);
        longOne->set_topicid(std::string(17, 'x'));
        net.inject(1, 0, rpc);
        net.pump();
        QCOMPARE(net.router(0).peerTopics(net.id(1)),
                 (QStringList{QStringLiteral("topic-0"), QStringLiteral("topic-1"), QStringLiteral("topic-2")}));
    }

    void idontwantAccepted() {
        SimNetwork net(1, cfg(), 1);
        net.connect(0, 1);
        net.router(0).subscribe(kTopic);
        gpb::RPC rpc = subscribeRpc(kTopic, true);
        rpc.mutable_control()->add_idontwant()->add_messageids("whatever");
        net.inject(1, 0, rpc);
        net.pump();
        QCOMPARE(net.router(0).counters().decodeErrors, quint64(0));
        QCOMPARE(net.router(0).meshPeers(kTopic).size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestGossipControl)
#include "tst_gossip_control.moc"
