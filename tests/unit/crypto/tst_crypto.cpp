// Known-answer tests for the crypto primitives (RFC vectors, libp2p spec
// vectors) plus tamper checks: each wrong input must be refused.
#include "crypto/Aead.h"
#include "crypto/Base58.h"
#include "crypto/Ed25519.h"
#include "crypto/Hash32.h"
#include "crypto/PeerId.h"
#include "crypto/Random.h"
#include "crypto/Sha256.h"

#include <QtTest>
#include <openssl/evp.h>

#include <atomic>
#include <thread>
#include <vector>

using namespace dn;

namespace {
QByteArray hex(const char *h) { return QByteArray::fromHex(h); }
Hash32 hash32(const char *h) { return *Hash32::fromBytes(hex(h)); }
QByteArray flipBit(QByteArray b, qsizetype i, int bit = 0) {
    b[i] = static_cast<char>(b[i] ^ (1 << bit));
    return b;
}
}  // namespace

class TestCrypto : public QObject {
    Q_OBJECT
private slots:
    void sha256Abc();
    void sha256Incremental();
    void base58Vectors_data();
    void base58Vectors();
    void base58Rejects();
    void hash32Base58();
    void ed25519Rfc8032Vector1();
    void ed25519SignVerifyTamper();
    void ed25519SignaturesEqualOpenSsl();
    void ed25519WrongSizes();
    void ed25519CopiesShareKeyAcrossThreads();
    void aeadRfc8439();
    void aeadTamper();
    void randomBytesSizes();
    void peerIdSpecVector();
    void peerIdRoundTrip();
    void peerIdRejects();
    void peerIdValue();
};

void TestCrypto::sha256Abc() {
    QCOMPARE(sha256("abc").toHex(),
             QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    QCOMPARE(sha256(QByteArrayView()).toHex(),
             QStringLiteral("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
}

void TestCrypto::sha256Incremental() {
    const QByteArray msg = randomBytes(10000);
    Sha256 h;
    for (qsizetype i = 0; i < msg.size(); i += 777) h.add(msg.mid(i, 777));
    QCOMPARE(h.finish(), sha256(msg));
    // finish() resets: the same object hashes the next message from scratch.
    h.add("a");
    h.add("bc");
    QCOMPARE(h.finish(), sha256("abc"));
    Sha256 moved = std::move(h);
    moved.add("abc");
    QCOMPARE(moved.finish(), sha256("abc"));
}

void TestCrypto::base58Vectors_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QByteArray() << QString();
    QTest::newRow("hello") << QByteArray("Hello World!") << QStringLiteral("2NEpo7TZRRrLZSi2U");
    QTest::newRow("fox") << QByteArray("The quick brown fox jumps over the lazy dog.")
                         << QStringLiteral("USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z");
    QTest::newRow("leading zeros") << hex("0000287fb4cd") << QStringLiteral("11233QC4");
    QTest::newRow("one zero") << hex("00") << QStringLiteral("1");
    QTest::newRow("all zeros") << hex("000000") << QStringLiteral("111");
    QTest::newRow("0x39") << hex("39") << QStringLiteral("z");
    QTest::newRow("0x3a") << hex("3a") << QStringLiteral("21");
}

void TestCrypto::base58Vectors() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, text);
    QCOMPARE(base58Encode(bytes), text);
    auto back = base58Decode(text);
    QVERIFY(back);
    QCOMPARE(*back, bytes);
}

void TestCrypto::base58Rejects() {
    for (const char *bad : {"0", "O", "I", "l", "2NEpo7TZ RRrLZSi2U", "abc+", "é"})
        QVERIFY2(!base58Decode(QString::fromUtf8(bad)), bad);
    QVERIFY(base58Decode(QString(4096, QLatin1Char('z'))));
    QVERIFY(!base58Decode(QString(4097, QLatin1Char('z'))));
    QVERIFY(base58Decode(QString(5000, QLatin1Char('z')), 5000));
    // Round trip of random data of many lengths, including leading zeros.
    for (int n = 0; n < 80; ++n) {
        QByteArray b = randomBytes(n);
        if (n % 3 == 0 && n > 0) b[0] = 0;
        QCOMPARE(*base58Decode(base58Encode(b)), b);
    }
}

