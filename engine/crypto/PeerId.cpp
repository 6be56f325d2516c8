#include "crypto/PeerId.h"

#include "crypto/Base58.h"

#include <cstring>

namespace dn {
namespace {

// identity multihash (0x00), length 36, then PublicKey{Type: Ed25519, Data: 32 bytes}.
constexpr char kPrefix[] = {0x00, 0x24, 0x08, 0x01, 0x12, 0x20};
constexpr qsizetype kPrefixSize = sizeof kPrefix;
constexpr qsizetype kPeerIdSize = kPrefixSize + 32;

}  // namespace

QByteArray peerIdBytes(const Hash32 &publicKey) {
    QByteArray out;
    out.reserve(kPeerIdSize);
    out.append(kPrefix, kPrefixSize);
    out.append(publicKey.data(), 32);
    return out;
}

QString peerIdFromPublicKey(const Hash32 &publicKey) {
    return base58Encode(peerIdBytes(publicKey));
}

std::optional<Hash32> publicKeyFromPeerIdBytes(QByteArrayView multihash) {
    if (multihash.size() != kPeerIdSize || std::memcmp(multihash.data(), kPrefix, kPrefixSize) != 0)
        return std::nullopt;
    Hash32 h;
    std::memcpy(h.bytes.data(), multihash.data() + kPrefixSize, 32);
    return h;
}

std::optional<Hash32> publicKeyFromPeerId(QStringView peerId) {
    // 38 bytes need at most 52 base58 characters.
    auto raw = base58Decode(peerId, 64);
    if (!raw) return std::nullopt;
    return publicKeyFromPeerIdBytes(*raw);
}

std::optional<PeerId> PeerId::fromBytes(QByteArrayView multihash) {
    if (!publicKeyFromPeerIdBytes(multihash)) return std::nullopt;
    return PeerId(multihash.toByteArray());
}

std::optional<PeerId> PeerId::fromBase58(QStringView text) {
    auto raw = base58Decode(text, 64);
    if (!raw) return std::nullopt;
    return fromBytes(*raw);
}

Hash32 PeerId::publicKey() const { return publicKeyFromPeerIdBytes(bytes_).value_or(Hash32{}); }

QString PeerId::toBase58() const { return isNull() ? QString() : base58Encode(bytes_); }

}  // namespace dn
