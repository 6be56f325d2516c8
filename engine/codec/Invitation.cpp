#include "codec/Invitation.h"

#include "codec/PbBytes.h"
#include "crypto/Base58.h"
#include "crypto/PeerId.h"
#include <QMessageAuthenticationCode>
#include "deltanode.pb.h"

#include <QDateTime>
#include <QtEndian>

namespace dn {
namespace {

namespace pb = ::deltanode::pb;
using namespace pb_bytes;

constexpr char kPrefix[] = "dn1";
constexpr char kSignDomain[] = "deltanode/invite/2";

void appendU32(QByteArray &out, uint32_t v) {
    char b[4];
    qToBigEndian(v, b);
    out.append(b, 4);
}
void appendU64(QByteArray &out, uint64_t v) {
    char b[8];
    qToBigEndian(v, b);
    out.append(b, 8);
}
void appendBytes(QByteArray &out, QByteArrayView v) {
    appendU32(out, static_cast<uint32_t>(v.size()));
    out.append(v.data(), v.size());
}

// What the inviter signs: a length-prefixed, fixed-order encoding of every
// field except the signature, behind a domain separator so the signature can
// never be replayed as a delta signature (or the reverse).
QByteArray signedMessage(const InvitationData &d) {
    QByteArray out(kSignDomain);
    out.append(d.contextId.data(), 32);
    out.append(d.appId.data(), 32);
    appendBytes(out, d.inviteId);
    appendBytes(out, d.secret);
    appendU32(out, d.uses);
    appendBytes(out, d.inviterPeerId.toUtf8());
    appendU32(out, static_cast<uint32_t>(d.inviterAddrs.size()));
    for (const QString &a : d.inviterAddrs) appendBytes(out, a.toUtf8());
    appendU64(out, d.expiresAt);
    out.append(d.inviterKey.data(), 32);
    appendBytes(out, d.contextName.toUtf8());
    appendBytes(out, d.appName.toUtf8());
    return out;
}

Error malformed(const QString &why) { return {ErrorCode::Malformed, QStringLiteral("malformed invitation: ") + why}; }
Error forged(const QString &why) { return {ErrorCode::Forged, QStringLiteral("forged invitation: ") + why}; }

QString fromStd(const std::string &s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

}  // namespace

QString encodeInvitation(const InvitationData &data, const Ed25519Key &inviter) {
    InvitationData d = data;
    d.contextName.truncate(kMaxInvitationLabel);
    d.appName.truncate(kMaxInvitationLabel);
    d.inviterKey = inviter.publicKey();
    if (d.inviterPeerId.isEmpty()) d.inviterPeerId = peerIdFromPublicKey(d.inviterKey);
    const QByteArray sig = inviter.sign(signedMessage(d));

    pb::Invitation msg;
    msg.set_context_id(d.contextId.data(), 32);
    msg.set_app_id(d.appId.data(), 32);
    msg.set_invite_id(d.inviteId.constData(), d.inviteId.size());
    msg.set_secret(d.secret.constData(), d.secret.size());
    msg.set_uses(d.uses);
    msg.set_inviter_peer_id(d.inviterPeerId.toStdString());
    for (const QString &a : d.inviterAddrs) msg.add_inviter_addrs(a.toStdString());
    msg.set_expires_at(d.expiresAt);
    msg.set_signature(sig.constData(), sig.size());
    msg.set_inviter_key(d.inviterKey.data(), 32);
    msg.set_context_name(d.contextName.toStdString());
    msg.set_app_name(d.appName.toStdString());
    return QLatin1String(kPrefix) + base58Encode(serialize(msg));
}

Result<InvitationData> decodeInvitation(QStringView text, uint64_t nowUnixSeconds) {
    text = text.trimmed();
    if (text.size() > kMaxInvitationChars)
        return malformed(QStringLiteral("%1 characters, the limit is %2").arg(text.size()).arg(kMaxInvitationChars));
    if (!text.startsWith(QLatin1String(kPrefix)))
        return malformed(QStringLiteral("it does not start with \"%1\"").arg(QLatin1String(kPrefix)));
    auto raw = base58Decode(text.mid(3), kMaxInvitationChars);
    if (!raw) return malformed(QStringLiteral("it is not valid base58 text"));
    pb::Invitation msg;
    if (!msg.ParseFromArray(raw->constData(), static_cast<int>(raw->size())))
        return malformed(QStringLiteral("its content is not an Invitation record"));

    InvitationData d;
    if (!toHash(msg.context_id(), d.contextId)) return malformed(QStringLiteral("the context id is not 32 bytes"));
    if (!toHash(msg.app_id(), d.appId)) return malformed(QStringLiteral("the application id is not 32 bytes"));
    if (!toHash(msg.inviter_key(), d.inviterKey)) return malformed(QStringLiteral("the inviter key is not 32 bytes"));
    if (!msg.context_key().empty() && msg.secret().empty())
        return Error{ErrorCode::InvalidInvitation,
                     QStringLiteral("this invitation is from a release before membership was enforced; ask an admin for a new one")};
    if (msg.invite_id().size() != 16) return malformed(QStringLiteral("the invitation id is not 16 bytes"));
    if (msg.secret().size() != 32) return malformed(QStringLiteral("the secret is not 32 bytes"));
    if (msg.signature().size() != 64) return malformed(QStringLiteral("the signature is not 64 bytes"));
    d.inviteId = toQt(msg.invite_id());
    d.secret = toQt(msg.secret());
    d.uses = msg.uses();
    d.inviterPeerId = fromStd(msg.inviter_peer_id());
    for (const std::string &a : msg.inviter_addrs()) d.inviterAddrs.append(fromStd(a));
    d.expiresAt = msg.expires_at();
    d.contextName = fromStd(msg.context_name());
    d.appName = fromStd(msg.app_name());
    if (d.contextName.size() > kMaxInvitationLabel || d.appName.size() > kMaxInvitationLabel)
        return malformed(QStringLiteral("a name is longer than %1 characters").arg(kMaxInvitationLabel));

    // Signature first: until it verifies, nothing else in the record means anything.
    if (!ed25519Verify(d.inviterKey, signedMessage(d), QByteArrayView(msg.signature())))
        return forged(QStringLiteral("the signature does not match its contents"));
    if (publicKeyFromPeerId(d.inviterPeerId) != d.inviterKey)
        return forged(QStringLiteral("inviter peer id %1 does not belong to the signing key").arg(d.inviterPeerId));
    if (nowUnixSeconds >= d.expiresAt)
        return Error{ErrorCode::InvitationExpired,
                     QStringLiteral("invitation expired at %1")
                         .arg(QDateTime::fromSecsSinceEpoch(static_cast<qint64>(d.expiresAt), Qt::UTC)
                                  .toString(Qt::ISODate))};
    return d;
}

QByteArray joinProof(const QByteArray &secret, const Hash32 &contextId, const QByteArray &inviteId,
                     const QByteArray &joinerPeerBytes, const QByteArray &inviterPeerBytes) {
    QByteArray msg("deltanode/join/1");
    msg.append(contextId.data(), 32);
    appendBytes(msg, inviteId);
    appendBytes(msg, joinerPeerBytes);
    appendBytes(msg, inviterPeerBytes);
    return QMessageAuthenticationCode::hash(msg, secret, QCryptographicHash::Sha256);
}

}  // namespace dn