void TestCrypto::hash32Base58() {
    const Hash32 h = sha256("abc");
    const QString s = h.toBase58();
    QCOMPARE(Hash32::fromBase58(s), h);
    QCOMPARE(Hash32::fromBase58(Hash32::zero().toBase58()), Hash32::zero());
    QCOMPARE(Hash32::zero().toBase58(), QString(32, QLatin1Char('1')));
    QVERIFY(!Hash32::fromBase58(base58Encode(randomBytes(31))));
    QVERIFY(!Hash32::fromBase58(base58Encode(QByteArray(1, '\x01') + h.toByteArray())));
    QVERIFY(!Hash32::fromBase58(QStringLiteral("0") + s.mid(1)));
    QVERIFY(!Hash32::fromBase58(QString()));
}

void TestCrypto::ed25519Rfc8032Vector1() {
    const QByteArray seed = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    auto key = Ed25519Key::fromSeed(seed);
    QVERIFY(key);
    QCOMPARE(key->publicKey(), hash32("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
    QCOMPARE(key->seed(), seed);
    const QByteArray expected = hex(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46b"
        "d25bf5f0595bbe24655141438e7a100b");
    QCOMPARE(key->sign(QByteArrayView()), expected);
    QVERIFY(ed25519Verify(key->publicKey(), QByteArrayView(), expected));
    QVERIFY(!ed25519Verify(key->publicKey(), "x", expected));
}

void TestCrypto::ed25519SignVerifyTamper() {
    const Ed25519Key a = Ed25519Key::generate();
    const Ed25519Key b = Ed25519Key::generate();
    QVERIFY(a.isValid());
    QVERIFY(a.publicKey() != b.publicKey());
    const QByteArray msg = "deltanode/delta/1 something";
    const QByteArray sig = a.sign(msg);
    QCOMPARE(sig.size(), 64);
    QVERIFY(ed25519Verify(a.publicKey(), msg, sig));
    QVERIFY(!ed25519Verify(b.publicKey(), msg, sig));
    QVERIFY(!ed25519Verify(a.publicKey(), flipBit(msg, 3), sig));
    for (qsizetype i : {0, 31, 32, 63}) QVERIFY(!ed25519Verify(a.publicKey(), msg, flipBit(sig, i, 5)));
    // A seed round trip gives the same key.
    auto again = Ed25519Key::fromSeed(a.seed());
    QVERIFY(again);
    QCOMPARE(again->publicKey(), a.publicKey());
    QVERIFY(ed25519Verify(a.publicKey(), msg, again->sign(msg)));
}

// Signing uses libsodium, keys and verification OpenSSL. Ed25519 is
// deterministic, so for every key and message both must give the same bytes
// (RFC 8032 test 2 and 3 messages, a delta-sized one, a long one).
void TestCrypto::ed25519SignaturesEqualOpenSsl() {
    const QByteArray seed2 = hex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
    auto rfc2 = Ed25519Key::fromSeed(seed2);
    QVERIFY(rfc2);
    QCOMPARE(rfc2->sign(hex("72")),
             hex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c"
                 "387b2eaeb4302aeeb00d291612bb0c00"));
    for (int i = 0; i < 20; ++i) {
        const Ed25519Key key = Ed25519Key::generate();
        const QByteArray msg = i == 0 ? hex("af82") : randomBytes(i < 10 ? 81 : 1000 * i);
        const QByteArray seed = key.seed();
        EVP_PKEY *pkey = EVP_PKEY_new_raw_private_key_ex(nullptr, "ED25519", nullptr,
                                                         reinterpret_cast<const unsigned char *>(seed.data()), 32);
        QVERIFY(pkey);
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        QByteArray expected(64, '\0');
        size_t len = 64;
        const bool ok = EVP_DigestSignInit_ex(ctx, nullptr, nullptr, nullptr, nullptr, pkey, nullptr) == 1 &&
                        EVP_DigestSign(ctx, reinterpret_cast<unsigned char *>(expected.data()), &len,
                                       reinterpret_cast<const unsigned char *>(msg.data()), size_t(msg.size())) == 1;
        EVP_MD_CTX_free(ctx);
        EVP_PKEY_free(pkey);
        QVERIFY(ok);
        QCOMPARE(key.sign(msg), expected);
    }
}

void TestCrypto::ed25519WrongSizes() {
    const Ed25519Key a = Ed25519Key::generate();
    const QByteArray sig = a.sign("m");
    QVERIFY(!ed25519Verify(a.publicKey(), "m", sig.left(63)));
    QVERIFY(!ed25519Verify(a.publicKey(), "m", sig + '\0'));
    QVERIFY(!ed25519Verify(a.publicKey(), "m", QByteArray()));
    QVERIFY(!Ed25519Key::fromSeed(QByteArray(31, 'x')));
    QVERIFY(!Ed25519Key::fromSeed(QByteArray(33, 'x')));
    const Ed25519Key null;
    QVERIFY(!null.isValid());
    QVERIFY(null.sign("m").isEmpty());
    QVERIFY(null.seed().isEmpty());
    // An all-ones "public key" is not a point encoding every verifier accepts;
    // whatever OpenSSL decides, verification must fail without crashing.
    Hash32 junk;
    junk.bytes.fill(0xff);
    QVERIFY(!ed25519Verify(junk, "m", sig));
}

// Copies share one EVP_PKEY; several threads sign and verify with it at once
// (and with more distinct verify keys than the per-thread cache holds).
void TestCrypto::ed25519CopiesShareKeyAcrossThreads() {
    const Ed25519Key key = Ed25519Key::generate();
    std::vector<Ed25519Key> others;
    for (int i = 0; i < 40; ++i) others.push_back(Ed25519Key::generate());
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t, copy = key] {
            for (int i = 0; i < 200; ++i) {
                const QByteArray msg = QByteArray::number(t * 1000 + i);
                const Ed25519Key &signer = (i % 2) ? copy : others[(i * 7 + t) % others.size()];
                const QByteArray sig = signer.sign(msg);
                if (!ed25519Verify(signer.publicKey(), msg, sig)) ++failures;
                if (ed25519Verify(signer.publicKey(), msg + 'x', sig)) ++failures;
            }
        });
    }
    for (auto &th : threads) th.join();
    QCOMPARE(failures.load(), 0);
}

