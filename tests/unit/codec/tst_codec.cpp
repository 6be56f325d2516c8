// Envelopes: seal/open round trip, one crafted envelope per reject reason,
// reject counters, concurrency, and a crash-resistance sweep.
#include "CodecTestUtil.h"
#include "codec/DeltaCodec.h"
#include "codec/Envelope.h"
#include "crypto/Aead.h"
#include "crypto/XAead.h"
#include "crypto/Random.h"
#include "crypto/Sha256.h"
#include "deltanode.pb.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QtTest>

#include <algorithm>
#include <functional>
#include <thread>

using namespace dn;
using namespace dn::test;
namespace pb = deltanode::pb;

Q_DECLARE_METATYPE(dn::RejectReason)

namespace {

QByteArray mutate(const QByteArray &envelope, const std::function<void(pb::DeltaEnvelope &)> &f) {
    pb::DeltaEnvelope e;
    if (!e.ParseFromArray(envelope.constData(), static_cast<int>(envelope.size()))) qFatal("bad test envelope");
    f(e);
    const std::string s = e.SerializeAsString();
    return QByteArray(s.data(), static_cast<qsizetype>(s.size()));
}

QByteArray signedMsg(const Hash32 &ctx, const QByteArray &id) {
    return QByteArray("deltanode/delta/1") + ctx.toByteArray() + id;
}

// Reason of a failed open; nullopt if the envelope was accepted.
std::optional<RejectReason> reasonOf(const OpenResult &r) {
    if (auto *e = std::get_if<OpenError>(&r)) return e->reason;
    return std::nullopt;
}

}  // namespace

class TestCodec : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void sealOpenRoundTrip();
    void peekHeader();
    void rejects_data();
    void rejects();
    void oversizedValue();
    void rejectReasonNames();
    void rejectCounters();
    void epochsAndSuites();
    void governanceRoundTrip();
    void openConcurrently();
    void fuzzNeverCrashes();
    void timings();

private:
    Ed25519Key author_, other_;
    Hash32 ctx_;
    QByteArray key_;
    DeltaBody body_;
    SealedDelta sealed_;
};

void TestCodec::epochsAndSuites() {
    // Deltas from before the trust model (ChaCha20, 12-byte nonce) still open.
    const SealedDelta old = sealDelta(body_, author_, key_, EnvelopeSuite::ChaCha20Ietf);
    auto parsedOld = parseEnvelope(old.envelopeBytes);
    QVERIFY(parsedOld);
    QCOMPARE(parsedOld->header.suite, EnvelopeSuite::ChaCha20Ietf);
    QCOMPARE(parsedOld->nonce.size(), size_t(12));
    QVERIFY(std::holds_alternative<Delta>(openEnvelope(*parsedOld, KeyRing(key_), ctx_)));
    // New ones: XChaCha20, 24-byte nonce, the epoch in header and body.
    DeltaBody b = body_;
    b.epoch = 2;
    const QByteArray key2 = randomBytes(32);
    const SealedDelta fresh = sealDelta(b, author_, key2);
    auto parsed = parseEnvelope(fresh.envelopeBytes);
    QVERIFY(parsed);
    QCOMPARE(parsed->header.suite, EnvelopeSuite::XChaCha20);
    QCOMPARE(parsed->header.epoch, 2u);
    QCOMPARE(parsed->nonce.size(), size_t(24));
    // A ring without epoch 2: unknown epoch, whatever else it holds.
    KeyRing ring(key_);
    QCOMPARE(reasonOf(openEnvelope(*parsed, ring, ctx_)), RejectReason::UnknownEpoch);
    // Two keys of epoch 2 (concurrent removals): the right one opens.
    ring.add({2, randomBytes(32), sha256("one removal")});
    QCOMPARE(reasonOf(openEnvelope(*parsed, ring, ctx_)), RejectReason::DecryptFailed);
    ring.add({2, key2, sha256("another removal")});
    auto opened = openEnvelope(*parsed, ring, ctx_);
    QVERIFY(std::holds_alternative<Delta>(opened));
    QCOMPARE(std::get<Delta>(opened).body.epoch, 2u);
    // The clear header's epoch is checked against the signed body.
    const QByteArray lying = mutate(fresh.envelopeBytes, [](auto &e) { e.set_epoch(0); });
    QCOMPARE(reasonOf(openEnvelope(lying, key2, ctx_)), RejectReason::HeaderMismatch);
    // The suite is not a free choice: the wrong one does not decrypt (or parse).
    const QByteArray otherSuite = mutate(fresh.envelopeBytes, [](auto &e) { e.set_suite(0); });
    QCOMPARE(reasonOf(openEnvelope(otherSuite, key2, ctx_)), RejectReason::Malformed);
    QCOMPARE(reasonOf(openEnvelope(mutate(fresh.envelopeBytes, [](auto &e) { e.set_suite(7); }), key2, ctx_)),
             RejectReason::Malformed);
}

