#pragma once
// XChaCha20-Poly1305 (libsodium's IETF construction: 32-byte key, 24-byte
// nonce, 16-byte tag appended). New deltas use it (ARCHITECTURE §15): one
// epoch key is shared by every author of a context, and 192-bit random
// nonces never collide in practice, where 96-bit ones would become a risk
// after some 2^32 messages under one key.
#include <QByteArray>
#include <QByteArrayView>
#include <optional>

namespace dn {

inline constexpr int kXAeadNonceSize = 24;

// ciphertext ‖ tag; empty on a wrong key or nonce size.
QByteArray xaeadSeal(QByteArrayView key32, QByteArrayView nonce24, QByteArrayView plaintext, QByteArrayView aad);
// The plaintext, or nullopt if the tag does not verify or a size is wrong.
std::optional<QByteArray> xaeadOpen(QByteArrayView key32, QByteArrayView nonce24, QByteArrayView ciphertextWithTag,
                                    QByteArrayView aad);

}  // namespace dn
