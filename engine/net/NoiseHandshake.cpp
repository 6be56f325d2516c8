#include "net/NoiseHandshake.h"
#include "net/ByteView.h"

#include "crypto/PeerId.h"

namespace dn {
namespace {

constexpr int kKey = X25519Key::kSize;
constexpr int kEncryptedKey = X25519Key::kSize + 16;  // key + AEAD tag

NetError badHandshake(const QString &why) { return NetError{NetReject::NoiseBadHandshake, why}; }

}  // namespace

NoiseHandshake::NoiseHandshake(bool initiator, Ed25519Key identity, QStringList muxers,
                               X25519Key staticKey, X25519Key ephemeralKey)
    : initiator_(initiator),
      identity_(std::move(identity)),
      muxers_(std::move(muxers)),
      s_(std::move(staticKey)),
      e_(std::move(ephemeralKey)),
      ss_(kProtocolName) {
    ss_.mixHash(QByteArrayView());  // empty prologue
}

std::optional<NetError> NoiseHandshake::writeMessage(QByteArray &out) {
    if (!shouldWrite()) return badHandshake(QStringLiteral("not our turn to write"));
    out.clear();
    if (step_ == 0) {  // -> e (empty payload: nothing may be sent unencrypted)
        out = e_.publicKey();
        ss_.mixHash(e_.publicKey());
        out += *ss_.encryptAndHash(QByteArrayView());
    } else if (step_ == 1) {  // <- e, ee, s, es, payload
        out = e_.publicKey();
        ss_.mixHash(e_.publicKey());
        auto ee = e_.dh(re_);
        if (!ee) return badHandshake(QStringLiteral("ephemeral key agreement failed"));
        ss_.mixKey(*ee);
        out += *ss_.encryptAndHash(s_.publicKey());
        auto es = s_.dh(re_);
        if (!es) return badHandshake(QStringLiteral("static key agreement failed"));
        ss_.mixKey(*es);
        out += *ss_.encryptAndHash(buildNoisePayload(identity_, s_.publicKey(), muxers_));
    } else {  // -> s, se, payload
        out = *ss_.encryptAndHash(s_.publicKey());
        auto se = s_.dh(re_);
        if (!se) return badHandshake(QStringLiteral("static key agreement failed"));
        ss_.mixKey(*se);
        out += *ss_.encryptAndHash(buildNoisePayload(identity_, s_.publicKey(), muxers_));
    }
    ++step_;
    return std::nullopt;
}

std::optional<NetError> NoiseHandshake::readMessage(QByteArrayView msg) {
    if (isComplete() || shouldWrite()) return badHandshake(QStringLiteral("unexpected handshake message"));
    if (step_ == 0) {  // -> e
        if (msg.size() < kKey)
            return NetError{NetReject::NoiseBadFrame, QStringLiteral("noise message 1 is too short")};
        re_ = viewLeft(msg, kKey).toByteArray();
        ss_.mixHash(re_);
        // Any payload is hashed and ignored: message 1 cannot carry secrets.
        (void)ss_.decryptAndHash(viewMid(msg, kKey));
    } else if (step_ == 1) {  // <- e, ee, s, es, payload
        if (msg.size() < kKey + kEncryptedKey + 16)
            return NetError{NetReject::NoiseBadFrame, QStringLiteral("noise message 2 is too short")};
        re_ = viewLeft(msg, kKey).toByteArray();
        ss_.mixHash(re_);
        auto ee = e_.dh(re_);
        if (!ee) return badHandshake(QStringLiteral("ephemeral key agreement failed"));
        ss_.mixKey(*ee);
        auto rs = ss_.decryptAndHash(viewMid(msg, kKey, kEncryptedKey));
        if (!rs) return badHandshake(QStringLiteral("noise message 2 does not decrypt"));
        rs_ = *rs;
        auto es = e_.dh(rs_);
        if (!es) return badHandshake(QStringLiteral("static key agreement failed"));
        ss_.mixKey(*es);
        auto payload = ss_.decryptAndHash(viewMid(msg, kKey + kEncryptedKey));
        if (!payload) return badHandshake(QStringLiteral("noise message 2 payload does not decrypt"));
        if (auto err = acceptRemotePayload(*payload)) return err;
    } else {  // -> s, se, payload
        if (msg.size() < kEncryptedKey + 16)
            return NetError{NetReject::NoiseBadFrame, QStringLiteral("noise message 3 is too short")};
        auto rs = ss_.decryptAndHash(viewLeft(msg, kEncryptedKey));
        if (!rs) return badHandshake(QStringLiteral("noise message 3 does not decrypt"));
        rs_ = *rs;
        auto se = e_.dh(rs_);
        if (!se) return badHandshake(QStringLiteral("static key agreement failed"));
        ss_.mixKey(*se);
        auto payload = ss_.decryptAndHash(viewMid(msg, kEncryptedKey));
        if (!payload) return badHandshake(QStringLiteral("noise message 3 payload does not decrypt"));
        if (auto err = acceptRemotePayload(*payload)) return err;
    }
    ++step_;
    return std::nullopt;
}

std::optional<NetError> NoiseHandshake::acceptRemotePayload(QByteArrayView payload) {
    if (auto err = verifyNoisePayload(payload, rs_, remote_)) return err;
    if (expected_ && remote_.publicKey != *expected_)
        return NetError{NetReject::NoisePeerMismatch,
                        QStringLiteral("peer authenticated as %1, not the expected %2")
                            .arg(peerIdFromPublicKey(remote_.publicKey), peerIdFromPublicKey(*expected_))};
    // Inlined muxer negotiation applies only when both sides offered some;
    // the initiator's order decides (inlined-muxer-negotiation spec).
    earlyMuxer_.clear();
    if (!muxers_.isEmpty() && !remote_.muxers.isEmpty()) {
        const QStringList &mine = initiator_ ? muxers_ : remote_.muxers;
        const QStringList &theirs = initiator_ ? remote_.muxers : muxers_;
        for (const QString &m : mine) {
            if (theirs.contains(m)) {
                earlyMuxer_ = m;
                break;
            }
        }
        if (earlyMuxer_.isEmpty())
            return NetError{NetReject::NoiseMuxerMismatch,
                            QStringLiteral("no stream muxer in common with the peer")};
    }
    return std::nullopt;
}

std::pair<NoiseCipherState, NoiseCipherState> NoiseHandshake::transportCiphers() const {
    auto [k1, k2] = ss_.split();
    NoiseCipherState c1, c2;
    c1.initializeKey(k1);
    c2.initializeKey(k2);
    if (initiator_) return {c1, c2};
    return {c2, c1};
}

}  // namespace dn