void TestCodec::governanceRoundTrip() {
    DeltaBody b = body_;
    b.actions.clear();
    Governance g;
    g.kind = Governance::Kind::MemberRemove;
    g.peer = other_.publicKey();
    g.nextEpoch = 3;
    g.keys = {{author_.publicKey(), QByteArray(80, 's')}};
    b.governance = g;
    b.epoch = 2;
    b.govParents = {sha256("g1"), sha256("g2")};
    auto back = decodeBody(encodeBody(b));
    QVERIFY(back);
    QVERIFY(*back == b);
    // Bounds: a sealed key of the wrong size, an unknown kind.
    pb::DeltaBody msg;
    const QByteArray bytes = encodeBody(b);
    QVERIFY(msg.ParseFromArray(bytes.constData(), int(bytes.size())));
    msg.mutable_governance()->mutable_keys(0)->set_sealed(std::string(79, 's'));
    QCOMPARE(decodeBody(QByteArray::fromStdString(msg.SerializeAsString())).error().code, ErrorCode::Malformed);
    msg.mutable_governance()->mutable_keys(0)->set_sealed(std::string(80, 's'));
    msg.mutable_governance()->set_kind(9);
    QCOMPARE(decodeBody(QByteArray::fromStdString(msg.SerializeAsString())).error().code, ErrorCode::Malformed);
    // A body from before the trust model encodes to the same bytes (same id).
    // proto3 leaves default fields out, so such a body has no bytes for them.
    pb::DeltaBody plain;
    const QByteArray plainBytes = encodeBody(body_);
    QVERIFY(plain.ParseFromArray(plainBytes.constData(), int(plainBytes.size())));
    QVERIFY(!plain.has_governance());
    QCOMPARE(plain.gov_parents_size(), 0);
    QCOMPARE(QByteArray::fromStdString(plain.SerializeAsString()), plainBytes);
    QCOMPARE(decodeBody(plainBytes)->epoch, 0u);
}

void TestCodec::initTestCase() {
    author_ = Ed25519Key::generate();
    other_ = Ed25519Key::generate();
    ctx_ = Ed25519Key::generate().publicKey();
    key_ = randomBytes(32);
    body_ = sampleBody(author_, ctx_);
    sealed_ = sealDelta(body_, author_, key_);
}

void TestCodec::sealOpenRoundTrip() {
    QCOMPARE(sealed_.delta.bodyBytes, encodeBody(body_));
    QCOMPARE(sealed_.delta.id, sha256(sealed_.delta.bodyBytes));
    auto opened = openEnvelope(sealed_.envelopeBytes, key_, ctx_);
    auto *d = std::get_if<Delta>(&opened);
    QVERIFY2(d, d ? "" : qPrintable(std::get<OpenError>(opened).message));
    QCOMPARE(d->id, sealed_.delta.id);
    QCOMPARE(d->body, body_);
    QCOMPARE(d->bodyBytes, sealed_.delta.bodyBytes);
    QCOMPARE(d->id, sha256(d->bodyBytes));  // id hashes the exact bytes received
    // The body travels encrypted: its bytes do not appear in the envelope.
    QVERIFY(!sealed_.envelopeBytes.contains(sealed_.delta.bodyBytes));
    QVERIFY(!sealed_.envelopeBytes.contains("Inserted"));
    // Fresh nonce per seal: same body, different envelope, same id.
    SealedDelta again = sealDelta(body_, author_, key_);
    QCOMPARE(again.delta.id, sealed_.delta.id);
    QVERIFY(again.envelopeBytes != sealed_.envelopeBytes);
    // Genesis opens.
    DeltaBody g = body_;
    g.parents = {Hash32::zero()};
    QVERIFY(std::holds_alternative<Delta>(openEnvelope(sealDelta(g, author_, key_).envelopeBytes, key_, ctx_)));
}

