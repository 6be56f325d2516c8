#pragma once
// X25519 Diffie-Hellman keys (RFC 7748) for the Noise handshake. Keys are
// ephemeral or per-session (the noise-libp2p spec lets a node use a fresh
// static key per session and advises against storing it), so they live only
// in memory.
#include <QByteArray>
#include <QByteArrayView>
#include <memory>
#include <optional>

struct evp_pkey_st;

namespace dn {

class X25519Key {
public:
    static constexpr int kSize = 32;

    X25519Key() = default;
    static X25519Key generate();
    // The key with this 32-byte private scalar (test vectors, fuzzing).
    static std::optional<X25519Key> fromPrivate(QByteArrayView private32);

    bool isValid() const { return pkey_ != nullptr; }
    const QByteArray &publicKey() const { return public_; }
    // The shared secret with `remotePublic32`; nullopt on a wrong size or a
    // degenerate result (OpenSSL refuses low-order points, whose shared
    // secret would be all zero and known to an attacker).
    std::optional<QByteArray> dh(QByteArrayView remotePublic32) const;

private:
    std::shared_ptr<evp_pkey_st> pkey_;
    QByteArray public_;
};

}  // namespace dn
