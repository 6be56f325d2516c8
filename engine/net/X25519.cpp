#include "net/X25519.h"

#include <QtGlobal>
#include <openssl/err.h>
#include <openssl/evp.h>

namespace dn {
namespace {

std::shared_ptr<evp_pkey_st> wrap(EVP_PKEY *k) { return {k, EVP_PKEY_free}; }

QByteArray rawPublic(EVP_PKEY *k) {
    QByteArray pub(X25519Key::kSize, Qt::Uninitialized);
    size_t len = size_t(pub.size());
    if (EVP_PKEY_get_raw_public_key(k, reinterpret_cast<unsigned char *>(pub.data()), &len) != 1 ||
        len != size_t(X25519Key::kSize))
        qFatal("OpenSSL: cannot read an X25519 public key");
    return pub;
}

}  // namespace

X25519Key X25519Key::generate() {
    EVP_PKEY *k = EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519");
    if (!k) qFatal("OpenSSL: X25519 key generation failed");
    X25519Key key;
    key.pkey_ = wrap(k);
    key.public_ = rawPublic(k);
    return key;
}

std::optional<X25519Key> X25519Key::fromPrivate(QByteArrayView private32) {
    if (private32.size() != kSize) return std::nullopt;
    EVP_PKEY *k = EVP_PKEY_new_raw_private_key(
        EVP_PKEY_X25519, nullptr, reinterpret_cast<const unsigned char *>(private32.data()), kSize);
    if (!k) {
        ERR_clear_error();
        return std::nullopt;
    }
    X25519Key key;
    key.pkey_ = wrap(k);
    key.public_ = rawPublic(k);
    return key;
}

std::optional<QByteArray> X25519Key::dh(QByteArrayView remotePublic32) const {
    if (!pkey_ || remotePublic32.size() != kSize) return std::nullopt;
    EVP_PKEY *peer = EVP_PKEY_new_raw_public_key(
        EVP_PKEY_X25519, nullptr, reinterpret_cast<const unsigned char *>(remotePublic32.data()), kSize);
    if (!peer) {
        ERR_clear_error();
        return std::nullopt;
    }
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> peerGuard(peer, EVP_PKEY_free);
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
        EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_.get(), nullptr), EVP_PKEY_CTX_free);
    QByteArray secret(kSize, Qt::Uninitialized);
    size_t len = size_t(kSize);
    const bool ok = ctx && EVP_PKEY_derive_init(ctx.get()) == 1 &&
                    EVP_PKEY_derive_set_peer(ctx.get(), peer) == 1 &&
                    EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char *>(secret.data()), &len) == 1 &&
                    len == size_t(kSize);
    if (!ok) {
        ERR_clear_error();
        return std::nullopt;
    }
    return secret;
}

}  // namespace dn
