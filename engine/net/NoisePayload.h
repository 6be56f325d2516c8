#pragma once
// The libp2p handshake payload carried in Noise messages 2 and 3
// (NoiseHandshakePayload, libp2p/specs noise §"The libp2p Handshake
// Payload"): our Ed25519 identity, its signature over our static X25519 key,
// and optionally the stream muxers we support (inlined muxer negotiation).
#include "crypto/Ed25519.h"
#include "crypto/Hash32.h"
#include "net/NetReject.h"

#include <QByteArray>
#include <QStringList>
#include <optional>

namespace dn {

inline constexpr char kNoiseStaticKeyPrefix[] = "noise-libp2p-static-key:";

struct NoiseRemoteIdentity {
    Hash32 publicKey;    // Ed25519 identity key
    QStringList muxers;  // extensions.stream_muxers, possibly empty
};

QByteArray buildNoisePayload(const Ed25519Key &identity, QByteArrayView staticPublicKey,
                             const QStringList &muxers);

// Parses `payload` and checks that the identity key signed `remoteStaticKey`.
// On success fills `out` and returns nullopt; otherwise the refusal
// (NoiseBadPayload, NoiseUnsupportedKey or NoiseBadSignature).
std::optional<NetError> verifyNoisePayload(QByteArrayView payload, QByteArrayView remoteStaticKey,
                                           NoiseRemoteIdentity &out);

// The libp2p PublicKey protobuf of an Ed25519 key (what Identify and Noise
// carry), and its inverse: nullopt for malformed bytes and NoiseUnsupportedKey
// for another key type is signalled through `unsupported`.
QByteArray encodeLibp2pPublicKey(const Hash32 &ed25519);
std::optional<Hash32> decodeLibp2pPublicKey(QByteArrayView bytes, bool *unsupported = nullptr);

}  // namespace dn
