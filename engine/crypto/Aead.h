#pragma once
// ChaCha20-Poly1305 (RFC 8439, IETF variant: 32-byte key, 12-byte nonce) with
// the 16-byte tag appended to the ciphertext. Encrypts delta bodies under the
// context key.
#include <QByteArray>
#include <QByteArrayView>
#include <optional>

namespace dn {

inline constexpr int kAeadKeySize = 32;
inline constexpr int kAeadNonceSize = 12;
inline constexpr int kAeadTagSize = 16;

// ciphertext || tag. Empty on a wrong key or nonce size (a valid result is
// never empty: it always carries the tag). The caller must never reuse a
// nonce under the same key; random 12-byte nonces are fine for our volumes.
QByteArray aeadSeal(QByteArrayView key32, QByteArrayView nonce12, QByteArrayView plaintext,
                    QByteArrayView aad);

// The plaintext, or nullopt if the tag does not verify (wrong key, nonce, aad
// or tampered bytes) or a size is wrong.
std::optional<QByteArray> aeadOpen(QByteArrayView key32, QByteArrayView nonce12,
                                   QByteArrayView ciphertextWithTag, QByteArrayView aad);

}  // namespace dn