void TestCrypto::aeadRfc8439() {
    // RFC 8439 §2.8.2.
    const QByteArray pt =
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
        "sunscreen would be it.";
    const QByteArray aad = hex("50515253c0c1c2c3c4c5c6c7");
    const QByteArray key = hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    const QByteArray nonce = hex("070000004041424344454647");
    const QByteArray ct = hex(
        "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b"
        "1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
        "3ff4def08e4b7a9de576d26586cec64b6116");
    const QByteArray tag = hex("1ae10b594f09e26a7e902ecbd0600691");
    const QByteArray sealed = aeadSeal(key, nonce, pt, aad);
    QCOMPARE(sealed.toHex(), (ct + tag).toHex());
    auto opened = aeadOpen(key, nonce, sealed, aad);
    QVERIFY(opened);
    QCOMPARE(*opened, pt);
}

void TestCrypto::aeadTamper() {
    const QByteArray key = randomBytes(32), nonce = randomBytes(12);
    const QByteArray pt = "a delta body", aad = "ctx||id";
    const QByteArray sealed = aeadSeal(key, nonce, pt, aad);
    QCOMPARE(sealed.size(), pt.size() + kAeadTagSize);
    QVERIFY(aeadOpen(key, nonce, sealed, aad));
    QVERIFY(!aeadOpen(key, nonce, flipBit(sealed, 0), aad));               // ciphertext
    QVERIFY(!aeadOpen(key, nonce, flipBit(sealed, sealed.size() - 1), aad));  // tag
    QVERIFY(!aeadOpen(key, nonce, sealed, flipBit(aad, 2)));               // aad
    QVERIFY(!aeadOpen(key, nonce, sealed, QByteArray()));
    QVERIFY(!aeadOpen(key, flipBit(nonce, 11), sealed, aad));
    QVERIFY(!aeadOpen(flipBit(key, 0), nonce, sealed, aad));
    QVERIFY(!aeadOpen(key, nonce, sealed.left(sealed.size() - 1), aad));
    // Bad sizes.
    QVERIFY(!aeadOpen(key.left(31), nonce, sealed, aad));
    QVERIFY(!aeadOpen(key, nonce.left(8), sealed, aad));
    QVERIFY(!aeadOpen(key, nonce, sealed.left(15), aad));
    QVERIFY(aeadSeal(key.left(16), nonce, pt, aad).isEmpty());
    QVERIFY(aeadSeal(key, nonce + 'x', pt, aad).isEmpty());
    // Empty plaintext and empty aad are legal.
    const QByteArray tagOnly = aeadSeal(key, nonce, QByteArray(), QByteArray());
    QCOMPARE(tagOnly.size(), kAeadTagSize);
    auto empty = aeadOpen(key, nonce, tagOnly, QByteArray());
    QVERIFY(empty && empty->isEmpty());
}

