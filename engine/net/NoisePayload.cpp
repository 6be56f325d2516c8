#include "net/NoisePayload.h"

#include "libp2p.pb.h"

namespace dn {
namespace {

constexpr int kMaxMuxers = 16;
constexpr int kMaxMuxerName = 128;

QByteArray signedData(QByteArrayView staticKey) {
    return QByteArray(kNoiseStaticKeyPrefix) + staticKey.toByteArray();
}

}  // namespace

QByteArray encodeLibp2pPublicKey(const Hash32 &ed25519) {
    deltanode::p2p::PublicKey k;
    k.set_type(deltanode::p2p::Ed25519);
    k.set_data(ed25519.data(), 32);
    const std::string s = k.SerializeAsString();
    return QByteArray(s.data(), qsizetype(s.size()));
}

std::optional<Hash32> decodeLibp2pPublicKey(QByteArrayView bytes, bool *unsupported) {
    if (unsupported) *unsupported = false;
    deltanode::p2p::PublicKey k;
    // Partial parse and explicit checks: a missing required field is a
    // peer's mistake to refuse, not something for protobuf to log.
    if (bytes.size() > 4096 || !k.ParsePartialFromArray(bytes.data(), int(bytes.size())) ||
        !k.has_type() || !k.has_data())
        return std::nullopt;
    if (k.type() != deltanode::p2p::Ed25519) {
        if (unsupported) *unsupported = true;
        return std::nullopt;
    }
    return Hash32::fromBytes(QByteArray::fromStdString(k.data()));
}

QByteArray buildNoisePayload(const Ed25519Key &identity, QByteArrayView staticPublicKey,
                             const QStringList &muxers) {
    deltanode::p2p::NoiseHandshakePayload p;
    const QByteArray key = encodeLibp2pPublicKey(identity.publicKey());
    const QByteArray sig = identity.sign(signedData(staticPublicKey));
    p.set_identity_key(key.constData(), size_t(key.size()));
    p.set_identity_sig(sig.constData(), size_t(sig.size()));
    if (!muxers.isEmpty()) {
        auto *ext = p.mutable_extensions();
        for (const QString &m : muxers) ext->add_stream_muxers(m.toStdString());
    }
    const std::string s = p.SerializeAsString();
    return QByteArray(s.data(), qsizetype(s.size()));
}

std::optional<NetError> verifyNoisePayload(QByteArrayView payload, QByteArrayView remoteStaticKey,
                                           NoiseRemoteIdentity &out) {
    deltanode::p2p::NoiseHandshakePayload p;
    if (!p.ParseFromArray(payload.data(), int(payload.size())) || !p.has_identity_key() ||
        !p.has_identity_sig())
        return NetError{NetReject::NoiseBadPayload,
                        QStringLiteral("noise handshake payload is malformed or incomplete")};
    bool unsupported = false;
    auto key = decodeLibp2pPublicKey(QByteArray::fromStdString(p.identity_key()), &unsupported);
    if (!key)
        return NetError{unsupported ? NetReject::NoiseUnsupportedKey : NetReject::NoiseBadPayload,
                        unsupported ? QStringLiteral("peer identity is not an Ed25519 key")
                                    : QStringLiteral("peer identity key is malformed")};
    const QByteArray sig = QByteArray::fromStdString(p.identity_sig());
    if (!ed25519Verify(*key, signedData(remoteStaticKey), sig))
        return NetError{NetReject::NoiseBadSignature,
                        QStringLiteral("peer identity signature over its noise key does not verify")};
    out.publicKey = *key;
    out.muxers.clear();
    if (p.has_extensions()) {
        const auto &muxers = p.extensions().stream_muxers();
        if (muxers.size() > kMaxMuxers)
            return NetError{NetReject::NoiseBadPayload, QStringLiteral("too many stream muxers offered")};
        for (const std::string &m : muxers) {
            if (m.size() > size_t(kMaxMuxerName))
                return NetError{NetReject::NoiseBadPayload, QStringLiteral("stream muxer name too long")};
            out.muxers.append(QString::fromUtf8(m.data(), qsizetype(m.size())));
        }
    }
    return std::nullopt;
}

}  // namespace dn
