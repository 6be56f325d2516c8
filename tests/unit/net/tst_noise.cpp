// Noise XX (noise-libp2p): primitives against published vectors, a full
// handshake between two sessions, transport framing, and every refusal
// (bad signature, wrong peer, tampered bytes, short frames, muxer mismatch).
#include "crypto/Ed25519.h"
#include "crypto/PeerId.h"
#include "libp2p.pb.h"
#include "net/NoisePayload.h"
#include "net/NoiseSession.h"
#include "net/NoiseSymmetricState.h"
#include "net/X25519.h"

#include <QtTest>

using namespace dn;

namespace {

struct Pair {
    Ed25519Key ki = Ed25519Key::generate(), kr = Ed25519Key::generate();
    NoiseSession init, resp;
    Pair(QStringList mi = {}, QStringList mr = {}, std::optional<Hash32> expect = std::nullopt)
        : init(true, ki, mi, expect), resp(false, kr, mr) {}
    // Exchanges until quiet; returns application bytes each side received.
    std::pair<QByteArray, QByteArray> run(QByteArray toResp = {}, QByteArray toInit = {}) {
        if (toResp.isEmpty()) toResp = init.start();
        QByteArray gotI, gotR;
        for (int i = 0; i < 10 && (!toResp.isEmpty() || !toInit.isEmpty()); ++i) {
            QByteArray a, b;
            if (!toResp.isEmpty()) resp.feed(toResp, b, gotR);
            if (!toInit.isEmpty()) init.feed(toInit, a, gotI);
            toResp = a;
            toInit = b;
        }
        return {gotI, gotR};
    }
};

}  // namespace

