#include "net/ConnectionUpgrade.h"

namespace dn {

ConnectionUpgrade::ConnectionUpgrade(bool initiator, Ed25519Key identity, bool inlineMuxers,
                                     std::optional<Hash32> expectedRemote)
    : initiator_(initiator),
      security_(initiator ? MultistreamSelect::dialer({kNoise})
                          : MultistreamSelect::listener([](const QString &p) { return p == kNoise; },
                                                        {kNoise})),
      noise_(std::make_unique<NoiseSession>(initiator, std::move(identity),
                                            inlineMuxers ? QStringList{kYamux} : QStringList{},
                                            expectedRemote)) {}

QString ConnectionUpgrade::phaseName() const {
    switch (phase_) {
    case Phase::Security: return QStringLiteral("security");
    case Phase::Noise: return QStringLiteral("noise");
    case Phase::Muxer: return QStringLiteral("muxer");
    case Phase::Done: return QStringLiteral("done");
    case Phase::Failed: break;
    }
    return QStringLiteral("failed");
}

QByteArray ConnectionUpgrade::start() { return security_.start(); }

bool ConnectionUpgrade::fail(NetError e) {
    if (!error_) error_ = std::move(e);
    phase_ = Phase::Failed;
    return false;
}

bool ConnectionUpgrade::failNegotiation(const MultistreamSelect &m) { return fail(m.netError()); }

QByteArray ConnectionUpgrade::takeMuxerBytes() {
    QByteArray b;
    b.swap(muxerBytes_);
    return b;
}

bool ConnectionUpgrade::feed(QByteArrayView raw, QByteArray &out) {
    switch (phase_) {
    case Phase::Security: return feedSecurity(raw, out);
    case Phase::Noise:
    case Phase::Muxer: return feedNoise(raw, out);
    case Phase::Done: {  // the connection should use noise() now; stay correct anyway
        QByteArray plain;
        if (!noise_->feed(raw, out, plain)) return fail(*noise_->error());
        muxerBytes_ += plain;
        return true;
    }
    case Phase::Failed: break;
    }
    return false;
}

bool ConnectionUpgrade::feedSecurity(QByteArrayView raw, QByteArray &out) {
    if (security_.feed(raw, out) == MultistreamSelect::Status::Failed) return failNegotiation(security_);
    if (security_.status() != MultistreamSelect::Status::Done) return true;
    phase_ = Phase::Noise;
    out += noise_->start();
    // Bytes after the final multistream message are already Noise frames.
    const QByteArray rest = security_.takeRemainder();
    return rest.isEmpty() ? true : feedNoise(rest, out);
}

bool ConnectionUpgrade::feedNoise(QByteArrayView raw, QByteArray &out) {
    QByteArray plain;
    const bool wasEstablished = noise_->isEstablished();
    if (!noise_->feed(raw, out, plain)) return fail(*noise_->error());
    if (!noise_->isEstablished()) return true;
    if (!wasEstablished) {
        if (noise_->earlyMuxer() == kYamux) {
            phase_ = Phase::Done;
            muxerBytes_ += plain;
            return true;
        }
        if (!noise_->earlyMuxer().isEmpty())
            return fail({NetReject::NoiseMuxerMismatch, QStringLiteral("peer chose an unknown muxer")});
        phase_ = Phase::Muxer;
        muxer_ = std::make_unique<MultistreamSelect>(
            initiator_ ? MultistreamSelect::dialer({kYamux})
                       : MultistreamSelect::listener([](const QString &p) { return p == kYamux; }, {kYamux}));
        out += noise_->encrypt(muxer_->start());
    }
    return plain.isEmpty() ? true : feedMuxer(plain, out);
}

bool ConnectionUpgrade::feedMuxer(QByteArrayView plain, QByteArray &out) {
    if (phase_ == Phase::Done) {
        muxerBytes_ += plain;
        return true;
    }
    QByteArray reply;
    const auto st = muxer_->feed(plain, reply);
    if (!reply.isEmpty()) out += noise_->encrypt(reply);
    if (st == MultistreamSelect::Status::Failed) return failNegotiation(*muxer_);
    if (st == MultistreamSelect::Status::Done) {
        phase_ = Phase::Done;
        muxerBytes_ += muxer_->takeRemainder();
    }
    return true;
}

}  // namespace dn