void TestCodec::peekHeader() {
    auto h = peekEnvelope(sealed_.envelopeBytes);
    QVERIFY(h.ok());
    QCOMPARE(h->contextId, ctx_);
    QCOMPARE(h->id, sealed_.delta.id);
    QCOMPARE(h->parents, body_.parents);
    QCOMPARE(h->author, author_.publicKey());
    QCOMPARE(h->hlc, body_.hlc);
    auto bad = peekEnvelope("not an envelope at all");
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().code, ErrorCode::Malformed);
    CodecLimits tiny;
    tiny.maxEnvelopeBytes = 100;
    auto big = peekEnvelope(sealed_.envelopeBytes, tiny);
    QVERIFY(!big.ok());
    QCOMPARE(big.error().code, ErrorCode::Oversized);

    // Parsed once, opened later (the receive path): the same header, the
    // bytes kept as received, and the same delta as opening the bytes.
    auto parsed = parseEnvelope(sealed_.envelopeBytes);
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->header.id, h->id);
    QCOMPARE(parsed->header.parents, h->parents);
    QCOMPARE(parsed->bytes, sealed_.envelopeBytes);
    auto opened = openEnvelope(*parsed, key_, ctx_);
    QVERIFY(std::holds_alternative<Delta>(opened));
    QCOMPARE(std::get<Delta>(opened).body, body_);
    QCOMPARE(parseEnvelope("not an envelope at all").error().code, ErrorCode::Malformed);
    QCOMPARE(parseEnvelope(sealed_.envelopeBytes, tiny).error().code, ErrorCode::Oversized);
}

void TestCodec::rejects_data() {
    QTest::addColumn<QByteArray>("envelope");
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<Hash32>("expectedContext");
    QTest::addColumn<int>("maxEnvelope");
    QTest::addColumn<RejectReason>("reason");

    const QByteArray env = sealed_.envelopeBytes;
    const Hash32 ctx = ctx_;
    const QByteArray key = key_;
    auto row = [&](const char *name, const QByteArray &e, RejectReason r, QByteArray k = {}, int maxEnv = 0,
                   std::optional<Hash32> expect = std::nullopt) {
        QTest::newRow(name) << e << (k.isEmpty() ? key : k) << expect.value_or(ctx) << maxEnv << r;
    };

    row("random bytes", randomBytes(300), RejectReason::Malformed);
    row("truncated", env.left(env.size() - 10), RejectReason::Malformed);
    row("empty", QByteArray(), RejectReason::Malformed);
    row("short nonce", mutate(env, [](auto &e) { e.set_nonce("123"); }), RejectReason::Malformed);
    row("short id", mutate(env, [](auto &e) { e.set_id(std::string(31, 'i')); }), RejectReason::Malformed);
    row("envelope over limit", env, RejectReason::Oversized, {}, 64);
    row("wrong expected context", env, RejectReason::WrongContext, {}, 0, randomHash());

    // Forged: re-signed by another key, author field left as is.
    const QByteArray id = sealed_.delta.id.toByteArray();
    row("signed by another key", mutate(env, [&](auto &e) { e.set_signature(str(other_.sign(signedMsg(ctx, id)))); }),
        RejectReason::BadSignature);
    // Changing the id invalidates the author's signature.
    const QByteArray otherId = randomBytes(32);
    row("id changed", mutate(env, [&](auto &e) { e.set_id(str(otherId)); }), RejectReason::BadSignature);
    // ... even if re-signed, the ciphertext was bound to the old id (aad).
    row("id changed and re-signed",
        mutate(env, [&](auto &e) {
            e.set_id(str(otherId));
            e.set_signature(str(author_.sign(signedMsg(ctx, otherId))));
        }),
        RejectReason::DecryptFailed);
    // ... and if the author also re-encrypts, the id no longer hashes the body.
    row("id not the body hash",
        mutate(env, [&](auto &e) {
            const QByteArray nonce = randomBytes(kXAeadNonceSize);
            e.set_id(str(otherId));
            e.set_nonce(str(nonce));
            e.set_ciphertext(str(xaeadSeal(key, nonce, sealed_.delta.bodyBytes, ctx.toByteArray() + otherId)));
            e.set_signature(str(author_.sign(signedMsg(ctx, otherId))));
        }),
        RejectReason::IdMismatch);
    row("flipped ciphertext byte",
        mutate(env, [](auto &e) { e.mutable_ciphertext()->at(5) ^= 0x01; }), RejectReason::DecryptFailed);
    row("flipped tag byte",
        mutate(env, [](auto &e) { e.mutable_ciphertext()->back() ^= 0x80; }), RejectReason::DecryptFailed);
    row("wrong context key", env, RejectReason::DecryptFailed, randomBytes(32));
    row("header parent differs", mutate(env, [](auto &e) { e.set_parents(0, std::string(32, '\x07')); }),
        RejectReason::HeaderMismatch);
    row("header parent dropped", mutate(env, [](auto &e) { e.mutable_parents()->RemoveLast(); }),
        RejectReason::HeaderMismatch);
    row("header hlc differs", mutate(env, [](auto &e) { e.set_hlc(e.hlc() + 1); }), RejectReason::HeaderMismatch);
    // Another member signs (validly) an envelope around our body: the body
    // still names the real author.
    row("header author differs",
        mutate(env, [&](auto &e) {
            e.set_author(str(other_.publicKey().toByteArray()));
            e.set_signature(str(other_.sign(signedMsg(ctx, id))));
        }),
        RejectReason::HeaderMismatch);

    DeltaBody parentless = body_;
    parentless.parents.clear();
    row("parentless", sealDelta(parentless, author_, key_).envelopeBytes, RejectReason::Parentless);
    DeltaBody tooMany = body_;
    tooMany.parents.assign(257, Hash32::zero());
    row("too many parents", sealDelta(tooMany, author_, key_).envelopeBytes, RejectReason::Oversized);
}

