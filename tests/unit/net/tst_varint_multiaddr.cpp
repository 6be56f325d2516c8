// Varint and Multiaddr: encodings from the multiformats specs, bounds on
// hostile input, round trips.
#include "crypto/Ed25519.h"
#include "crypto/PeerId.h"
#include "net/Multiaddr.h"
#include "net/Varint.h"

#include <QRandomGenerator>
#include <QtTest>

using namespace dn;

class TstVarintMultiaddr : public QObject {
    Q_OBJECT
private slots:
    void varintKnownEncodings() {
        QCOMPARE(encodeVarint(0), QByteArray::fromHex("00"));
        QCOMPARE(encodeVarint(1), QByteArray::fromHex("01"));
        QCOMPARE(encodeVarint(127), QByteArray::fromHex("7f"));
        QCOMPARE(encodeVarint(128), QByteArray::fromHex("8001"));
        QCOMPARE(encodeVarint(300), QByteArray::fromHex("ac02"));
        QCOMPARE(encodeVarint(16384), QByteArray::fromHex("808001"));
        QCOMPARE(encodeVarint(421), QByteArray::fromHex("a503"));  // p2p code
    }

    void varintRoundTripRandom() {
        QRandomGenerator rng(7);
        for (int i = 0; i < 2000; ++i) {
            const uint64_t v = rng.generate64() >> (rng.bounded(63) + 1);  // < 2^63
            const QByteArray e = encodeVarint(v);
            const VarintDecode d = decodeVarint(e + QByteArray("tail"));
            QCOMPARE(d.status, VarintDecode::Ok);
            QCOMPARE(d.value, v);
            QCOMPARE(d.length, e.size());
        }
    }

    void varintRejects() {
        QCOMPARE(decodeVarint(QByteArray()).status, VarintDecode::NeedMore);
        QCOMPARE(decodeVarint(QByteArray::fromHex("80")).status, VarintDecode::NeedMore);
        QCOMPARE(decodeVarint(QByteArray::fromHex("8000")).status, VarintDecode::Invalid);  // not minimal
        QCOMPARE(decodeVarint(QByteArray(9, '\xff') + QByteArray(1, 1)).status, VarintDecode::Invalid);  // > 9 bytes
        QCOMPARE(decodeVarint(QByteArray::fromHex("ffff01"), 2).status, VarintDecode::Invalid);  // caller bound
        QCOMPARE(decodeVarint(QByteArray::fromHex("ff7f"), 2).status, VarintDecode::Ok);
    }

    void parseFormatRoundTrip_data() {
        QTest::addColumn<QString>("text");
        QTest::newRow("ip4") << "/ip4/127.0.0.1/tcp/4001";
        QTest::newRow("ip6") << "/ip6/::1/tcp/4001";
        QTest::newRow("ip6 full") << "/ip6/2001:db8::8a2e:370:7334/tcp/1";
        QTest::newRow("dns4") << "/dns4/example.com/tcp/443";
        QTest::newRow("dns") << "/dns/localhost/tcp/80";
        QTest::newRow("quic") << "/ip4/1.2.3.4/udp/4001/quic-v1";
        QTest::newRow("ws") << "/ip4/1.2.3.4/tcp/80/ws";
        QTest::newRow("circuit") << "/ip4/1.2.3.4/tcp/80/p2p-circuit";
    }
    void parseFormatRoundTrip() {
        QFETCH(QString, text);
        auto m = Multiaddr::parse(text);
        QVERIFY2(m, qPrintable(m ? QString() : m.error().message));
        QCOMPARE(m->toString(), text);
        auto b = Multiaddr::fromBytes(m->toBytes());
        QVERIFY(b);
        QCOMPARE(*b, *m);
    }

    void knownBinaryForm() {
        // /ip4/127.0.0.1/tcp/4001 from the multiaddr spec examples.
        auto m = Multiaddr::parse(u"/ip4/127.0.0.1/tcp/4001");
        QVERIFY(m);
        QCOMPARE(m->toBytes(), QByteArray::fromHex("047f000001060fa1"));
    }

