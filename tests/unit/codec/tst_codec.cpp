// DeltaCodec, Envelope and Invitation: round trips, one crafted envelope per
// reject reason, invitation refusals, and a crash-resistance sweep.
#include "codec/DeltaCodec.h"
#include "codec/Envelope.h"
#include "codec/Invitation.h"
#include "crypto/Aead.h"
#include "crypto/Base58.h"
#include "crypto/PeerId.h"
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
namespace pb = deltanode::pb;

Q_DECLARE_METATYPE(dn::RejectReason)

namespace {

Hash32 randomHash() { return *Hash32::fromBytes(randomBytes(32)); }

DeltaBody sampleBody(const Ed25519Key &author, const Hash32 &ctx) {
    DeltaBody b;
    b.contextId = ctx;
    b.parents = {randomHash(), randomHash()};
    b.actions = {Action::put("k1", "v1"), Action::remove("k2"), Action::counterAdd("c", -42)};
    b.hlc = 0x6512345600010002ull;
    b.author = author.publicKey();
    b.events = {Event{"Inserted", "{\"k\":1}", {}}, Event{"Posted", "x", "on_post"}};
    return b;
}

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

std::string str(const QByteArray &b) { return b.toStdString(); }

// Reason of a failed open; fails the calling test if the open succeeded.
std::optional<RejectReason> reasonOf(const OpenResult &r) {
    if (auto *e = std::get_if<OpenError>(&r)) return e->reason;
    return std::nullopt;
}

}  // namespace

class TestCodec : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void bodyRoundTrip();
    void bodyLimits();
    void bodyMalformed();
    void sealOpenRoundTrip();
    void peekHeader();
    void rejects_data();
    void rejects();
    void oversizedValue();
    void rejectReasonNames();
    void rejectCounters();
    void openConcurrently();
    void fuzzNeverCrashes();
    void invitationRoundTrip();
    void invitationExpired();
    void invitationForged();
    void invitationMalformed();
    void timings();

private:
    Ed25519Key author_, other_;
    Hash32 ctx_;
    QByteArray key_;
    DeltaBody body_;
    SealedDelta sealed_;
};

void TestCodec::initTestCase() {
    author_ = Ed25519Key::generate();
    other_ = Ed25519Key::generate();
    ctx_ = Ed25519Key::generate().publicKey();
    key_ = randomBytes(32);
    body_ = sampleBody(author_, ctx_);
    sealed_ = sealDelta(body_, author_, key_);
}

void TestCodec::bodyRoundTrip() {
    const QByteArray bytes = encodeBody(body_);
    QCOMPARE(encodeBody(body_), bytes);  // deterministic
    auto back = decodeBody(bytes);
    QVERIFY2(back.ok(), back.ok() ? "" : qPrintable(back.error().message));
    QCOMPARE(*back, body_);
    QCOMPARE(encodeBody(*back), bytes);
    // Genesis and an empty body survive too.
    DeltaBody g;
    g.contextId = ctx_;
    g.author = author_.publicKey();
    g.parents = {Hash32::zero()};
    auto gb = decodeBody(encodeBody(g));
    QVERIFY(gb.ok());
    QVERIFY(gb->isGenesis());
    QCOMPARE(*gb, g);
}

void TestCodec::bodyLimits() {
    CodecLimits small;
    small.maxParents = 2;
    small.maxActions = 3;
    small.maxEvents = 2;
    small.maxKeyBytes = 4;
    small.maxValueBytes = 8;
    small.maxEventKindBytes = 8;
    small.maxEventDataBytes = 8;
    small.maxHandlerNameBytes = 7;
    small.maxBodyBytes = 4096;
    QVERIFY(decodeBody(encodeBody(body_), small).ok());  // exactly at the bounds
    auto expectOversized = [&](const std::function<void(DeltaBody &)> &change) {
        DeltaBody b = body_;
        change(b);
        auto r = decodeBody(encodeBody(b), small);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("oversized"));
        QVERIFY(!r.error().message.isEmpty());
    };
    expectOversized([](DeltaBody &b) { b.parents.push_back(Hash32::zero()); });
    expectOversized([](DeltaBody &b) { b.actions.push_back(Action::remove("x")); });
    expectOversized([](DeltaBody &b) { b.events.push_back(Event{"k", "d", {}}); });
    expectOversized([](DeltaBody &b) { b.actions[1].key = "12345"; });
    expectOversized([](DeltaBody &b) { b.actions[0].value = "123456789"; });
    expectOversized([](DeltaBody &b) { b.events[0].kind = "123456789"; });
    expectOversized([](DeltaBody &b) { b.events[0].data = "123456789"; });
    expectOversized([](DeltaBody &b) { b.events[1].handler = "12345678"; });
    expectOversized([](DeltaBody &b) { b.actions[0].value = QByteArray(5000, 'v'); });  // body bound
    // Defaults are documented numbers.
    const CodecLimits d;
    QCOMPARE(d.maxEnvelopeBytes, 16 * 1024 * 1024);
    QCOMPARE(d.maxValueBytes, 10 * 1024 * 1024);
    QCOMPARE(d.maxKeyBytes, 1024 * 1024);
    QCOMPARE(d.maxEvents, 100);
}