void TestCodec::rejects() {
    QFETCH(QByteArray, envelope);
    QFETCH(QByteArray, key);
    QFETCH(Hash32, expectedContext);
    QFETCH(int, maxEnvelope);
    QFETCH(RejectReason, reason);
    CodecLimits limits;
    if (maxEnvelope) limits.maxEnvelopeBytes = maxEnvelope;
    auto r = openEnvelope(envelope, key, expectedContext, limits);
    auto *err = std::get_if<OpenError>(&r);
    QVERIFY2(err, "envelope was accepted");
    QVERIFY2(err->reason == reason, qPrintable(QStringLiteral("got %1 (%2), expected %3")
                                                    .arg(QLatin1String(rejectReasonName(err->reason)), err->message,
                                                         QLatin1String(rejectReasonName(reason)))));
    QVERIFY(!err->message.isEmpty());
    // The parse-once path refuses it for the same reason, at parse or at open.
    auto parsed = parseEnvelope(envelope, limits);
    if (!parsed) {
        QCOMPARE(parsed.error().code, errorCodeOf(reason));
    } else {
        auto again = openEnvelope(*parsed, key, expectedContext, limits);
        QVERIFY(std::holds_alternative<OpenError>(again));
        QCOMPARE(std::get<OpenError>(again).reason, reason);
    }
}

void TestCodec::oversizedValue() {
    DeltaBody b = body_;
    b.actions = {Action::put("big", QByteArray(10 * 1024 * 1024, 'v'))};
    QVERIFY(std::holds_alternative<Delta>(openEnvelope(sealDelta(b, author_, key_).envelopeBytes, key_, ctx_)));
    b.actions[0].value.append('v');
    auto r = openEnvelope(sealDelta(b, author_, key_).envelopeBytes, key_, ctx_);
    QCOMPARE(reasonOf(r), RejectReason::Oversized);
    b.actions[0].value = QByteArray(17 * 1024 * 1024, 'v');  // whole envelope over 16 MiB
    QCOMPARE(reasonOf(openEnvelope(sealDelta(b, author_, key_).envelopeBytes, key_, ctx_)), RejectReason::Oversized);
}

void TestCodec::rejectReasonNames() {
    QCOMPARE(rejectReasonName(RejectReason::BadSignature), "bad_signature");
    QCOMPARE(rejectReasonName(RejectReason::DecryptFailed), "decrypt_failed");
    QStringList names;
    for (size_t i = 0; i < kRejectReasonCount; ++i) {
        const QString n = QLatin1String(rejectReasonName(static_cast<RejectReason>(i)));
        QVERIFY(!n.isEmpty() && n != QLatin1String("unknown") && n == n.toLower() && !n.contains(QLatin1Char(' ')));
        names << n;
    }
    names.removeDuplicates();
    QCOMPARE(static_cast<size_t>(names.size()), kRejectReasonCount);
}

void TestCodec::rejectCounters() {
    RejectCounters c;
    QCOMPARE(c.total(), 0u);
    c.add(RejectReason::BadSignature);
    c.add(RejectReason::BadSignature);
    c.add(RejectReason::Parentless);
    QCOMPARE(c.count(RejectReason::BadSignature), 2u);
    QCOMPARE(c.count(RejectReason::Parentless), 1u);
    QCOMPARE(c.count(RejectReason::Malformed), 0u);
    QCOMPARE(c.total(), 3u);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&c, t] {
            for (int i = 0; i < 10000; ++i) c.add(static_cast<RejectReason>((i + t) % kRejectReasonCount));
        });
    for (auto &th : threads) th.join();
    QCOMPARE(c.total(), 40003u);
    uint64_t malformed = 0;  // the adds above that landed on Malformed
    for (int t = 0; t < 4; ++t)
        for (int i = 0; i < 10000; ++i) malformed += (i + t) % int(kRejectReasonCount) == int(RejectReason::Malformed);
    QCOMPARE(c.count(RejectReason::Malformed), malformed);
}

