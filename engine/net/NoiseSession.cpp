#include "net/NoiseSession.h"
#include "net/ByteView.h"

namespace dn {

NoiseSession::NoiseSession(bool initiator, Ed25519Key identity, QStringList muxers,
                           std::optional<Hash32> expectedRemote)
    : handshake_(std::make_unique<NoiseHandshake>(initiator, std::move(identity), std::move(muxers))) {
    if (expectedRemote) handshake_->setExpectedRemote(*expectedRemote);
}

void NoiseSession::appendFrame(QByteArray &out, QByteArrayView body) {
    out.append(char((body.size() >> 8) & 0xff)).append(char(body.size() & 0xff));
    out.append(body);
}

bool NoiseSession::fail(NetError e) {
    if (!error_) error_ = std::move(e);
    buf_.clear();
    return false;
}

QByteArray NoiseSession::start() {
    if (!handshake_->shouldWrite()) return {};
    QByteArray msg, out;
    if (auto err = handshake_->writeMessage(msg)) {
        fail(*err);
        return {};
    }
    appendFrame(out, msg);
    return out;
}

bool NoiseSession::feed(QByteArrayView in, QByteArray &out, QByteArray &plain) {
    if (error_) return false;
    buf_.append(in);
    qsizetype pos = 0;
    while (buf_.size() - pos >= 2) {
        const int len = (uint8_t(buf_[pos]) << 8) | uint8_t(buf_[pos + 1]);
        if (buf_.size() - pos - 2 < len) break;
        const bool ok = handleFrame(viewMid(buf_, pos + 2, len), out, plain);
        if (!ok) return false;  // fail() cleared buf_
        pos += 2 + len;
    }
    buf_.remove(0, pos);
    return true;
}

bool NoiseSession::handleFrame(QByteArrayView frame, QByteArray &out, QByteArray &plain) {
    if (established_) {
        if (frame.size() < kMinTransportFrame)
            return fail({NetReject::NoiseBadFrame, QStringLiteral("noise transport frame shorter than its tag")});
        auto p = recv_.decryptWithAd(QByteArrayView(), frame);
        if (!p) return fail({NetReject::NoiseDecryptFailed, QStringLiteral("noise transport frame does not decrypt")});
        plain.append(*p);
        return true;
    }
    if (auto err = handshake_->readMessage(frame)) return fail(*err);
    if (handshake_->shouldWrite()) {
        QByteArray msg;
        if (auto err = handshake_->writeMessage(msg)) return fail(*err);
        appendFrame(out, msg);
    }
    if (handshake_->isComplete()) {
        auto [send, recv] = handshake_->transportCiphers();
        send_ = send;
        recv_ = recv;
        established_ = true;
    }
    return true;
}

QByteArray NoiseSession::encrypt(QByteArrayView plaintext) {
    QByteArray out;
    if (!established_ || error_) return out;
    out.reserve(plaintext.size() + (plaintext.size() / kMaxPlaintext + 1) * 18);
    for (qsizetype pos = 0; pos < plaintext.size(); pos += kMaxPlaintext) {
        auto c = send_.encryptWithAd(QByteArrayView(), viewMid(plaintext, pos, kMaxPlaintext));
        if (!c) {
            fail({NetReject::NoiseDecryptFailed, QStringLiteral("noise nonce space exhausted")});
            return {};
        }
        appendFrame(out, *c);
    }
    return out;
}

}  // namespace dn
