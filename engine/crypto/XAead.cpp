#include "crypto/XAead.h"
#include "crypto/SealedBox.h"
#include <sodium.h>

namespace dn {

QByteArray xaeadSeal(QByteArrayView key32, QByteArrayView nonce24, QByteArrayView plaintext, QByteArrayView aad) {
    if (key32.size() != 32 || nonce24.size() != kXAeadNonceSize) return {};
    ensureSodiumReady();
    QByteArray out(plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, Qt::Uninitialized);
    unsigned long long len = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        reinterpret_cast<unsigned char *>(out.data()), &len, reinterpret_cast<const unsigned char *>(plaintext.data()),
        size_t(plaintext.size()), reinterpret_cast<const unsigned char *>(aad.data()), size_t(aad.size()), nullptr,
        reinterpret_cast<const unsigned char *>(nonce24.data()), reinterpret_cast<const unsigned char *>(key32.data()));
    out.resize(qsizetype(len));
    return out;
}

std::optional<QByteArray> xaeadOpen(QByteArrayView key32, QByteArrayView nonce24, QByteArrayView ciphertextWithTag,
                                    QByteArrayView aad) {
    if (key32.size() != 32 || nonce24.size() != kXAeadNonceSize ||
        ciphertextWithTag.size() < qsizetype(crypto_aead_xchacha20poly1305_ietf_ABYTES))
        return std::nullopt;
    ensureSodiumReady();
    QByteArray out(ciphertextWithTag.size() - crypto_aead_xchacha20poly1305_ietf_ABYTES, Qt::Uninitialized);
    unsigned long long len = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            reinterpret_cast<unsigned char *>(out.data()), &len, nullptr,
            reinterpret_cast<const unsigned char *>(ciphertextWithTag.data()), size_t(ciphertextWithTag.size()),
            reinterpret_cast<const unsigned char *>(aad.data()), size_t(aad.size()),
            reinterpret_cast<const unsigned char *>(nonce24.data()), reinterpret_cast<const unsigned char *>(key32.data())) != 0)
        return std::nullopt;
    out.resize(qsizetype(len));
    return out;
}

}  // namespace dn