void TestCodec::openConcurrently() {
    std::atomic<int> bad{0};
    std::vector<std::thread> threads;
    const QByteArray forged = mutate(sealed_.envelopeBytes, [&](auto &e) { e.set_signature(std::string(64, 's')); });
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 100; ++i) {
                auto ok = openEnvelope(sealed_.envelopeBytes, key_, ctx_);
                if (!std::holds_alternative<Delta>(ok) || std::get<Delta>(ok).body != body_) ++bad;
                if (reasonOf(openEnvelope(forged, key_, ctx_)) != RejectReason::BadSignature) ++bad;
                sealDelta(body_, author_, key_);
            }
        });
    for (auto &th : threads) th.join();
    QCOMPARE(bad.load(), 0);
}

// Random bytes, every truncation, and random bit flips of a valid envelope:
// each must come back as a rejection, never a crash or an accepted delta.
void TestCodec::fuzzNeverCrashes() {
    QRandomGenerator rng(12345);  // fixed seed: reproducible
    const QByteArray env = sealed_.envelopeBytes;
    RejectCounters counters;
    int accepted = 0, runs = 0;
    auto check = [&](const QByteArray &bytes) {
        ++runs;
        auto r = openEnvelope(bytes, key_, ctx_);
        if (auto *e = std::get_if<OpenError>(&r)) counters.add(e->reason);
        else ++accepted;
        (void)peekEnvelope(bytes);
    };
    for (int i = 0; i < 4000; ++i) {
        QByteArray b(static_cast<qsizetype>(rng.bounded(600)), Qt::Uninitialized);
        for (char &c : b) c = static_cast<char>(rng.bounded(256));
        check(b);
    }
    for (qsizetype n = 0; n < env.size(); ++n) check(env.left(n));
    while (runs < 10000) {
        QByteArray b = env;
        const int flips = 1 + static_cast<int>(rng.bounded(3));
        for (int f = 0; f < flips; ++f) b[rng.bounded(static_cast<int>(b.size()))] ^= static_cast<char>(1 << rng.bounded(8));
        check(b);
    }
    QCOMPARE(accepted, 0);
    QCOMPARE(counters.total(), static_cast<uint64_t>(runs));
    QVERIFY(counters.count(RejectReason::Malformed) > 0);
    qInfo("fuzz: %d inputs; malformed %llu, bad_signature %llu, decrypt_failed %llu, header_mismatch %llu, other %llu",
          runs, (unsigned long long)counters.count(RejectReason::Malformed),
          (unsigned long long)counters.count(RejectReason::BadSignature),
          (unsigned long long)counters.count(RejectReason::DecryptFailed),
          (unsigned long long)counters.count(RejectReason::HeaderMismatch),
          (unsigned long long)(counters.total() - counters.count(RejectReason::Malformed) -
                               counters.count(RejectReason::BadSignature) - counters.count(RejectReason::DecryptFailed) -
                               counters.count(RejectReason::HeaderMismatch)));
}

// Informational only (machines differ): median cost of sealing and opening a
// delta with a ~100-byte body.
void TestCodec::timings() {
    DeltaBody b;
    b.contextId = ctx_;
    b.parents = {randomHash()};
    b.actions = {Action::put("key1", QByteArray(8, 'v'))};
    b.hlc = 1;
    b.author = author_.publicKey();
    const int n = 501;
    std::vector<qint64> sealNs, openNs;
    QElapsedTimer t;
    SealedDelta s;
    for (int i = 0; i < n; ++i) {
        t.start();
        s = sealDelta(b, author_, key_);
        sealNs.push_back(t.nsecsElapsed());
        t.start();
        auto r = openEnvelope(s.envelopeBytes, key_, ctx_);
        openNs.push_back(t.nsecsElapsed());
        QVERIFY(std::holds_alternative<Delta>(r));
    }
    std::sort(sealNs.begin(), sealNs.end());
    std::sort(openNs.begin(), openNs.end());
    qInfo("body %lld bytes, envelope %lld bytes: sealDelta median %.1f us, openEnvelope median %.1f us",
          (long long)s.delta.bodyBytes.size(), (long long)s.envelopeBytes.size(), sealNs[n / 2] / 1000.0,
          openNs[n / 2] / 1000.0);
}

QTEST_GUILESS_MAIN(TestCodec)
#include "tst_codec.moc"

