#include "net/MultistreamSelect.h"

#include "net/Varint.h"

namespace dn {

MultistreamSelect MultistreamSelect::dialer(QStringList protocols) {
    MultistreamSelect m;
    m.dialer_ = true;
    m.proposals_ = std::move(protocols);
    if (m.proposals_.isEmpty()) m.fail(Failure::NoCommonProtocol, QStringLiteral("no protocol to propose"));
    return m;
}

MultistreamSelect MultistreamSelect::listener(std::function<bool(const QString &)> supports,
                                              QStringList advertised) {
    MultistreamSelect m;
    m.supports_ = std::move(supports);
    m.advertised_ = std::move(advertised);
    return m;
}

QByteArray MultistreamSelect::encodeMessage(const QString &text) {
    const QByteArray body = text.toUtf8() + '\n';
    QByteArray out;
    appendVarint(out, uint64_t(body.size()));
    out.append(body);
    return out;
}

QByteArray MultistreamSelect::start() {
    QByteArray out = encodeMessage(kHeader);
    if (dialer_ && !proposals_.isEmpty()) out += encodeMessage(proposals_.first());
    return out;
}

MultistreamSelect::Status MultistreamSelect::fail(Failure f, QString message) {
    status_ = Status::Failed;
    failure_ = f;
    failureMessage_ = std::move(message);
    buf_.clear();
    return status_;
}

NetError MultistreamSelect::netError() const {
    NetReject r = NetReject::MultistreamMalformed;
    if (failure_ == Failure::Oversized) r = NetReject::MultistreamOversized;
    if (failure_ == Failure::NoCommonProtocol || failure_ == Failure::TooManyAttempts)
        r = NetReject::MultistreamUnsupported;
    return NetError{r, failureMessage_};
}

QByteArray MultistreamSelect::takeRemainder() {
    QByteArray r;
    r.swap(buf_);
    return r;
}

MultistreamSelect::Status MultistreamSelect::feed(QByteArrayView in, QByteArray &out) {
    if (status_ == Status::Failed) return status_;
    buf_.append(in);
    while (status_ == Status::Pending) {
        const VarintDecode len = decodeVarint(buf_);
        if (len.status == VarintDecode::NeedMore) break;
        if (len.status == VarintDecode::Invalid)
            return fail(Failure::Malformed, QStringLiteral("bad multistream length prefix"));
        if (len.value > uint64_t(kMaxMessage))
            return fail(Failure::Oversized,
                        QStringLiteral("multistream message longer than %1 bytes").arg(kMaxMessage));
        if (len.value == 0 || buf_.size() - len.length < qsizetype(len.value)) {
            if (len.value == 0) return fail(Failure::Malformed, QStringLiteral("empty multistream message"));
            break;
        }
        const QByteArray body = buf_.mid(len.length, qsizetype(len.value));
        buf_.remove(0, len.length + qsizetype(len.value));
        if (!body.endsWith('\n'))
            return fail(Failure::Malformed, QStringLiteral("multistream message without trailing newline"));
        const QString msg = QString::fromUtf8(body.left(body.size() - 1));
        handleMessage(msg, out);
    }
    return status_;
}

MultistreamSelect::Status MultistreamSelect::handleMessage(const QString &msg, QByteArray &out) {
    if (!headerSeen_) {
        if (msg != kHeader)
            return fail(Failure::Malformed, QStringLiteral("peer did not start with %1").arg(kHeader));
        headerSeen_ = true;  // ours went out with start()
        return status_;
    }
    return dialer_ ? handleAsDialer(msg, out) : handleAsListener(msg, out);
}

MultistreamSelect::Status MultistreamSelect::handleAsDialer(const QString &msg, QByteArray &out) {
    if (proposals_.isEmpty()) return fail(Failure::Malformed, QStringLiteral("unexpected multistream message"));
    if (msg == proposals_.first()) {
        protocol_ = msg;
        status_ = Status::Done;
        return status_;
    }
    if (msg != QLatin1String("na"))
        return fail(Failure::Malformed, QStringLiteral("peer answered '%1' to '%2'").arg(msg.left(64), proposals_.first()));
    proposals_.removeFirst();
    if (proposals_.isEmpty())
        return fail(Failure::NoCommonProtocol, QStringLiteral("peer supports none of the proposed protocols"));
    out += encodeMessage(proposals_.first());
    return status_;
}

MultistreamSelect::Status MultistreamSelect::handleAsListener(const QString &msg, QByteArray &out) {
    if (++proposalsSeen_ > kMaxProposals)
        return fail(Failure::TooManyAttempts, QStringLiteral("too many multistream proposals"));
    if (msg == QLatin1String("ls")) {
        // As go-multistream: one message whose body is the list of
        // length-prefixed protocol lines, followed by a newline.
        QByteArray list;
        for (const QString &p : advertised_) list += encodeMessage(p);
        list += '\n';
        appendVarint(out, uint64_t(list.size()));
        out += list;
        return status_;
    }
    if (supports_ && msg != kHeader && supports_(msg)) {
        out += encodeMessage(msg);
        protocol_ = msg;
        status_ = Status::Done;
        return status_;
    }
    out += encodeMessage(QStringLiteral("na"));
    return status_;
}

}  // namespace dn
