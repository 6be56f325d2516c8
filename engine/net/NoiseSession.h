#pragma once
// A noise-libp2p secure channel over a byte stream: the XX handshake, then
// transport messages. Every message on the wire is a 2-byte big-endian
// length and at most 65535 bytes; transport plaintext is therefore cut into
// pieces of at most 65535 - 16 bytes.
//
// Pure (no socket): feed() takes what arrived, returns what to send and what
// was decrypted. The connection drives it; the fuzz target drives it
// directly with hostile bytes.
#include "crypto/Ed25519.h"
#include "net/NetReject.h"
#include "net/NoiseHandshake.h"

#include <QByteArray>
#include <memory>
#include <optional>

namespace dn {

class NoiseSession {
public:
    static constexpr int kMaxFrame = 65535;
    static constexpr int kMaxPlaintext = kMaxFrame - 16;
    // A transport frame carries at least the tag; a zero-length plaintext is
    // legal but pointless, and a shorter frame is malformed.
    static constexpr int kMinTransportFrame = 16;

    NoiseSession(bool initiator, Ed25519Key identity, QStringList muxers = {},
                 std::optional<Hash32> expectedRemote = std::nullopt);

    // The initiator's first handshake message (framed); empty for a responder.
    QByteArray start();

    // Consumes `in`; appends framed bytes to send to `out` and decrypted
    // application bytes to `plain`. Returns false once the session failed
    // (error() says why); the caller then closes the connection.
    bool feed(QByteArrayView in, QByteArray &out, QByteArray &plain);

    // Framed ciphertext of `plaintext` (split as needed). Only after the
    // handshake; empty on nonce exhaustion (then error() is set).
    QByteArray encrypt(QByteArrayView plaintext);

    bool isEstablished() const { return established_; }
    bool hasFailed() const { return error_.has_value(); }
    const std::optional<NetError> &error() const { return error_; }
    const NoiseRemoteIdentity &remote() const { return handshake_->remote(); }
    const QString &earlyMuxer() const { return handshake_->earlyMuxer(); }

    // Frames buffered but not yet complete (bounded by kMaxFrame + 2).
    qsizetype pendingBytes() const { return buf_.size(); }

private:
    bool fail(NetError e);
    bool handleFrame(QByteArrayView frame, QByteArray &out, QByteArray &plain);
    static void appendFrame(QByteArray &out, QByteArrayView body);

    std::unique_ptr<NoiseHandshake> handshake_;
    NoiseCipherState send_;
    NoiseCipherState recv_;
    bool established_ = false;
    std::optional<NetError> error_;
    QByteArray buf_;
};

}  // namespace dn
