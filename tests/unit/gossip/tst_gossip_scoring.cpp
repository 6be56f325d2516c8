// Gossip hardening (DESIGN §16): validation before forwarding, offloaded
// signature checks, the 8-byte seqno, peer scoring (P4 with decay, the
// application score) and what the thresholds do to a peer.
#include "SimNetwork.h"
#include <QtTest>
#include <deque>

using namespace dn;
using namespace dn::test;

namespace {

const QString kTopic = QStringLiteral("ctx-topic");

GossipConfig cfg() {
    GossipConfig c;
    c.seed = 7;
    return c;
}

// Router 0 subscribed to kTopic with scripted peers 1..3 in its mesh.
void setUp(SimNetwork &net) { meshWithScriptedPeers(net, kTopic); }

gpb::Message tampered(SimNetwork &net, int author, quint64 seqno) {
    gpb::Message m = net.signedMessage(author, kTopic, "original", seqno);
    m.set_data("changed");
    return m;
}

}  // namespace

class TestGossipScoring : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QLoggingCategory::setFilterRules(QStringLiteral("dn.gossip.debug=false\ndn.gossip.info=false")); }

    void invalidMessagesGraylistThenDecay() {
        SimNetwork net(1, cfg(), 3);
        setUp(net);
        GossipRouter &r = net.router(0);
        // Two invalid messages: -10 * 2^2 = -40, below the gossip threshold,
        // not graylisted; a valid message is still taken.
        for (quint64 s = 1; s <= 2; ++s) net.inject(1, 0, publishOf(tampered(net, 1, s)));
        net.pump();
        QCOMPARE(r.score(net.id(1)), -40.0);
        net.inject(1, 0, publishOf(net.signedMessage(1, kTopic, "ok", 10)));
        net.pump();
        QCOMPARE(net.delivered(0).size(), size_t(1));
        // A third: -90, graylisted: its next RPCs are dropped unread.
        net.inject(1, 0, publishOf(tampered(net, 1, 3)));
        net.pump();
        QVERIFY(r.scores().graylisted(net.id(1)));
        net.inject(1, 0, publishOf(net.signedMessage(1, kTopic, "dropped", 11)));
        net.pump();
        QCOMPARE(net.delivered(0).size(), size_t(1));
        QCOMPARE(r.counters().graylistedRpcs, quint64(1));
        // Negative scores leave the mesh at the next heartbeat.
        net.heartbeatAll();
        QVERIFY(!r.meshPeers(kTopic).contains(net.id(1)));
        // The counter decays by 0.9 a heartbeat: after enough of them the
        // peer is forgiven and its messages are taken again.
        for (int i = 0; i < 60; ++i) net.heartbeatAll();
        QCOMPARE(r.score(net.id(1)), 0.0);
        net.inject(1, 0, publishOf(net.signedMessage(1, kTopic, "again", 12)));
        net.pump();
        QCOMPARE(net.delivered(0).size(), size_t(2));
    }

    // Bytes that are not an RPC at all count like an invalid message: an
    // honest encoder never writes them, and without a cost a peer could make
    // us parse garbage for free. The router tells the transport to reset.
    void undecodableRpcsArePenalised() {
        SimNetwork net(1, cfg(), 3);
        setUp(net);
        GossipRouter &r = net.router(0);
        QVERIFY(!r.handleRpc(net.id(2), QByteArray::fromHex("ffffffff")));
        QCOMPARE(r.counters().decodeErrors, quint64(1));
        QCOMPARE(r.score(net.id(2)), -10.0);
        QVERIFY(!r.handleRpc(net.id(2), QByteArray(int(cfg().maxMessageSize) + 1, 'x')));
        QCOMPARE(r.score(net.id(2)), -40.0);
        QVERIFY(r.handleRpc(net.id(1), gossip_rpc::encode(publishOf(net.signedMessage(1, kTopic, "ok", 1)))));
        QCOMPARE(r.score(net.id(1)), 0.0);
    }

    void reconnectingKeepsTheScore() {
        SimNetwork net(1, cfg(), 3);
        setUp(net);
        for (quint64 s = 1; s <= 3; ++s) net.inject(1, 0, publishOf(tampered(net, 1, s)));
        net.pump();
        const double before = net.router(0).score(net.id(1));
        QVERIFY(before < -80);
        net.disconnect(0, 1);
        net.connect(0, 1);
        QCOMPARE(net.router(0).score(net.id(1)), before);
    }

    void seqnoMustBeEightBytes() {
        SimNetwork net(1, cfg(), 3);
        setUp(net);
        gpb::Message m = net.signedMessage(1, kTopic, "x", 1);
        m.set_seqno(std::string(64, 's'));  // re-signed: only the length is wrong
        signGossipMessage(m, net.key(1));
        net.inject(1, 0, publishOf(m));
        net.pump();
        QVERIFY(net.delivered(0).empty());
        QCOMPARE(net.router(0).counters().badSeqno, quint64(1));
        QCOMPARE(messagesIn(net, 2) + messagesIn(net, 3), 0);
    }

    void validatorVerdicts() {
        SimNetwork net(1, cfg(), 4);
        setUp(net);
        GossipRouter &r = net.router(0);
        // Author 4 is "not a member": its messages are rejected wherever they
        // come from; author 2's are ignored (e.g. membership not arrived yet).
        r.setValidator([&](const GossipMessage &m, const PeerId &) {
            if (m.from == net.id(4)) return ValidationResult::Reject;
            if (m.from == net.id(2)) return ValidationResult::Ignore;
            return ValidationResult::Accept;
        });
        net.inject(1, 0, publishOf(net.signedMessage(4, kTopic, "stranger", 1)));
        net.inject(3, 0, publishOf(net.signedMessage(2, kTopic, "later", 1)));
        net.pump();
        QVERIFY(net.delivered(0).empty());
        QCOMPARE(messagesIn(net, 1) + messagesIn(net, 2) + messagesIn(net, 3), 0);  // not forwarded
        QCOMPARE(r.counters().rejected, quint64(1));
        QCOMPARE(r.counters().ignored, quint64(1));
        QCOMPARE(r.score(net.id(1)), -10.0);  // the sender is penalised, not the claimed author
        QCOMPARE(r.score(net.id(3)), 0.0);    // ignore costs nothing
        // Not marked seen: the same message is judged again when it comes back.
        net.inject(3, 0, publishOf(net.signedMessage(2, kTopic, "later", 1)));
        net.pump();
        QCOMPARE(r.counters().ignored, quint64(2));
        net.inject(1, 0, publishOf(net.signedMessage(1, kTopic, "member", 2)));
        net.pump();
        QCOMPARE(net.delivered(0).size(), size_t(1));
        QCOMPARE(messagesIn(net, 2) + messagesIn(net, 3), 2);
    }

    void offloadedSignatureCheckGatesForwarding() {
        SimNetwork net(1, cfg(), 3);
        setUp(net);
        GossipRouter &r = net.router(0);
        std::deque<std::pair<std::function<bool()>, std::function<void(bool)>>> work;
        r.setVerifyOffload([&](std::function<bool()> verify, std::function<void(bool)> done) {
            work.emplace_back(std::move(verify), std::move(done));
        });
        const gpb::Message good = net.signedMessage(1, kTopic, "good", 1);
        net.inject(1, 0, publishOf(good));
        net.inject(2, 0, publishOf(good));             // a copy while the first is checked
        net.inject(1, 0, publishOf(tampered(net, 1, 2)));
        net.pump();
        QCOMPARE(work.size(), size_t(2));  // the copy waits for the first check
        QCOMPARE(r.pendingValidations(), 2);
        QVERIFY(net.delivered(0).empty());
        QCOMPARE(messagesIn(net, 2) + messagesIn(net, 3), 0);  // nothing forwarded unchecked
        QCOMPARE(r.counters().duplicates, quint64(1));
        while (!work.empty()) {
            auto [verify, done] = std::move(work.front());
            work.pop_front();
            done(verify());
        }
        net.pump();
        QCOMPARE(net.delivered(0).size(), size_t(1));
        QCOMPARE(net.delivered(0)[0].data, QByteArray("good"));
        QCOMPARE(messagesIn(net, 3), 1);  // forwarded once checked
        QCOMPARE(r.counters().invalidSignature, quint64(1));
        QCOMPARE(r.score(net.id(1)), -10.0);
        QCOMPARE(r.pendingValidations(), 0);
    }

    void offloadBoundedAndSafeAfterRouterDies() {
        GossipConfig c = cfg();
        c.maxPendingValidations = 10;
        std::vector<std::function<void(bool)>> dones;
        {
            SimNetwork net(1, c, 3);
            setUp(net);
            net.router(0).setVerifyOffload(
                [&](std::function<bool()>, std::function<void(bool)> done) { dones.push_back(std::move(done)); });
            for (quint64 s = 1; s <= 50; ++s) net.inject(1, 0, publishOf(net.signedMessage(1, kTopic, "m", s)));
            net.pump();
            QCOMPARE(dones.size(), size_t(10));
            QCOMPARE(net.router(0).counters().validationThrottled, quint64(40));
        }
        for (auto &d : dones) d(true);  // the router is gone: nothing happens
    }

    void appScoreGraylistsStrangers() {
        SimNetwork net(1, cfg(), 3);
        GossipRouter &r = net.router(0);
        // Peer 3 subscribes to a members' topic but is no member.
        r.setAppScoreFn([&](const PeerId &p, const std::set<QString> &topics) {
            return p == net.id(3) && topics.count(kTopic) ? -100.0 : 0.0;
        });
        r.subscribe(kTopic);
        for (int i = 1; i <= 3; ++i) {
            net.connect(0, i);
            net.inject(i, 0, subscribeGraft(kTopic));
        }
        net.pump();
        QVERIFY(r.scores().graylisted(net.id(3)));
        QVERIFY(!r.meshPeers(kTopic).contains(net.id(3)));  // its GRAFT was refused
        QCOMPARE(r.meshPeers(kTopic).size(), 2);
        for (int i = 1; i <= 3; ++i) net.inbox(i).clear();
        // Its messages are dropped unread, ours are not flood-published to it,
        // and it gets no IHAVE gossip.
        net.inject(3, 0, publishOf(net.signedMessage(3, kTopic, "spam", 1)));
        net.pump();
        QVERIFY(net.delivered(0).empty());
        QVERIFY(r.publish(kTopic, "ours"));
        net.pump();
        QCOMPARE(messagesIn(net, 1) + messagesIn(net, 2), 2);
        QCOMPARE(messagesIn(net, 3), 0);
        net.heartbeatAll();
        for (const auto &[from, rpc] : net.inbox(3)) QCOMPARE(rpc.control().ihave_size(), 0);
        // Becoming a member (the application score changes) lifts it.
        r.setAppScoreFn([](const PeerId &, const std::set<QString> &) { return 0.0; });
        QVERIFY(!r.scores().graylisted(net.id(3)));
        net.inject(3, 0, publishOf(net.signedMessage(3, kTopic, "hello", 2)));
        net.pump();
        QCOMPARE(net.delivered(0).size(), size_t(1));
    }

    void scoresOfStrangersBounded() {
        PeerScoreParams p;
        p.maxRetained = 100;
        PeerScore s(p);
        for (int i = 0; i < 1000; ++i) {
            QByteArray seed(32, '\0');
            seed[0] = char(i & 0xff);
            seed[1] = char(i >> 8);
            const PeerId id = PeerId::fromPublicKey(Ed25519Key::fromSeed(seed)->publicKey());
            s.addPeer(id);
            s.invalidMessage(id);
            s.removePeer(id, 1000 + i);
        }
        QCOMPARE(s.tracked(), 100);
        s.heartbeat(1000 + 2000 + p.retainMs);
        QCOMPARE(s.tracked(), 0);
        // Input about peers never added does not create records.
        s.invalidMessage(PeerId::fromPublicKey(Ed25519Key::fromSeed(QByteArray(32, 'z'))->publicKey()));
        QCOMPARE(s.tracked(), 0);
    }
};

QTEST_GUILESS_MAIN(TestGossipScoring)
#include "tst_gossip_scoring.moc"
