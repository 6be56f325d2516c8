// The receive path of the gossipsub router against hostile or unusual input:
// StrictSign failures, oversized and undecodable RPCs, unknown fields, topics
// we are not in, and who a message is forwarded to.
#include "SimNetwork.h"

#include "crypto/Sha256.h"

#include <QtTest>
#include <random>

using namespace dn;
using namespace dn::test;

namespace {

const QString kTopic = QStringLiteral("ctx-topic");

GossipConfig cfg() {
    GossipConfig c;
    c.seed = 99;
    return c;
}

// Router 0 subscribed to kTopic with scripted peers 1..3 in its mesh.
void setUp(SimNetwork &net) { meshWithScriptedPeers(net, kTopic); }

}  // namespace

class TestGossipReceive : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QLoggingCategory::setFilterRules(QStringLiteral("dn.gossip.debug=false")); }

    void signingBytesLayout() {
        gpb::Message m;
        m.set_from("F");
        m.set_data("");
        m.set_seqno("12345678");
        m.set_topic("t");
        m.set_signature("ignored");
        m.set_key("ignored");
        // prefix, then fields 1-4 in order; an empty but present data stays.
        const QByteArray expected = QByteArray("libp2p-pubsub:") + QByteArray::fromHex("0a0146") +
                                    QByteArray::fromHex("1200") + QByteArray::fromHex("1a08") + "12345678" +
                                    QByteArray::fromHex("220174");
        QCOMPARE(gossipSigningBytes(m), expected);
    }

    void validMessageForwardedExceptSourceAndAuthor() {
        SimNetwork net(1, cfg(), 3);
        setUp(net);
        // Authored by 2, relayed to us by 1: only 3 needs a copy.
        net.inject(1, 0, publishOf(net.signedMessage(2, kTopic, "hello", 7)));
        net.pump();
        QCOMPARE(net.delivered(0).size(), size_t(1));
        QCOMPARE(net.delivered(0)[0].data, QByteArray("hello"));
        QCOMPARE(net.delivered(0)[0].from, net.id(2));
        QCOMPARE(messagesIn(net, 1), 0);
        QCOMPARE(messagesIn(net, 2), 0);
        QCOMPARE(messagesIn(net, 3), 1);
    }

    void invalidSignaturesRejected() {
        // Scoring off: this checks StrictSign alone (six invalid messages
        // would graylist the sender; tst_gossip_scoring covers that).
        GossipConfig c = cfg();
        c.score.invalidMessageWeight = 0;
        SimNetwork net(1, c, 3);
        setUp(net);
        QList<gpb::Message> bad;
        gpb::Message tampered = net.signedMessage(1, kTopic, "original", 1);
        tampered.set_data("changed");
        bad << tampered;
        gpb::Message otherSigner = net.signedMessage(2, kTopic, "x", 2);
        otherSigner.set_from(net.id(1).bytes().toStdString());  // claims 1, signed by 2
        bad << otherSigner;
        gpb::Message unsigned_ = net.signedMessage(1, kTopic, "x", 3);
        unsigned_.clear_signature();
        bad << unsigned_;
        gpb::Message noSeqno = net.signedMessage(1, kTopic, "x", 4);
        noSeqno.clear_seqno();
        bad << noSeqno;
        gpb::Message wrongKey = net.signedMessage(1, kTopic, "x", 5);
        wrongKey.set_key(std::string("\x08\x01\x12\x20", 4) + std::string(32, 'k'));
        bad << wrongKey;
        gpb::Message hashedId = net.signedMessage(1, kTopic, "x", 6);  // a sha2-256 peer id
        hashedId.set_from((QByteArray::fromHex("1220") + sha256("rsa key").toByteArray()).toStdString());
        bad << hashedId;
        for (const gpb::Message &m : bad) net.inject(1, 0, publishOf(m));
        net.pump();
        QVERIFY(net.delivered(0).empty());
        QCOMPARE(net.router(0).counters().invalidSignature, quint64(bad.size() - 1));
        QCOMPARE(net.router(0).counters().badSeqno, quint64(1));  // the one without a seqno
        QCOMPARE(net.router(0).counters().penalties, quint64(bad.size()));
        QCOMPARE(messagesIn(net, 2) + messagesIn(net, 3), 0);

        // The right key in `key` is accepted; the forged copies did not poison the seen cache.
        gpb::Message withKey = net.signedMessage(1, kTopic, "original", 1);
        withKey.set_key(std::string("\x08\x01\x12\x20", 4) + net.key(1).publicKey().toByteArray().toStdString());
        net.inject(1, 0, publishOf(withKey));
        net.pump();
        QCOMPARE(net.delivered(0).size(), size_t(1));
        QCOMPARE(net.delivered(0)[0].data, QByteArray("original"));
    }

    void oversizedRejected() {
        GossipConfig c = cfg();
        c.maxMessageSize = 4096;
        SimNetwork net(1, c, 3);
        setUp(net);
        net.inject(1, 0, publishOf(net.signedMessage(1, kTopic, QByteArray(5000, 'x'), 1)));
        net.pump();
        QVERIFY(net.delivered(0).empty());
        QCOMPARE(net.router(0).counters().tooLarge, quint64(1));
        QCOMPARE(net.router(0).counters().decodeErrors, quint64(0));

        auto big = net.router(0).publish(kTopic, QByteArray(5000, 'x'));
        QVERIFY(!big.ok());
        QCOMPARE(big.error().code, ErrorCode::TooLarge);
        QCOMPARE(net.router(0).counters().published, quint64(0));
        QVERIFY(net.router(0).publish(kTopic, QByteArray(3800, 'x')).ok());
    }

    void defaultLimitIsOneMiB() {
        SimNetwork net(1, cfg());
        net.router(0).subscribe(kTopic);
        QVERIFY(!net.router(0).publish(kTopic, QByteArray(1024 * 1024, 'x')).ok());
        QVERIFY(net.router(0).publish(kTopic, QByteArray(1024 * 1024 - 1024, 'x')).ok());
    }

    void garbageRejectedWithoutCrashing() {
        SimNetwork net(1, cfg(), 3);
        setUp(net);
        const QByteArray valid = gossip_rpc::encode(publishOf(net.signedMessage(1, kTopic, "survivor", 1)));
        std::mt19937 rng(2024);
        for (int i = 0; i < 3000; ++i) {
            QByteArray junk(static_cast<qsizetype>(rng() % 300), Qt::Uninitialized);
            for (char &ch : junk) ch = static_cast<char>(rng());
            net.inject(2, 0, junk);
        }
        for (qsizetype n = 1; n < valid.size(); ++n) net.inject(2, 0, valid.left(n));  // truncations
        for (int i = 0; i < 500; ++i) {  // single-byte mutations
            QByteArray m = valid;
            m[static_cast<qsizetype>(rng() % static_cast<unsigned>(m.size()))] = static_cast<char>(rng());
            net.inject(2, 0, m);
        }
        net.pump();
        const auto &c = net.router(0).counters();
        QVERIFY(c.decodeErrors > 1000);
        QVERIFY(net.delivered(0).size() <= 1);  // a mutation may leave the message intact
        net.delivered(0).clear();
        net.inject(1, 0, publishOf(net.signedMessage(1, kTopic, "after the storm", 2)));
        net.pump();
        QCOMPARE(net.delivered(0).size(), size_t(1));  // still serving
    }

    void unknownFieldsIgnored() {
        SimNetwork net(1, cfg(), 3);
        setUp(net);
        // Message with an unknown field 99 (covered by no signature rule).
        QByteArray msg = gossip_rpc::encode(net.signedMessage(1, kTopic, "future", 1));
        gossip_rpc::appendVarint(msg, (99u << 3) | 2);
        gossip_rpc::appendVarint(msg, 3);
        msg.append("new");
        // Control with a v1.3 extensions field (6) and a GRAFT with an unknown field.
        QByteArray graft = QByteArray::fromHex("0a") + QByteArray(1, char(kTopic.size())) + kTopic.toUtf8();
        graft += QByteArray::fromHex("2805");  // field 5, varint 5
        QByteArray control = QByteArray::fromHex("1a") + QByteArray(1, char(graft.size())) + graft;
        control += QByteArray::fromHex("3200");  // field 6, empty
        QByteArray rpc = QByteArray::fromHex("7807");  // RPC field 15, varint 7
        rpc += QByteArray::fromHex("12");
        gossip_rpc::appendVarint(rpc, static_cast<quint64>(msg.size()));
        rpc += msg;
        rpc += QByteArray::fromHex("1a") + QByteArray(1, char(control.size())) + control;
        net.inject(2, 0, rpc);
        net.pump();
        QCOMPARE(net.router(0).counters().decodeErrors, quint64(0));
        QCOMPARE(net.delivered(0).size(), size_t(1));
        QCOMPARE(net.delivered(0)[0].data, QByteArray("future"));
        QCOMPARE(net.router(0).counters().graftReceived, quint64(4));
        QCOMPARE(messagesIn(net, 3), 1);  // forwarded with its unknown field, still valid
        QVERIFY(verifyGossipMessage(net.inbox(3)[0].second.publish(0)));
    }

    void unsubscribedTopicNotDelivered() {
        SimNetwork net(1, cfg(), 3);
        setUp(net);
        net.inject(1, 0, publishOf(net.signedMessage(1, QStringLiteral("elsewhere"), "not for us", 1)));
        net.pump();
        QVERIFY(net.delivered(0).empty());
        QCOMPARE(net.router(0).counters().unsubscribedTopic, quint64(1));
        QCOMPARE(messagesIn(net, 2) + messagesIn(net, 3), 0);
    }

    void rpcFromUnknownPeerIgnored() {
        SimNetwork net(1, cfg(), 1);
        net.router(0).subscribe(kTopic);
        net.inject(1, 0, publishOf(net.signedMessage(1, kTopic, "who?", 1)));
        net.pump();
        QVERIFY(net.delivered(0).empty());
        QCOMPARE(net.router(0).counters().unknownPeerRpcs, quint64(1));
    }

    void customMessageIdFunction() {
        // A content-addressed id: the same data from two authors is one message.
        SimNetwork net(1, cfg(), 3);
        net.router(0).setMessageIdFn([](const GossipMessage &m) { return sha256(m.data).toByteArray(); });
        setUp(net);
        net.inject(1, 0, publishOf(net.signedMessage(1, kTopic, "same", 1)));
        net.inject(2, 0, publishOf(net.signedMessage(2, kTopic, "same", 1)));
        net.pump();
        QCOMPARE(net.delivered(0).size(), size_t(1));
        QCOMPARE(net.delivered(0)[0].msgId, sha256("same").toByteArray());
        QCOMPARE(net.router(0).counters().duplicates, quint64(1));
    }
};

QTEST_GUILESS_MAIN(TestGossipReceive)
#include "tst_gossip_receive.moc"