    void peerIdComponent() {
        const Ed25519Key k = Ed25519Key::generate();
        const PeerId id = PeerId::fromPublicKey(k.publicKey());
        auto m = Multiaddr::parse(QStringLiteral("/ip4/10.0.0.1/tcp/5/p2p/") + id.toBase58());
        QVERIFY(m);
        QVERIFY(m->hasPeerId());
        QCOMPARE(m->peerId(), id);
        QVERIFY(m->isTcp());
        QCOMPARE(m->tcpPort(), quint16(5));
        QCOMPARE(m->ipAddress(), QHostAddress(QStringLiteral("10.0.0.1")));
        QCOMPARE(m->withoutPeerId().toString(), QStringLiteral("/ip4/10.0.0.1/tcp/5"));
        QCOMPARE(m->withoutPeerId().withPeerId(id), *m);
        // legacy /ipfs/ spelling parses to the same thing
        auto legacy = Multiaddr::parse(QStringLiteral("/ip4/10.0.0.1/tcp/5/ipfs/") + id.toBase58());
        QVERIFY(legacy);
        QCOMPARE(*legacy, *m);
        QCOMPARE(Multiaddr::fromBytes(m->toBytes())->peerId(), id);
        QVERIFY(!m->withoutPeerId().hasPeerId());
        QVERIFY(m->withoutPeerId().peerId().isNull());
        QCOMPARE(m->withPeerId(PeerId()), m->withoutPeerId());
        // A sha2-256 peer id (an RSA key's) is an address's /p2p part, but
        // names no peer we could dial.
        auto hashed = Multiaddr::parse(u"/ip4/10.0.0.1/tcp/5/p2p/QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
        QVERIFY(hashed);
        QVERIFY(hashed->hasPeerId());
        QVERIFY(hashed->peerId().isNull());
    }

    void tcpView() {
        QVERIFY(Multiaddr::parse(u"/dns4/a.b/tcp/1")->isDns());
        QCOMPARE(Multiaddr::parse(u"/dns4/a.b/tcp/1")->dnsFamily(), QAbstractSocket::IPv4Protocol);
        QVERIFY(!Multiaddr::parse(u"/ip4/1.2.3.4/udp/1/quic-v1")->isTcp());
        QVERIFY(!Multiaddr::parse(u"/ip4/1.2.3.4/tcp/1/ws")->isTcp());
        const Multiaddr mapped = Multiaddr::fromTcp(QHostAddress(QStringLiteral("::ffff:127.0.0.1")), 9);
        QCOMPARE(mapped.toString(), QStringLiteral("/ip4/127.0.0.1/tcp/9"));
    }

    void parseRejects_data() {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << "";
        QTest::newRow("no slash") << "ip4/1.2.3.4";
        QTest::newRow("unknown proto") << "/ip5/1.2.3.4";
        QTest::newRow("bad ip4") << "/ip4/1.2.3/tcp/1";
        QTest::newRow("ip4 octet") << "/ip4/1.2.3.256/tcp/1";
        QTest::newRow("ip4 sign") << "/ip4/1.2.3.+4/tcp/1";
        QTest::newRow("ip6 as ip4") << "/ip4/::1/tcp/1";
        QTest::newRow("port range") << "/ip4/1.2.3.4/tcp/65536";
        QTest::newRow("port text") << "/ip4/1.2.3.4/tcp/http";
        QTest::newRow("missing value") << "/ip4/1.2.3.4/tcp";
        QTest::newRow("bad p2p") << "/ip4/1.2.3.4/tcp/1/p2p/0OIl";
        QTest::newRow("p2p not multihash") << "/ip4/1.2.3.4/tcp/1/p2p/2g";
    }
    void parseRejects() {
        QFETCH(QString, text);
        QVERIFY(!Multiaddr::parse(text));
    }

    void bytesRejects() {
        QVERIFY(!Multiaddr::fromBytes(QByteArray()));
        QVERIFY(!Multiaddr::fromBytes(QByteArray::fromHex("047f0000")));      // truncated ip4
        QVERIFY(!Multiaddr::fromBytes(QByteArray::fromHex("ff7f")));          // unknown code
        QVERIFY(!Multiaddr::fromBytes(QByteArray::fromHex("3505616263")));    // dns length past end
        QVERIFY(!Multiaddr::fromBytes(QByteArray::fromHex("35ffffffff0f")));  // huge length
        QVERIFY(!Multiaddr::fromBytes(QByteArray(Multiaddr::kMaxBytes + 1, 4)));
        QVERIFY(!Multiaddr::fromBytes(QByteArray::fromHex("a50303010203")));  // p2p, bad multihash
    }

    void randomBytesNeverCrash() {
        QRandomGenerator rng(11);
        int parsed = 0;
        for (int i = 0; i < 5000; ++i) {
            QByteArray b(rng.bounded(1, 40), Qt::Uninitialized);
            for (char &c : b) c = char(rng.bounded(256));
            if (i % 3 == 0) b[0] = char(4);  // ip4 code, to get deeper
            auto m = Multiaddr::fromBytes(b);
            if (m) {
                ++parsed;
                QCOMPARE(Multiaddr::fromBytes(m->toBytes()).value(), *m);
                QCOMPARE(Multiaddr::parse(m->toString()).value(), *m);
            }
        }
        QVERIFY(parsed > 0);
    }
};

QTEST_GUILESS_MAIN(TstVarintMultiaddr)
#include "tst_varint_multiaddr.moc"