class TstNoise : public QObject {
    Q_OBJECT
private slots:
    void x25519Rfc7748Vector() {
        auto alice = X25519Key::fromPrivate(QByteArray::fromHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
        auto bob = X25519Key::fromPrivate(QByteArray::fromHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
        QVERIFY(alice && bob);
        QCOMPARE(alice->publicKey().toHex(), QByteArray("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"));
        const QByteArray shared("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        QCOMPARE(alice->dh(bob->publicKey())->toHex(), shared);
        QCOMPARE(bob->dh(alice->publicKey())->toHex(), shared);
        // A low-order point (all zero) gives no usable secret.
        QVERIFY(!alice->dh(QByteArray(32, '\0')));
        QVERIFY(!alice->dh(QByteArray(31, '\1')));
    }

    void hkdfMatchesRfc5869() {
        // RFC 5869 test case 3 (empty salt and info): HKDF = Noise HKDF with ck = salt.
        auto [o1, o2] = NoiseSymmetricState::hkdf2(QByteArray(), QByteArray(22, '\x0b'));
        QCOMPARE((o1 + o2).left(42).toHex(),
                 QByteArray("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"));
    }

    void handshakeAndTransport() {
        Pair p;
        p.run();
        QVERIFY(p.init.isEstablished());
        QVERIFY(p.resp.isEstablished());
        QCOMPARE(p.init.remote().publicKey, p.kr.publicKey());
        QCOMPARE(p.resp.remote().publicKey, p.ki.publicKey());
        QVERIFY(p.init.earlyMuxer().isEmpty());
        // Both directions, including a write larger than one frame.
        QByteArray big(200000, Qt::Uninitialized);
        for (int i = 0; i < big.size(); ++i) big[i] = char(i * 31);
        QByteArray wire = p.init.encrypt(big);
        // frames: 2-byte length, each at most 65535
        int frames = 0;
        for (qsizetype pos = 0; pos < wire.size(); ++frames) {
            const int len = (uint8_t(wire[pos]) << 8) | uint8_t(wire[pos + 1]);
            QVERIFY(len <= NoiseSession::kMaxFrame);
            pos += 2 + len;
        }
        QCOMPARE(frames, 4);  // ceil(200000 / 65519)
        QByteArray out, plain;
        for (qsizetype i = 0; i < wire.size(); i += 1000) QVERIFY(p.resp.feed(wire.mid(i, 1000), out, plain));
        QCOMPARE(plain, big);
        QByteArray back;
        QVERIFY(p.init.feed(p.resp.encrypt("pong"), out, back));
        QCOMPARE(back, QByteArray("pong"));
        QVERIFY(out.isEmpty());
    }

    void earlyMuxerNegotiation() {
        Pair both({"/yamux/1.0.0"}, {"/mplex/6.7.0", "/yamux/1.0.0"});
        both.run();
        QCOMPARE(both.init.earlyMuxer(), QStringLiteral("/yamux/1.0.0"));
        QCOMPARE(both.resp.earlyMuxer(), QStringLiteral("/yamux/1.0.0"));
        Pair one({"/yamux/1.0.0"}, {});
        one.run();
        QVERIFY(one.init.isEstablished() && one.resp.isEstablished());
        QVERIFY(one.init.earlyMuxer().isEmpty() && one.resp.earlyMuxer().isEmpty());
        Pair none({"/yamux/1.0.0"}, {"/mplex/6.7.0"});
        none.run();
        QVERIFY(none.init.hasFailed());
        QCOMPARE(none.init.error()->reason, NetReject::NoiseMuxerMismatch);
    }

    void expectedPeerMismatchStopsBeforeMessage3() {
        const Ed25519Key someoneElse = Ed25519Key::generate();
        Pair p({}, {}, someoneElse.publicKey());
        QByteArray m1 = p.init.start(), m2, m3, plain;
        QVERIFY(p.resp.feed(m1, m2, plain));
        QVERIFY(!p.init.feed(m2, m3, plain));
        QCOMPARE(p.init.error()->reason, NetReject::NoisePeerMismatch);
        QVERIFY(m3.isEmpty());  // our identity was never revealed
        QVERIFY(p.init.error()->message.contains(peerIdFromPublicKey(p.kr.publicKey())));
        // expecting the right peer works
        Pair ok({}, {}, std::nullopt);
        NoiseSession pinned(true, ok.ki, {}, ok.kr.publicKey());
        QByteArray a = pinned.start(), b, c;
        QVERIFY(ok.resp.feed(a, b, plain));
        QVERIFY(pinned.feed(b, c, plain));
        QVERIFY(pinned.isEstablished());
    }

    void payloadRefusals() {
        const Ed25519Key id = Ed25519Key::generate();
        const X25519Key s = X25519Key::generate(), other = X25519Key::generate();
        NoiseRemoteIdentity r;
        const QByteArray good = buildNoisePayload(id, s.publicKey(), {});
        QVERIFY(!verifyNoisePayload(good, s.publicKey(), r));
        QCOMPARE(r.publicKey, id.publicKey());
        // signature over another static key
        QCOMPARE(verifyNoisePayload(good, other.publicKey(), r)->reason, NetReject::NoiseBadSignature);
        // not a protobuf / missing fields
        QCOMPARE(verifyNoisePayload("\xff\xff\xff", s.publicKey(), r)->reason, NetReject::NoiseBadPayload);
        QCOMPARE(verifyNoisePayload(QByteArray(), s.publicKey(), r)->reason, NetReject::NoiseBadPayload);
        // an RSA identity
        deltanode::p2p::PublicKey rsa;
        rsa.set_type(deltanode::p2p::RSA);
        rsa.set_data(std::string(64, 'k'));
        deltanode::p2p::NoiseHandshakePayload p;
        p.set_identity_key(rsa.SerializeAsString());
        p.set_identity_sig(std::string(64, 's'));
        QCOMPARE(verifyNoisePayload(QByteArray::fromStdString(p.SerializeAsString()), s.publicKey(), r)->reason,
                 NetReject::NoiseUnsupportedKey);
    }

    void tamperedHandshakeRefused() {
        Pair p;
        QByteArray m1 = p.init.start(), m2, m3, plain;
        QVERIFY(p.resp.feed(m1, m2, plain));
        m2[m2.size() - 5] = char(m2[m2.size() - 5] ^ 1);  // inside the encrypted payload
        QVERIFY(!p.init.feed(m2, m3, plain));
        QCOMPARE(p.init.error()->reason, NetReject::NoiseBadHandshake);
    }

    void tamperedTransportRefused() {
        Pair p;
        p.run();
        QByteArray wire = p.init.encrypt("secret"), out, plain;
        wire[4] = char(wire[4] ^ 0x40);
        QVERIFY(!p.resp.feed(wire, out, plain));
        QCOMPARE(p.resp.error()->reason, NetReject::NoiseDecryptFailed);
        QVERIFY(plain.isEmpty());
        // A failed session stays failed.
        QVERIFY(!p.resp.feed(p.init.encrypt("more"), out, plain));
    }

    void shortFramesRefused() {
        {  // message 1 shorter than an ephemeral key
            NoiseSession resp(false, Ed25519Key::generate());
            QByteArray out, plain;
            QVERIFY(!resp.feed(QByteArray::fromHex("0003aabbcc"), out, plain));
            QCOMPARE(resp.error()->reason, NetReject::NoiseBadFrame);
        }
        {  // transport frame shorter than its tag
            Pair p;
            p.run();
            QByteArray out, plain;
            QVERIFY(!p.resp.feed(QByteArray::fromHex("0005") + QByteArray(5, 'x'), out, plain));
            QCOMPARE(p.resp.error()->reason, NetReject::NoiseBadFrame);
        }
    }

    void partialFramesWait() {
        NoiseSession resp(false, Ed25519Key::generate());
        QByteArray out, plain;
        // A length promising 65535 bytes: buffered, bounded, no reply yet.
        QVERIFY(resp.feed(QByteArray::fromHex("ffff") + QByteArray(1000, 'a'), out, plain));
        QVERIFY(out.isEmpty());
        QVERIFY(resp.pendingBytes() <= NoiseSession::kMaxFrame + 2);
    }
};

QTEST_GUILESS_MAIN(TstNoise)
#include "tst_noise.moc"
