#pragma once
// Invitations to a context (ARCHITECTURE §4): "dn1" + base58(protobuf Invitation),
// signed by the inviter. Holding one grants the context key, so it is secret;
// the signature only proves who issued it and that nothing was altered.
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
    QByteArray contextKey;   // 32 bytes
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

// Longest invitation text accepted (and produced) — far above what a real one
// needs (~0.5 KiB with a few addresses), low enough that parsing is cheap.
inline constexpr qsizetype kMaxInvitationChars = 8 * 1024;

// Signs with `inviter`. inviterKey is always inviter.publicKey(); an empty
// inviterPeerId is filled in from it. Signature = Ed25519(inviter,
// "deltanode/invite/1" ‖ canonical encoding of every other field), see
// Invitation.cpp; it does not depend on protobuf's byte layout.
QString encodeInvitation(const InvitationData &data, const Ed25519Key &inviter);

// Error codes: "malformed" (wrong prefix, not base58, not an Invitation
// protobuf, wrong field sizes, longer than kMaxInvitationChars), "forged"
// (bad signature, or the peer id is not the inviter key's), "expired"
// (nowUnixSeconds >= expiresAt). Surrounding whitespace is ignored.
Result<InvitationData> decodeInvitation(QStringView text, uint64_t nowUnixSeconds);

}  // namespace dn
