#include "crypto/SealedBox.h"
#include <QtGlobal>
#include <mutex>
#include <sodium.h>

namespace dn {

void ensureSodiumReady() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (sodium_init() < 0) qFatal("libsodium could not be initialised");
    });
}

QByteArray x25519FromEd25519(const Hash32 &edPublicKey) {
    ensureSodiumReady();
    QByteArray out(crypto_scalarmult_curve25519_BYTES, Qt::Uninitialized);
    if (crypto_sign_ed25519_pk_to_curve25519(reinterpret_cast<unsigned char *>(out.data()), reinterpret_cast<const unsigned char *>(edPublicKey.data())) != 0)
        return {};
    return out;
}

QByteArray sealTo(const QByteArray &x25519, const QByteArray &plain) {
    if (x25519.size() != crypto_box_PUBLICKEYBYTES) return {};
    ensureSodiumReady();
    QByteArray out(plain.size() + crypto_box_SEALBYTES, Qt::Uninitialized);
    if (crypto_box_seal(reinterpret_cast<unsigned char *>(out.data()), reinterpret_cast<const unsigned char *>(plain.constData()),
                        size_t(plain.size()), reinterpret_cast<const unsigned char *>(x25519.constData())) != 0)
        return {};
    return out;
}

std::optional<QByteArray> openSealed(const Ed25519Key &identity, const QByteArray &sealed) {
    if (sealed.size() < qsizetype(crypto_box_SEALBYTES)) return std::nullopt;
    ensureSodiumReady();
    // The X25519 pair of the Ed25519 identity: its secret from the seed's
    // expanded key, its public from the public key.
    const QByteArray seed = identity.seed();
    unsigned char edPk[crypto_sign_PUBLICKEYBYTES], edSk[crypto_sign_SECRETKEYBYTES];
    unsigned char xPk[crypto_box_PUBLICKEYBYTES], xSk[crypto_box_SECRETKEYBYTES];
    crypto_sign_seed_keypair(edPk, edSk, reinterpret_cast<const unsigned char *>(seed.constData()));
    const bool converted = crypto_sign_ed25519_pk_to_curve25519(xPk, edPk) == 0 &&
                           crypto_sign_ed25519_sk_to_curve25519(xSk, edSk) == 0;
    std::optional<QByteArray> out;
    if (converted) {
        QByteArray plain(sealed.size() - crypto_box_SEALBYTES, Qt::Uninitialized);
        if (crypto_box_seal_open(reinterpret_cast<unsigned char *>(plain.data()),
                                 reinterpret_cast<const unsigned char *>(sealed.constData()), size_t(sealed.size()), xPk,
                                 xSk) == 0)
            out = std::move(plain);
    }
    sodium_memzero(edSk, sizeof edSk);
    sodium_memzero(xSk, sizeof xSk);
    return out;
}

}  // namespace dn
