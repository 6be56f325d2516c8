#pragma once
// Noise CipherState (Noise spec §5.1) for ChaChaPoly: a key and a 64-bit
// message counter used as the nonce (4 zero bytes, then the counter little
// endian). One object per direction after the handshake.
#include <QByteArray>
#include <QByteArrayView>
#include <cstdint>
#include <optional>

namespace dn {

class NoiseCipherState {
public:
    void initializeKey(QByteArrayView key32);  // empty: no key (pass-through)
    bool hasKey() const { return !key_.isEmpty(); }
    uint64_t nonce() const { return nonce_; }

    // Without a key these return the input unchanged (Noise handshake rules).
    // With one they add/check the 16-byte tag. nullopt when the tag does not
    // verify or the nonce space is exhausted (the connection must then end:
    // a nonce must never be reused).
    std::optional<QByteArray> encryptWithAd(QByteArrayView ad, QByteArrayView plaintext);
    std::optional<QByteArray> decryptWithAd(QByteArrayView ad, QByteArrayView ciphertext);

private:
    QByteArray nonceBytes() const;

    QByteArray key_;
    uint64_t nonce_ = 0;
};

}  // namespace dn
