#include "net/NoiseCipherState.h"

#include "crypto/Aead.h"

namespace dn {

// 2^64-1 is reserved by the Noise spec; stop one before it.
static constexpr uint64_t kMaxNonce = UINT64_MAX - 1;

void NoiseCipherState::initializeKey(QByteArrayView key32) {
    key_ = key32.toByteArray();
    nonce_ = 0;
}

QByteArray NoiseCipherState::nonceBytes() const {
    QByteArray n(kAeadNonceSize, '\0');
    for (int i = 0; i < 8; ++i) n[4 + i] = char((nonce_ >> (8 * i)) & 0xff);
    return n;
}

std::optional<QByteArray> NoiseCipherState::encryptWithAd(QByteArrayView ad, QByteArrayView plaintext) {
    if (!hasKey()) return plaintext.toByteArray();
    if (nonce_ >= kMaxNonce) return std::nullopt;
    QByteArray out = aeadSeal(key_, nonceBytes(), plaintext, ad);
    ++nonce_;
    return out;
}

std::optional<QByteArray> NoiseCipherState::decryptWithAd(QByteArrayView ad, QByteArrayView ciphertext) {
    if (!hasKey()) return ciphertext.toByteArray();
    if (nonce_ >= kMaxNonce) return std::nullopt;
    auto out = aeadOpen(key_, nonceBytes(), ciphertext, ad);
    // The nonce only advances on success (Noise §5.1); the session closes on
    // failure anyway.
    if (out) ++nonce_;
    return out;
}

}  // namespace dn
