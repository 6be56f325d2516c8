#pragma once
// libp2p peer ids for Ed25519 identities. The libp2p PublicKey protobuf
// {Type = Ed25519 (1), Data = 32 bytes} is short enough (36 bytes) to be
// inlined in an identity multihash, so the peer id *is* the public key:
//   08 01 12 20 <key>          protobuf PublicKey
//   00 24 <36 bytes above>     identity multihash (code 0x00, length 36)
// and its base58 text always starts with "12D3KooW".
#include "crypto/Hash32.h"

#include <QByteArray>
#include <QString>
#include <QStringView>
#include <optional>

namespace dn {

// The raw multihash bytes (38 bytes), as carried in libp2p messages.
QByteArray peerIdBytes(const Hash32 &publicKey);
// base58 of peerIdBytes(): "12D3KooW…".
QString peerIdFromPublicKey(const Hash32 &publicKey);

// The Ed25519 key inside a peer id's multihash bytes; nullopt for anything
// else (sha2-256 multihashes, other key types, wrong lengths, trailing bytes).
std::optional<Hash32> publicKeyFromPeerIdBytes(QByteArrayView multihash);
// The same for the base58 text form.
std::optional<Hash32> publicKeyFromPeerId(QStringView peerId);

}  // namespace dn