void TestCodec::bodyMalformed() {
    auto expectMalformed = [](const QByteArray &bytes) {
        auto r = decodeBody(bytes);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("malformed"));
    };
    expectMalformed(QByteArray("\xff\xff\xff\xff", 4));
    pb::DeltaBody m;
    m.set_context_id(std::string(31, 'c'));
    m.set_author(std::string(32, 'a'));
    expectMalformed(QByteArray::fromStdString(m.SerializeAsString()));  // short context id
    m.set_context_id(std::string(32, 'c'));
    QVERIFY(decodeBody(QByteArray::fromStdString(m.SerializeAsString())).ok());
    m.add_parents(std::string(33, 'p'));
    expectMalformed(QByteArray::fromStdString(m.SerializeAsString()));  // long parent
    m.clear_parents();
    m.add_actions();  // an action with no kind
    expectMalformed(QByteArray::fromStdString(m.SerializeAsString()));
    m.clear_actions();
    m.set_author(std::string());
    expectMalformed(QByteArray::fromStdString(m.SerializeAsString()));  // no author
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
    QCOMPARE(bad.error().code, QStringLiteral("malformed"));
    CodecLimits tiny;
    tiny.maxEnvelopeBytes = 100;
    auto big = peekEnvelope(sealed_.envelopeBytes, tiny);
    QVERIFY(!big.ok());
    QCOMPARE(big.error().code, QStringLiteral("oversized"));
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
            const QByteArray nonce = randomBytes(12);
            e.set_id(str(otherId));
            e.set_nonce(str(nonce));
            e.set_ciphertext(str(aeadSeal(key, nonce, sealed_.delta.bodyBytes, ctx.toByteArray() + otherId)));
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
    QCOMPARE(c.count(RejectReason::Malformed), 5000u);
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

namespace {

InvitationData sampleInvitation(const Ed25519Key &inviter) {
    InvitationData d;
    d.contextId = randomHash();
    d.appId = randomHash();
    d.contextKey = randomBytes(32);
    d.inviterAddrs = {QStringLiteral("/ip4/127.0.0.1/tcp/4001"), QStringLiteral("/ip6/::1/tcp/4001")};
    d.expiresAt = 2000000000;  // 2033
    (void)inviter;
    return d;
}

// Decodes the protobuf inside an invitation, lets f change it, re-encodes.
QString tamperInvitation(const QString &text, const std::function<void(pb::Invitation &)> &f) {
    const QByteArray raw = *base58Decode(QStringView(text).mid(3), kMaxInvitationChars);
    pb::Invitation m;
    if (!m.ParseFromArray(raw.constData(), static_cast<int>(raw.size()))) qFatal("bad test invitation");
    f(m);
    return QStringLiteral("dn1") + base58Encode(QByteArray::fromStdString(m.SerializeAsString()));
}

void expectRefused(const QString &text, uint64_t now, const char *code) {
    auto r = decodeInvitation(text, now);
    QVERIFY2(!r.ok(), code);
    QCOMPARE(r.error().code, QString::fromLatin1(code));
    QVERIFY(!r.error().message.isEmpty());
}

}  // namespace

