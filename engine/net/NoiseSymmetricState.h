#pragma once
// Noise SymmetricState (Noise spec §5.2) with SHA-256: the chaining key `ck`,
// the handshake hash `h` and the CipherState that encrypts handshake
// payloads. HKDF is the Noise one (HMAC-SHA256 based, §4.3).
#include "net/NoiseCipherState.h"

#include <QByteArray>
#include <QByteArrayView>
#include <optional>
#include <utility>

namespace dn {

class NoiseSymmetricState {
public:
    explicit NoiseSymmetricState(const QByteArray &protocolName);

    void mixKey(QByteArrayView inputKeyMaterial);
    void mixHash(QByteArrayView data);
    std::optional<QByteArray> encryptAndHash(QByteArrayView plaintext);
    std::optional<QByteArray> decryptAndHash(QByteArrayView ciphertext);
    // The two transport keys: (initiator→responder, responder→initiator).
    std::pair<QByteArray, QByteArray> split() const;

    const QByteArray &handshakeHash() const { return h_; }
    bool hasKey() const { return cipher_.hasKey(); }

    // HKDF(chainingKey, ikm) → two 32-byte outputs (Noise §4.3).
    static std::pair<QByteArray, QByteArray> hkdf2(QByteArrayView chainingKey, QByteArrayView ikm);
    static QByteArray hmacSha256(QByteArrayView key, QByteArrayView data);

private:
    QByteArray ck_;
    QByteArray h_;
    NoiseCipherState cipher_;
};

}  // namespace dn
