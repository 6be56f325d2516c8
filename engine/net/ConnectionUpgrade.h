#pragma once
// Upgrading a raw TCP connection to a secure, multiplexed libp2p connection
// (libp2p/specs connections §"Upgrading Connections"):
//   multistream-select → /noise → Noise XX → multistream-select (encrypted)
//   → /yamux/1.0.0
// The muxer round is skipped when both sides offered muxers inside the Noise
// handshake (inlined muxer negotiation).
//
// Pure: raw bytes in, raw bytes out. The connection feeds it until
// isDone(); from then on it only uses noise() to encrypt and decrypt, and
// takes the decrypted bytes that already belong to yamux.
#include "crypto/Ed25519.h"
#include "net/MultistreamSelect.h"
#include "net/NetReject.h"
#include "net/NoiseSession.h"

#include <memory>
#include <optional>

namespace dn {

class ConnectionUpgrade {
public:
    static inline const QString kNoise = QStringLiteral("/noise");
    static inline const QString kYamux = QStringLiteral("/yamux/1.0.0");

    // `inlineMuxers`: offer /yamux/1.0.0 inside the Noise handshake.
    ConnectionUpgrade(bool initiator, Ed25519Key identity, bool inlineMuxers,
                      std::optional<Hash32> expectedRemote = std::nullopt);

    QByteArray start();
    // Consumes raw bytes; appends raw bytes to send to `out`. False on
    // failure (error() says which check refused what).
    bool feed(QByteArrayView raw, QByteArray &out);

    bool isDone() const { return phase_ == Phase::Done; }
    bool hasFailed() const { return error_.has_value(); }
    const std::optional<NetError> &error() const { return error_; }
    // Which step it is in, for logs: "security", "noise", "muxer", "done".
    QString phaseName() const;

    NoiseSession &noise() { return *noise_; }
    const NoiseRemoteIdentity &remote() const { return noise_->remote(); }
    // Decrypted bytes that arrived after the muxer was agreed (yamux frames).
    QByteArray takeMuxerBytes();

private:
    enum class Phase { Security, Noise, Muxer, Done, Failed };
    bool fail(NetError e);
    bool failNegotiation(const MultistreamSelect &m);
    bool feedSecurity(QByteArrayView raw, QByteArray &out);
    bool feedNoise(QByteArrayView raw, QByteArray &out);
    bool feedMuxer(QByteArrayView plain, QByteArray &out);

    bool initiator_;
    Phase phase_ = Phase::Security;
    MultistreamSelect security_;
    std::unique_ptr<MultistreamSelect> muxer_;
    std::unique_ptr<NoiseSession> noise_;
    std::optional<NetError> error_;
    QByteArray muxerBytes_;
};

}  // namespace dn
