// Invitations: round trip, and each refusal (expired, forged, malformed)
// with its own error code.
#include "CodecTestUtil.h"
#include "codec/Invitation.h"
#include "crypto/Base58.h"
#include "crypto/PeerId.h"
#include "deltanode.pb.h"

#include <QtTest>

#include <functional>

using namespace dn;
using namespace dn::test;
namespace pb = deltanode::pb;

namespace {

InvitationData sampleInvitation() {
    InvitationData d;
    d.contextId = randomHash();
    d.appId = randomHash();
    d.inviteId = randomBytes(16);
    d.secret = randomBytes(32);
    d.uses = 5;
    d.inviterAddrs = {QStringLiteral("/ip4/127.0.0.1/tcp/4001"), QStringLiteral("/ip6/::1/tcp/4001")};
    d.expiresAt = 2000000000;  // 2033
    d.contextName = QStringLiteral("shared notes ✓");
    d.appName = QStringLiteral("kv_store");
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

void expectRefused(const QString &text, uint64_t now, ErrorCode code) {
    auto r = decodeInvitation(text, now);
    QVERIFY2(!r.ok(), errorInfo(code).wire);
    QCOMPARE(r.error().wire(), wireName(code));
    QVERIFY(!r.error().message.isEmpty());
}

}  // namespace

class TestInvitation : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void invitationRoundTrip();
    void invitationExpired();
    void invitationForged();
    void invitationMalformed();

private:
    Ed25519Key author_, other_;
};

void TestInvitation::initTestCase() {
    author_ = Ed25519Key::generate();
    other_ = Ed25519Key::generate();
}

void TestInvitation::invitationRoundTrip() {
    const InvitationData d = sampleInvitation();
    const QString text = encodeInvitation(d, author_);
    QVERIFY(text.startsWith(QLatin1String("dn1")));
    QVERIFY(text.size() < 1000);
    auto r = decodeInvitation(text, 1700000000);
    QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
    QCOMPARE(r->contextId, d.contextId);
    QCOMPARE(r->appId, d.appId);
    QCOMPARE(r->inviteId, d.inviteId);
    QCOMPARE(r->secret, d.secret);
    QCOMPARE(r->uses, d.uses);
    QCOMPARE(r->inviterAddrs, d.inviterAddrs);
    QCOMPARE(r->expiresAt, d.expiresAt);
    QCOMPARE(r->contextName, d.contextName);
    QCOMPARE(r->appName, d.appName);
    QCOMPARE(r->inviterKey, author_.publicKey());
    QCOMPARE(r->inviterPeerId, peerIdFromPublicKey(author_.publicKey()));  // filled in
    // Pasted with surrounding whitespace.
    QVERIFY(decodeInvitation(QStringLiteral("  \n") + text + QStringLiteral("\n"), 1700000000).ok());
}

void TestInvitation::invitationExpired() {
    const InvitationData d = sampleInvitation();
    const QString text = encodeInvitation(d, author_);
    QVERIFY(decodeInvitation(text, d.expiresAt - 1).ok());
    expectRefused(text, d.expiresAt, ErrorCode::InvitationExpired);
    expectRefused(text, d.expiresAt + 3600, ErrorCode::InvitationExpired);
    // A forged invitation is reported as forged, even when also expired.
    const QString forged = tamperInvitation(text, [](auto &m) { m.set_app_id(std::string(32, 'x')); });
    expectRefused(forged, d.expiresAt + 1, ErrorCode::Forged);
}

