#pragma once
// Sealing an epoch key to one member (ARCHITECTURE §15): libsodium's
// crypto_box_seal to the member's X25519 key, which is derived from its
// Ed25519 identity key (crypto_sign_ed25519_pk_to_curve25519), so a member
// needs no second key pair and anyone can seal to a member it knows.
#include "crypto/Ed25519.h"
#include "crypto/Hash32.h"
#include <QByteArray>
#include <optional>

namespace dn {

inline constexpr int kSealedKeySize = 32 + 48;  // a 32-byte key plus crypto_box_SEALBYTES

void ensureSodiumReady();
// The X25519 public key of an Ed25519 public key; empty if it is not a valid point.
QByteArray x25519FromEd25519(const Hash32 &edPublicKey);
// crypto_box_seal(plain) to `x25519`; empty if the key is not 32 bytes.
QByteArray sealTo(const QByteArray &x25519, const QByteArray &plain);
// Opens what sealTo(x25519FromEd25519(identity.publicKey()), …) produced.
std::optional<QByteArray> openSealed(const Ed25519Key &identity, const QByteArray &sealed);

}  // namespace dn