void TestCrypto::randomBytesSizes() {
    QCOMPARE(dn::randomBytes(0).size(), 0);
    QCOMPARE(dn::randomBytes(-1).size(), 0);
    const QByteArray a = dn::randomBytes(32), b = dn::randomBytes(32);
    QCOMPARE(a.size(), 32);
    QVERIFY(a != b);
}

void TestCrypto::peerIdSpecVector() {
    // libp2p peer-ids spec test vector (Ed25519 private/public key protobufs).
    auto key = Ed25519Key::fromSeed(hex("7e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d"));
    QVERIFY(key);
    QCOMPARE(key->publicKey(), hash32("1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"));
    QCOMPARE(peerIdBytes(key->publicKey()).toHex(),
             QByteArray("0024080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"));
    QCOMPARE(peerIdFromPublicKey(key->publicKey()),
             QStringLiteral("12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"));
}

void TestCrypto::peerIdRoundTrip() {
    for (int i = 0; i < 20; ++i) {
        const Ed25519Key key = Ed25519Key::generate();
        const QString id = peerIdFromPublicKey(key.publicKey());
        QVERIFY2(id.startsWith(QLatin1String("12D3KooW")), qPrintable(id));
        QCOMPARE(publicKeyFromPeerId(id), key.publicKey());
        QCOMPARE(publicKeyFromPeerIdBytes(peerIdBytes(key.publicKey())), key.publicKey());
    }
}

void TestCrypto::peerIdRejects() {
    const Hash32 pub = Ed25519Key::generate().publicKey();
    const QByteArray good = peerIdBytes(pub);
    // A sha2-256 multihash (how RSA peer ids look: "Qm…").
    QVERIFY(!publicKeyFromPeerIdBytes(hex("1220") + sha256("x").toByteArray()));
    QVERIFY(!publicKeyFromPeerId(base58Encode(hex("1220") + sha256("x").toByteArray())));
    // secp256k1 key type (2) in an identity multihash.
    QByteArray secp = good;
    secp[3] = 0x02;
    QVERIFY(!publicKeyFromPeerIdBytes(secp));
    QVERIFY(!publicKeyFromPeerIdBytes(good.left(37)));
    QVERIFY(!publicKeyFromPeerIdBytes(good + '\0'));
    QVERIFY(!publicKeyFromPeerId(QStringLiteral("12D3KooW0000")));
    QVERIFY(!publicKeyFromPeerId(QString()));
    QVERIFY(!publicKeyFromPeerId(QString(200, QLatin1Char('z'))));
}

void TestCrypto::peerIdValue() {
    auto key = Ed25519Key::fromSeed(hex("7e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d"));
    QVERIFY(key);
    const PeerId id = PeerId::fromPublicKey(key->publicKey());
    QVERIFY(!id.isNull());
    QCOMPARE(id.bytes(), peerIdBytes(key->publicKey()));
    QCOMPARE(id.toBase58(), QStringLiteral("12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"));
    QCOMPARE(id.publicKey(), key->publicKey());
    QCOMPARE(PeerId::fromBase58(id.toBase58()), id);
    QCOMPARE(PeerId::fromBytes(id.bytes()), id);
    // Checked: only Ed25519 identity multihashes, canonical text.
    QVERIFY(!PeerId::fromBytes(hex("1220") + sha256("x").toByteArray()));
    QVERIFY(!PeerId::fromBytes(id.bytes().left(37)));
    QVERIFY(!PeerId::fromBase58(QStringLiteral("1") + id.toBase58()));
    QVERIFY(!PeerId::fromBase58(QStringLiteral("12D3KooW0000")));
    QVERIFY(!PeerId::fromBase58(QString()));
    // Null, ordering and hashing follow the bytes.
    QVERIFY(PeerId().isNull());
    QCOMPARE(PeerId().toBase58(), QString());
    const PeerId other = PeerId::fromPublicKey(Ed25519Key::generate().publicKey());
    QVERIFY(id != other);
    QCOMPARE(id < other, id.bytes() < other.bytes());
    QCOMPARE(qHash(id), qHash(PeerId::fromPublicKey(key->publicKey())));
    QCOMPARE(std::hash<PeerId>{}(id), std::hash<PeerId>{}(*PeerId::fromBase58(id.toBase58())));
    QSet<PeerId> set{id, other, id};
    QCOMPARE(set.size(), 2);
}

QTEST_GUILESS_MAIN(TestCrypto)
#include "tst_crypto.moc"
