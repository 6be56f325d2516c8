#include "net/Stream.h"

#include "net/Connection.h"
#include "net/MultistreamSelect.h"

namespace dn {

Stream::Stream(Connection *conn, uint32_t id, Direction dir, const PeerId &remotePeer)
    : QObject(conn), conn_(conn), id_(id), direction_(dir), remotePeer_(remotePeer) {
    negotiationTimer_.setSingleShot(true);
    connect(&negotiationTimer_, &QTimer::timeout, this, [this] {
        failNegotiation({NetReject::HandshakeTimeout, QStringLiteral("stream protocol negotiation timed out")});
    });
}

Stream::~Stream() = default;

Connection *Stream::connection() const { return conn_.data(); }

void Stream::startNegotiation(std::unique_ptr<MultistreamSelect> mss, int timeoutMs) {
    mss_ = std::move(mss);
    negotiationTimer_.start(timeoutMs);
    if (conn_) conn_->streamWrite(id_, mss_->start());
}

void Stream::onReadable() {
    if (state_ == State::Open) {
        emit readyRead();
        return;
    }
    if (state_ != State::Negotiating || !conn_) return;
    const QByteArray data = conn_->streamRead(id_, -1);
    QByteArray out;
    const auto st = mss_->feed(data, out);
    if (!out.isEmpty()) conn_->streamWrite(id_, out);
    if (st == MultistreamSelect::Status::Failed) {
        failNegotiation(mss_->netError());
    } else if (st == MultistreamSelect::Status::Done) {
        early_ = mss_->takeRemainder();
        finishNegotiation();
    }
}

void Stream::finishNegotiation() {
    negotiationTimer_.stop();
    protocol_ = mss_->protocol();
    mss_.reset();
    state_ = State::Open;
    if (!conn_) return;
    conn_->streamNegotiated(this);  // the open callback or the handler connects to us here
    if (state_ != State::Open) return;
    if (bytesAvailable() > 0) emit readyRead();
    if (state_ == State::Open && remoteFin_ && !finSignalled_) {
        finSignalled_ = true;
        emit readFinished();
        maybeClose(false);
    }
}

void Stream::failNegotiation(const NetError &e) {
    if (state_ != State::Negotiating) return;
    if (conn_) conn_->streamNegotiationFailed(this, e);
    reset();
}

void Stream::onRemoteFin() {
    remoteFin_ = true;
    if (state_ == State::Negotiating) {
        // The agreement can never complete now.
        failNegotiation({NetReject::MultistreamMalformed,
                         QStringLiteral("peer closed the stream during protocol negotiation")});
        return;
    }
    if (state_ != State::Open || finSignalled_) return;
    finSignalled_ = true;
    emit readFinished();
    maybeClose(false);
}

void Stream::onRemoteReset(const QString &reason) {
    if (state_ == State::Closed) return;
    const bool wasOpen = state_ == State::Open;
    state_ = State::Closed;
    negotiationTimer_.stop();
    if (wasOpen) emit wasReset(reason);
    finish(false);
}

void Stream::onWritten(qint64 n) {
    if (state_ == State::Open) emit bytesWritten(n);
}

qint64 Stream::write(const QByteArray &data) {
    if (state_ != State::Open || writeClosed_ || !conn_) return -1;
    if (!conn_->streamWrite(id_, data)) return -1;
    bytesOut_ += quint64(data.size());
    if (!data.isEmpty()) emit conn_->protocolBytes(protocol_, 0, quint64(data.size()));
    return data.size();
}

QByteArray Stream::read(qsizetype max) {
    if (max <= 0) return {};
    QByteArray data;
    if (!early_.isEmpty()) {
        data = early_.left(max);
        early_.remove(0, data.size());
    }
    if (data.size() < max && state_ == State::Open && conn_)
        data += conn_->streamRead(id_, max - data.size());
    if (!data.isEmpty()) {
        bytesIn_ += quint64(data.size());
        if (conn_) emit conn_->protocolBytes(protocol_, quint64(data.size()), 0);
    }
    maybeClose(true);
    return data;
}

QByteArray Stream::readAll() { return read(std::numeric_limits<qsizetype>::max()); }

qsizetype Stream::bytesAvailable() const {
    qsizetype n = early_.size();
    if (state_ == State::Open && conn_) n += conn_->streamAvailable(id_);
    return n;
}

qsizetype Stream::bytesToWrite() const {
    return state_ == State::Open && conn_ ? conn_->streamToWrite(id_) : 0;
}

bool Stream::atEnd() const { return remoteFin_ && bytesAvailable() == 0; }

void Stream::closeWrite() {
    if (writeClosed_ || state_ != State::Open) return;
    writeClosed_ = true;
    if (conn_) conn_->streamCloseWrite(id_);
    maybeClose(true);
}

void Stream::reset() {
    if (state_ == State::Closed) return;
    state_ = State::Closed;
    negotiationTimer_.stop();
    if (conn_) conn_->streamReset(id_);
    finish(true);
}

void Stream::maybeClose(bool deferred) {
    if (state_ == State::Open && writeClosed_ && remoteFin_ && bytesAvailable() == 0) {
        state_ = State::Closed;
        finish(deferred);
    }
}

void Stream::finish(bool deferred) {
    state_ = State::Closed;
    if (conn_) conn_->streamFinished(this);
    // From inside an application call (read, closeWrite, reset) the signal
    // waits for the next turn, so callers never see re-entrant closed().
    if (closeQueued_) return;
    closeQueued_ = true;
    if (deferred) {
        QMetaObject::invokeMethod(this, [this] { emit closed(); deleteLater(); }, Qt::QueuedConnection);
    } else {
        emit closed();
        deleteLater();
    }
}

}  // namespace dn
