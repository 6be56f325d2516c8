#pragma once
// The Noise_XX_25519_ChaChaPoly_SHA256 handshake of noise-libp2p:
//   -> e
//   <- e, ee, s, es, payload
//   -> s, se, payload
// A pure state machine over whole handshake messages (framing is the
// session's job). Each side authenticates the other's static key through the
// libp2p payload; the initiator can pin the responder's identity (the /p2p/
// part of the dialed address) and stops before revealing its own identity
// in message 3 if it is someone else.
#include "crypto/Ed25519.h"
#include "net/NetReject.h"
#include "net/NoiseCipherState.h"
#include "net/NoisePayload.h"
#include "net/NoiseSymmetricState.h"
#include "net/X25519.h"

#include <QStringList>
#include <optional>

namespace dn {

class NoiseHandshake {
public:
    static inline const QByteArray kProtocolName = QByteArrayLiteral("Noise_XX_25519_ChaChaPoly_SHA256");

    // `muxers`: what we offer for inlined muxer negotiation (empty: none).
    // Keys default to fresh ones; tests pass fixed keys.
    NoiseHandshake(bool initiator, Ed25519Key identity, QStringList muxers = {},
                   X25519Key staticKey = X25519Key::generate(),
                   X25519Key ephemeralKey = X25519Key::generate());

    void setExpectedRemote(const Hash32 &identityKey) { expected_ = identityKey; }

    bool isInitiator() const { return initiator_; }
    bool isComplete() const { return step_ == 3; }
    // Whether the next message is ours to write (else we wait to read).
    bool shouldWrite() const { return !isComplete() && ((step_ % 2 == 0) == initiator_); }

    std::optional<NetError> writeMessage(QByteArray &out);
    std::optional<NetError> readMessage(QByteArrayView message);

    // After completion.
    const NoiseRemoteIdentity &remote() const { return remote_; }
    // The muxer agreed in the handshake: empty when either side offered none
    // (then multistream-select negotiates it as usual).
    const QString &earlyMuxer() const { return earlyMuxer_; }
    // (send, receive) cipher states for the transport phase.
    std::pair<NoiseCipherState, NoiseCipherState> transportCiphers() const;

private:
    std::optional<NetError> acceptRemotePayload(QByteArrayView payload);

    bool initiator_;
    Ed25519Key identity_;
    QStringList muxers_;
    X25519Key s_;
    X25519Key e_;
    QByteArray rs_;
    QByteArray re_;
    NoiseSymmetricState ss_;
    int step_ = 0;  // messages exchanged so far
    std::optional<Hash32> expected_;
    NoiseRemoteIdentity remote_;
    QString earlyMuxer_;
};

}  // namespace dn