void TestInvitation::invitationForged() {
    const InvitationData d = sampleInvitation();
    const QString text = encodeInvitation(d, author_);
    const uint64_t now = 1700000000;
    // Tampered fields, signature untouched.
    expectRefused(tamperInvitation(text, [](auto &m) { m.set_expires_at(m.expires_at() + 1); }), now, ErrorCode::Forged);
    expectRefused(tamperInvitation(text, [](auto &m) { m.set_secret(std::string(32, 'k')); }), now, ErrorCode::Forged);
    expectRefused(tamperInvitation(text, [](auto &m) { m.set_uses(100); }), now, ErrorCode::Forged);
    expectRefused(tamperInvitation(text, [](auto &m) { m.add_inviter_addrs("/ip4/6.6.6.6/tcp/1"); }), now, ErrorCode::Forged);
    expectRefused(tamperInvitation(text, [](auto &m) { m.set_inviter_addrs(0, "/ip4/6.6.6.6/tcp/1"); }), now, ErrorCode::Forged);
    expectRefused(tamperInvitation(text, [](auto &m) { m.set_context_name("my bank"); }), now, ErrorCode::Forged);
    expectRefused(tamperInvitation(text, [](auto &m) { m.set_app_name("wallet"); }), now, ErrorCode::Forged);
    // Re-signed by another key while claiming the original inviter.
    const QString byOther = encodeInvitation(d, other_);
    expectRefused(tamperInvitation(byOther, [&](auto &m) {
                      m.set_inviter_key(str(author_.publicKey().toByteArray()));
                      m.set_inviter_peer_id(peerIdFromPublicKey(author_.publicKey()).toStdString());
                  }),
                  now, ErrorCode::Forged);
    // Signed consistently by someone, but naming another node's peer id.
    InvitationData lying = d;
    lying.inviterPeerId = peerIdFromPublicKey(author_.publicKey());
    expectRefused(encodeInvitation(lying, other_), now, ErrorCode::Forged);
    lying.inviterPeerId = QStringLiteral("not a peer id");
    expectRefused(encodeInvitation(lying, other_), now, ErrorCode::Forged);
}

void TestInvitation::invitationMalformed() {
    const InvitationData d = sampleInvitation();
    const QString text = encodeInvitation(d, author_);
    const uint64_t now = 1700000000;
    expectRefused(QString(), now, ErrorCode::Malformed);
    expectRefused(QStringLiteral("dn2") + text.mid(3), now, ErrorCode::Malformed);  // prefix
    expectRefused(text.mid(3), now, ErrorCode::Malformed);
    expectRefused(text.left(20) + QStringLiteral("0") + text.mid(21), now, ErrorCode::Malformed);  // not base58
    expectRefused(QStringLiteral("dn1") + base58Encode("\xff\xff\xff garbage"), now, ErrorCode::Malformed);  // not protobuf
    expectRefused(text.left(text.size() - 5), now, ErrorCode::Malformed);  // truncated
    expectRefused(tamperInvitation(text, [](auto &m) { m.set_secret(std::string(16, 'k')); }), now, ErrorCode::Malformed);
    expectRefused(tamperInvitation(text, [](auto &m) { m.set_invite_id(std::string(8, 'i')); }), now, ErrorCode::Malformed);
    // One from a release before the trust model (it carried the key, no secret).
    expectRefused(tamperInvitation(text, [](auto &m) {
                      m.set_context_key(std::string(32, 'k'));
                      m.clear_secret();
                  }),
                  now, ErrorCode::InvalidInvitation);
    // The join proof binds the secret to both peers and the invitation.
    const QByteArray secret(32, 's'), id(16, 'i');
    const Hash32 ctx = randomHash();
    const QByteArray p = joinProof(secret, ctx, id, "joiner", "inviter");
    QCOMPARE(p.size(), 32);
    QCOMPARE(joinProof(secret, ctx, id, "joiner", "inviter"), p);
    QVERIFY(joinProof(secret, ctx, id, "other", "inviter") != p);
    QVERIFY(joinProof(secret, ctx, id, "joiner", "other") != p);
    QVERIFY(joinProof(QByteArray(32, 't'), ctx, id, "joiner", "inviter") != p);
    QVERIFY(joinProof(secret, ctx, QByteArray(16, 'j'), "joiner", "inviter") != p);
    expectRefused(tamperInvitation(text, [](auto &m) { m.set_context_id(std::string(31, 'c')); }), now, ErrorCode::Malformed);
    expectRefused(tamperInvitation(text, [](auto &m) { m.clear_signature(); }), now, ErrorCode::Malformed);
    expectRefused(tamperInvitation(text, [](auto &m) { m.clear_inviter_key(); }), now, ErrorCode::Malformed);
    expectRefused(QStringLiteral("dn1") + QString(kMaxInvitationChars, QLatin1Char('z')), now, ErrorCode::Malformed);
}

QTEST_GUILESS_MAIN(TestInvitation)
#include "tst_invitation.moc"
