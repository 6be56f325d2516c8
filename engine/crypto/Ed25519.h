#pragma once
// Ed25519 signing keys. One key is the node identity (libp2p peer id) and
// signs every delta the node authors; another, per context, only names the
// context (its public half is the context id).
//
// Keys are parsed and held by OpenSSL (EVP), but signatures are made with
// libsodium: a signature is on the path of every transaction, and OpenSSL
// 3.0's Ed25519 (32-bit limb field arithmetic plus an EVP_DigestSignInit per
// call) costs about twice libsodium's. Ed25519 signatures are deterministic
// (RFC 8032), so both produce the same bytes; tests check that.
#include "crypto/Hash32.h"

#include <QByteArray>
#include <QByteArrayView>
#include <memory>
#include <optional>

struct evp_pkey_st;

namespace dn {
struct Ed25519Secret;  // libsodium's expanded secret key (seed ‖ public key)
}

namespace dn {

class Ed25519Key {
public:
    // A null key: isValid() is false and sign() returns an empty array. Exists so
    // that holders can be default-constructed and assigned later.
    Ed25519Key() = default;

    // A fresh key from OpenSSL's DRBG.
    static Ed25519Key generate();
    // The key whose RFC 8032 private seed is `seed32` (exactly 32 bytes).
    static std::optional<Ed25519Key> fromSeed(QByteArrayView seed32);

    bool isValid() const { return pkey_ != nullptr; }
    // The 32-byte private seed, for the key file. Treat as secret.
    QByteArray seed() const;
    const Hash32 &publicKey() const { return publicKey_; }
    // 64-byte signature of msg (pure Ed25519, no pre-hash). Safe to call from
    // several threads on the same key (or on copies of it) at once.
    QByteArray sign(QByteArrayView msg) const;

private:
    // Copies share the immutable EVP_PKEY; OpenSSL allows concurrent use of one
    // EVP_PKEY from several threads as long as nobody modifies it.
    std::shared_ptr<evp_pkey_st> pkey_;
    std::shared_ptr<const Ed25519Secret> secret_;  // immutable too; wiped when the last copy goes
    Hash32 publicKey_;
};

// True iff sig is a valid 64-byte Ed25519 signature of msg by publicKey.
// False (never a crash) on wrong sizes or an invalid public key encoding.
// Thread-safe; recently seen public keys are cached per thread.
bool ed25519Verify(const Hash32 &publicKey, QByteArrayView msg, QByteArrayView sig);

}  // namespace dn
