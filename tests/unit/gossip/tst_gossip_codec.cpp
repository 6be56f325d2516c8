// Building blocks of the gossipsub router: RPC encoding helpers, StrictSign,
// the message cache windows and the seen cache.
#include "crypto/Ed25519.h"
#include "crypto/PeerId.h"
#include "gossip/GossipTypes.h"
#include "gossip/MessageCache.h"
#include "gossip/MessageSigner.h"
#include "gossip/RpcCodec.h"
#include "gossip/SeenCache.h"
#include "rpc.pb.h"

#include <QtTest>

using namespace dn;
namespace gpb = deltanode::gossipsub;

class TestGossipCodec : public QObject {
    Q_OBJECT
private slots:
    void varint() {
        const QList<QPair<quint64, QByteArray>> cases = {
            {0, QByteArray::fromHex("00")},        {1, QByteArray::fromHex("01")},
            {127, QByteArray::fromHex("7f")},      {128, QByteArray::fromHex("8001")},
            {300, QByteArray::fromHex("ac02")},    {16384, QByteArray::fromHex("808001")},
            {~0ull, QByteArray::fromHex("ffffffffffffffffff01")},
        };
        for (const auto &[v, bytes] : cases) {
            QByteArray out;
            gossip_rpc::appendVarint(out, v);
            QCOMPARE(out, bytes);
        }
    }

    void withMessagesMatchesProtobuf() {
        gpb::Message a, b;
        a.set_data("first");
        a.set_topic("t");
        b.set_data(std::string(300, 'z'));  // a two-byte length
        gpb::ControlMessage ctl;
        ctl.add_graft()->set_topicid("t");
        gpb::RPC rpc;
        *rpc.add_publish() = a;
        *rpc.add_publish() = b;
        *rpc.mutable_control() = ctl;
        const QByteArray built =
            gossip_rpc::withMessages({gossip_rpc::encode(a), gossip_rpc::encode(b)}, &ctl);
        QCOMPARE(built, gossip_rpc::encode(rpc));
        gpb::RPC back;
        QVERIFY(gossip_rpc::decode(built, back));
        QCOMPARE(back.publish_size(), 2);
        QCOMPARE(back.publish(1).data().size(), size_t(300));
    }

    void signAndVerify() {
        const Ed25519Key key = Ed25519Key::generate();
        gpb::Message m;
        m.set_data("payload");
        m.set_seqno(std::string("\0\0\0\0\0\0\0\1", 8));
        m.set_topic("topic");
        signGossipMessage(m, key);
        QCOMPARE(gossip_rpc::toQt(m.from()), peerIdBytes(key.publicKey()));
        QCOMPARE(m.signature().size(), size_t(64));
        QVERIFY(!m.has_key());  // inlined in the Ed25519 peer id
        QVERIFY(verifyGossipMessage(m));
        QVERIFY(ed25519Verify(key.publicKey(), gossipSigningBytes(m), gossip_rpc::toQt(m.signature())));

        gpb::Message topicChanged = m;
        topicChanged.set_topic("other");
        QVERIFY(!verifyGossipMessage(topicChanged));
        gpb::Message seqChanged = m;
        seqChanged.set_seqno(std::string("\0\0\0\0\0\0\0\2", 8));
        QVERIFY(!verifyGossipMessage(seqChanged));
        gpb::Message noTopic = m;
        noTopic.clear_topic();
        QVERIFY(!verifyGossipMessage(noTopic));
        gpb::Message shortSig = m;
        shortSig.set_signature(m.signature().substr(0, 63));
        QVERIFY(!verifyGossipMessage(shortSig));
    }

    void messageIdFunctions() {
        const Ed25519Key key = *Ed25519Key::fromSeed(QByteArray(32, '\x07'));
        const GossipMessage m{PeerId::fromPublicKey(key.publicKey()), QByteArray::fromHex("0000000000000005"), "t", "d"};
        QCOMPARE(defaultMessageId(m), m.from.bytes() + m.seqno);
        // js: PublicKey protobuf {Type: Ed25519, Data} then the seqno.
        QCOMPARE(publicKeyMessageId(m), QByteArray::fromHex("08011220") + key.publicKey().toByteArray() + m.seqno);
    }

    void messageCacheWindows() {
        MessageCache mc(5, 3);
        const PeerId p = PeerId::fromPublicKey(Ed25519Key::fromSeed(QByteArray(32, 'p'))->publicKey());
        mc.put("a", "t", "A");
        mc.put("x", "other", "X");
        mc.shift();
        mc.put("b", "t", "B");
        mc.shift();
        mc.put("c", "t", "C");
        mc.put("c", "t", "ignored");  // second put of an id
        QCOMPARE(mc.gossipIds("t"), (QList<QByteArray>{"c", "b", "a"}));
        QCOMPARE(mc.gossipIds("other"), QList<QByteArray>{"x"});
        mc.shift();  // "a" leaves the gossip windows but stays retrievable
        QCOMPARE(mc.gossipIds("t"), (QList<QByteArray>{"c", "b"}));
        QCOMPARE(mc.getForPeer("a", p, 3).value_or(QByteArray()), QByteArray("A"));
        QCOMPARE(mc.getForPeer("c", p, 3).value_or(QByteArray()), QByteArray("C"));
        mc.shift();
        mc.shift();  // window of "a" is now the sixth: gone
        QVERIFY(!mc.contains("a"));
        QVERIFY(mc.contains("b"));
        QVERIFY(!mc.getForPeer("a", p, 3));
        QCOMPARE(mc.size(), 2);
    }

    void messageCacheTransmissionCap() {
        MessageCache mc(5, 3);
        const PeerId p1 = PeerId::fromPublicKey(Ed25519Key::fromSeed(QByteArray(32, '1'))->publicKey());
        const PeerId p2 = PeerId::fromPublicKey(Ed25519Key::fromSeed(QByteArray(32, '2'))->publicKey());
        mc.put("m", "t", "M");
        for (int i = 0; i < 3; ++i) QVERIFY(mc.getForPeer("m", p1, 3));
        QVERIFY(!mc.getForPeer("m", p1, 3));
        QVERIFY(mc.getForPeer("m", p2, 3));  // counted per peer
    }

    void seenCacheExpires() {
        SeenCache seen(120000, 1000);
        QVERIFY(seen.add("a", 1000));
        QVERIFY(!seen.add("a", 2000));
        QVERIFY(seen.add("b", 60000));
        seen.expire(120999);
        QVERIFY(seen.contains("a"));
        seen.expire(121000);
        QVERIFY(!seen.contains("a"));
        QVERIFY(seen.contains("b"));
        QCOMPARE(seen.size(), 1);
        QVERIFY(seen.add("a", 121000));  // may be seen again after expiry
    }

    void seenCacheBoundedInEntries() {
        // A flood of distinct ids within the TTL: memory stays at the bound,
        // the oldest ids go first and the newest are still recognised.
        SeenCache seen(120000, 100);
        for (int i = 0; i < 10000; ++i) seen.add(QByteArray::number(i), 1000 + i);
        QCOMPARE(seen.size(), 100);
        QCOMPARE(seen.evicted(), quint64(9900));
        QVERIFY(!seen.contains("0"));
        QVERIFY(seen.contains("9999"));
        QVERIFY(seen.contains("9900"));
        seen.expire(1000 + 9950 + 120000);  // the TTL sweep still works after evictions
        QCOMPARE(seen.size(), 49);
    }
};

QTEST_GUILESS_MAIN(TestGossipCodec)
#include "tst_gossip_codec.moc"