void TestCodec::invitationRoundTrip() {
    const InvitationData d = sampleInvitation(author_);
    const QString text = encodeInvitation(d, author_);
    QVERIFY(text.startsWith(QLatin1String("dn1")));
    QVERIFY(text.size() < 1000);
    auto r = decodeInvitation(text, 1700000000);
    QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
    QCOMPARE(r->contextId, d.contextId);
    QCOMPARE(r->appId, d.appId);
    QCOMPARE(r->contextKey, d.contextKey);
    QCOMPARE(r->inviterAddrs, d.inviterAddrs);
    QCOMPARE(r->expiresAt, d.expiresAt);
    QCOMPARE(r->inviterKey, author_.publicKey());
    QCOMPARE(r->inviterPeerId, peerIdFromPublicKey(author_.publicKey()));  // filled in
    // Pasted with surrounding whitespace.
    QVERIFY(decodeInvitation(QStringLiteral("  \n") + text + QStringLiteral("\n"), 1700000000).ok());
}

void TestCodec::invitationExpired() {
    const InvitationData d = sampleInvitation(author_);
    const QString text = encodeInvitation(d, author_);
    QVERIFY(decodeInvitation(text, d.expiresAt - 1).ok());
    expectRefused(text, d.expiresAt, "expired");
    expectRefused(text, d.expiresAt + 3600, "expired");
    // A forged invitation is reported as forged, even when also expired.
    const QString forged = tamperInvitation(text, [](auto &m) { m.set_app_id(std::string(32, 'x')); });
    expectRefused(forged, d.expiresAt + 1, "forged");
}

void TestCodec::invitationForged() {
    const InvitationData d = sampleInvitation(author_);
    const QString text = encodeInvitation(d, author_);
    const uint64_t now = 1700000000;
    // Tampered fields, signature untouched.
    expectRefused(tamperInvitation(text, [](auto &m) { m.set_expires_at(m.expires_at() + 1); }), now, "forged");
    expectRefused(tamperInvitation(text, [](auto &m) { m.set_context_key(std::string(32, 'k')); }), now, "forged");
    expectRefused(tamperInvitation(text, [](auto &m) { m.add_inviter_addrs("/ip4/6.6.6.6/tcp/1"); }), now, "forged");
    expectRefused(tamperInvitation(text, [](auto &m) { m.set_inviter_addrs(0, "/ip4/6.6.6.6/tcp/1"); }), now, "forged");
    // Re-signed by another key while claiming the original inviter.
    const QString byOther = encodeInvitation(d, other_);
    expectRefused(tamperInvitation(byOther, [&](auto &m) {
                      m.set_inviter_key(str(author_.publicKey().toByteArray()));
                      m.set_inviter_peer_id(peerIdFromPublicKey(author_.publicKey()).toStdString());
                  }),
                  now, "forged");
    // Signed consistently by someone, but naming another node's peer id.
    InvitationData lying = d;
    lying.inviterPeerId = peerIdFromPublicKey(author_.publicKey());
    expectRefused(encodeInvitation(lying, other_), now, "forged");
    lying.inviterPeerId = QStringLiteral("not a peer id");
    expectRefused(encodeInvitation(lying, other_), now, "forged");
}

void TestCodec::invitationMalformed() {
    const InvitationData d = sampleInvitation(author_);
    const QString text = encodeInvitation(d, author_);
    const uint64_t now = 1700000000;
    expectRefused(QString(), now, "malformed");
    expectRefused(QStringLiteral("dn2") + text.mid(3), now, "malformed");  // prefix
    expectRefused(text.mid(3), now, "malformed");
    expectRefused(text.left(20) + QStringLiteral("0") + text.mid(21), now, "malformed");  // not base58
    expectRefused(QStringLiteral("dn1") + base58Encode("\xff\xff\xff garbage"), now, "malformed");  // not protobuf
    expectRefused(text.left(text.size() - 5), now, "malformed");  // truncated
    expectRefused(tamperInvitation(text, [](auto &m) { m.set_context_key(std::string(16, 'k')); }), now, "malformed");
    expectRefused(tamperInvitation(text, [](auto &m) { m.set_context_id(std::string(31, 'c')); }), now, "malformed");
    expectRefused(tamperInvitation(text, [](auto &m) { m.clear_signature(); }), now, "malformed");
    expectRefused(tamperInvitation(text, [](auto &m) { m.clear_inviter_key(); }), now, "malformed");
    expectRefused(QStringLiteral("dn1") + QString(kMaxInvitationChars, QLatin1Char('z')), now, "malformed");
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
