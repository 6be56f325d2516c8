#pragma once
// Invitations to a context (ARCHITECTURE §4, §15): "dn1" + base58(protobuf
// Invitation), signed by an admin. It holds no key: the joiner proves its
// one-time secret to the inviter (joinProof), and the inviter, after checking
// expiry, uses and revocation on its own side, adds the joiner as a member and
// hands over the epoch key sealed to it. The secret makes the text private.
#include "crypto/Ed25519.h"
#include "crypto/Hash32.h"
#include "util/Result.h"

#include <QString>
#include <QStringList>
#include <QStringView>
#include <cstdint>

namespace dn {

struct InvitationData {
    Hash32 contextId;
    Hash32 appId;
    QByteArray inviteId;     // 16 bytes, names it for revocation
    QByteArray secret;       // 32 bytes, proven to the inviter when joining
    uint32_t uses = 1;       // joins it admits (the inviter counts)
    QString inviterPeerId;   // "12D3KooW…"; must be the peer id of inviterKey
    QStringList inviterAddrs;  // multiaddrs to dial the inviter
    uint64_t expiresAt = 0;  // unix seconds; refused from this second on
    Hash32 inviterKey;       // Ed25519 public key that signed the invitation
    // What the inviter calls the context and its app (labels only, at most
    // kMaxInvitationLabel characters each; may be empty).
    QString contextName;
    QString appName;
};
inline constexpr qsizetype kMaxInvitationLabel = 256;

// An invitation as issued: the text to hand over and what names it.
struct InvitationText {
    QString text;            // "dn1…"
    QByteArray inviteId;     // 16 bytes
    uint32_t uses = 1;
    uint64_t expiresAt = 0;  // unix seconds
};
// How many joins one invitation may admit at most.
inline constexpr uint32_t kMaxInvitationUses = 10000;

// Longest invitation text accepted (and produced) — far above what a real one
// needs (~0.5 KiB with a few addresses), low enough that parsing is cheap.
inline constexpr qsizetype kMaxInvitationChars = 8 * 1024;

// Signs with `inviter`. inviterKey is always inviter.publicKey(); an empty
// inviterPeerId is filled in from it. Signature = Ed25519(inviter,
// "deltanode/invite/2" ‖ canonical encoding of every other field), see
// Invitation.cpp; it does not depend on protobuf's byte layout.
QString encodeInvitation(const InvitationData &data, const Ed25519Key &inviter);

// Error codes: "malformed" (wrong prefix, not base58, not an Invitation
// protobuf, wrong field sizes, longer than kMaxInvitationChars), "forged"
// (bad signature, or the peer id is not the inviter key's), "expired"
// (nowUnixSeconds >= expiresAt), "invalid_invitation" (one from a release
// before the trust model, which carried the key). Surrounding whitespace is ignored.
Result<InvitationData> decodeInvitation(QStringView text, uint64_t nowUnixSeconds);

// HMAC-SHA256(secret, "deltanode/join/1" ‖ context ‖ invite id ‖ joiner peer
// id bytes ‖ inviter peer id bytes): what the joiner sends instead of the
// secret, bound to both Noise-authenticated peers so it cannot be replayed.
QByteArray joinProof(const QByteArray &secret, const Hash32 &contextId, const QByteArray &inviteId,
                     const QByteArray &joinerPeerBytes, const QByteArray &inviterPeerBytes);

}  // namespace dn
