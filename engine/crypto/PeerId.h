#pragma once
// libp2p peer ids for Ed25519 identities. The libp2p PublicKey protobuf
// {Type = Ed25519 (1), Data = 32 bytes} is short enough (36 bytes) to be
// inlined in an identity multihash, so the peer id *is* the public key:
//   08 01 12 20 <key>          protobuf PublicKey
//   00 24 <36 bytes above>     identity multihash (code 0x00, length 36)
// and its base58 text always starts with "12D3KooW".
#include "crypto/Hash32.h"

#include <QByteArray>
#include <QHashFunctions>
#include <QString>
#include <QStringView>
#include <functional>
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

// A peer id as a value: the multihash bytes, compared and hashed as bytes,
// so code that keys maps by peer or passes peers along never encodes them.
// Text (base58) is for people and the API: toBase58() at that edge only.
// Only Ed25519 identity multihashes are valid; a default-constructed PeerId
// is null and names no peer.
class PeerId {
public:
    PeerId() = default;
    static PeerId fromPublicKey(const Hash32 &publicKey) { return PeerId(peerIdBytes(publicKey)); }
    // nullopt unless `multihash` is an Ed25519 identity multihash.
    static std::optional<PeerId> fromBytes(QByteArrayView multihash);
    // nullopt unless `text` is the base58 form of one ("12D3KooW…").
    static std::optional<PeerId> fromBase58(QStringView text);

    bool isNull() const { return bytes_.isEmpty(); }
    const QByteArray &bytes() const { return bytes_; }
    Hash32 publicKey() const;  // zero for a null id
    QString toBase58() const;

    friend bool operator==(const PeerId &a, const PeerId &b) { return a.bytes_ == b.bytes_; }
    friend bool operator!=(const PeerId &a, const PeerId &b) { return !(a == b); }
    friend bool operator<(const PeerId &a, const PeerId &b) { return a.bytes_ < b.bytes_; }

private:
    explicit PeerId(QByteArray bytes) : bytes_(std::move(bytes)) {}
    QByteArray bytes_;
};

inline size_t qHash(const PeerId &p, size_t seed = 0) noexcept { return qHash(p.bytes(), seed); }

}  // namespace dn

template <>
struct std::hash<dn::PeerId> {
    size_t operator()(const dn::PeerId &p) const noexcept { return qHash(p.bytes()); }
};
