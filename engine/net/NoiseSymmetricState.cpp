#include "net/NoiseSymmetricState.h"

#include "crypto/Sha256.h"

#include <QtGlobal>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace dn {

static constexpr int kHashLen = 32;

NoiseSymmetricState::NoiseSymmetricState(const QByteArray &protocolName) {
    // A name of at most HASHLEN bytes is used as h directly, zero padded;
    // a longer one is hashed (Noise §5.2 InitializeSymmetric).
    if (protocolName.size() <= kHashLen) {
        h_ = protocolName;
        h_.append(QByteArray(kHashLen - protocolName.size(), '\0'));
    } else {
        h_ = sha256(protocolName).toByteArray();
    }
    ck_ = h_;
}

QByteArray NoiseSymmetricState::hmacSha256(QByteArrayView key, QByteArrayView data) {
    QByteArray out(kHashLen, Qt::Uninitialized);
    unsigned int len = 0;
    static const unsigned char empty = 0;  // OpenSSL wants a pointer even for no bytes
    const unsigned char *d = data.isEmpty() ? &empty : reinterpret_cast<const unsigned char *>(data.data());
    const void *k = key.isEmpty() ? static_cast<const void *>(&empty) : key.data();
    if (!HMAC(EVP_sha256(), k, int(key.size()), d, size_t(data.size()),
              reinterpret_cast<unsigned char *>(out.data()), &len) ||
        len != unsigned(kHashLen))
        qFatal("OpenSSL: HMAC-SHA256 failed");
    return out;
}

std::pair<QByteArray, QByteArray> NoiseSymmetricState::hkdf2(QByteArrayView chainingKey,
                                                             QByteArrayView ikm) {
    const QByteArray temp = hmacSha256(chainingKey, ikm);
    const QByteArray out1 = hmacSha256(temp, QByteArray(1, '\x01'));
    const QByteArray out2 = hmacSha256(temp, out1 + QByteArray(1, '\x02'));
    return {out1, out2};
}

void NoiseSymmetricState::mixKey(QByteArrayView inputKeyMaterial) {
    auto [ck, k] = hkdf2(ck_, inputKeyMaterial);
    ck_ = ck;
    cipher_.initializeKey(k);
}

void NoiseSymmetricState::mixHash(QByteArrayView data) {
    Sha256 s;
    s.add(h_);
    s.add(data);
    h_ = s.finish().toByteArray();
}

std::optional<QByteArray> NoiseSymmetricState::encryptAndHash(QByteArrayView plaintext) {
    auto c = cipher_.encryptWithAd(h_, plaintext);
    if (c) mixHash(*c);
    return c;
}

std::optional<QByteArray> NoiseSymmetricState::decryptAndHash(QByteArrayView ciphertext) {
    auto p = cipher_.decryptWithAd(h_, ciphertext);
    if (p) mixHash(ciphertext);
    return p;
}

std::pair<QByteArray, QByteArray> NoiseSymmetricState::split() const {
    return hkdf2(ck_, QByteArrayView());
}

}  // namespace dn
