#include "sync/FramedStream.h"
#include "sync/SyncWire.h"
#include <google/protobuf/message_lite.h>

namespace dn {

namespace {
// Taken from the stream per read: the yamux window reopens as we read, so a
// peer can make us hold at most about one frame plus this.
constexpr qsizetype kReadChunk = 256 * 1024;
}  // namespace

FramedStream::FramedStream(Stream *stream, qsizetype maxFrame)
    : stream_(stream), peer_(stream ? stream->remotePeer() : PeerId()), reader_(maxFrame), max_(maxFrame),
      limit_(maxFrame) {}

void FramedStream::setFrameLimit(qsizetype limit) { limit_ = qBound<qsizetype>(0, limit, max_); }

void FramedStream::setIdleTimeout(int ms) {
    if (ms <= 0) {
        idle_.reset();
        return;
    }
    if (!idle_) {
        idle_ = std::make_unique<QTimer>();
        idle_->setSingleShot(true);
        QObject::connect(idle_.get(), &QTimer::timeout, idle_.get(), [this] {
            if (done_) return;
            idledOut_ = true;
            reset(QStringLiteral("no traffic for %1 ms").arg(idle_->interval()));
        });
    }
    idle_->setInterval(ms);
    if (!done_) idle_->start();
}

void FramedStream::touch() {
    if (idle_ && !done_) idle_->start();
}

bool FramedStream::overLimit(qsizetype frameSize) {
    if (frameSize <= limit_) return false;
    badInput_ = oversize_ = true;
    reset(QStringLiteral("frame of %1 bytes larger than the %2 allowed now").arg(frameSize).arg(limit_));
    return true;
}

FramedStream::~FramedStream() {
    *alive_ = false;
    for (const auto &c : conns_) QObject::disconnect(c);
}

void FramedStream::start(Handlers handlers) {
    h_ = std::move(handlers);
    if (!stream_) return end(QStringLiteral("the stream is gone"));
    Stream *s = stream_;
    conns_ << QObject::connect(s, &Stream::readyRead, s, [this] { readSome(); });
    conns_ << QObject::connect(s, &Stream::readFinished, s, [this] { readSome(); });
    conns_ << QObject::connect(s, &Stream::bytesWritten, s, [this](qint64) {
        touch();
        if (h_.drained && !done_) h_.drained();
    });
    conns_ << QObject::connect(s, &Stream::wasReset, s, [this](const QString &why) {
        end(QStringLiteral("stream reset: %1").arg(why));
    });
    conns_ << QObject::connect(s, &Stream::closed, s, [this] {
        readSome();
        end(QStringLiteral("stream closed"));
    });
    readSome();
}

void FramedStream::readSome() {
    if (done_ || !stream_) return;
    auto alive = alive_;
    while (stream_ && stream_->bytesAvailable() > 0) {
        reader_.append(stream_->read(kReadChunk));
        touch();
        QByteArray f;
        for (;;) {
            const auto st = reader_.next(f);
            // The lower bound is checked on the length prefix, as the
            // reader checks its own: nothing of an oversize frame is kept
            // beyond the chunk already read.
            if (st == RpcFrameReader::Status::NeedMore) {
                if (overLimit(reader_.pendingFrameSize())) return;
                break;
            }
            if (st == RpcFrameReader::Status::Frame && overLimit(f.size())) return;
            if (st != RpcFrameReader::Status::Frame) {
                badInput_ = true;
                oversize_ = st == RpcFrameReader::Status::TooLarge;
                reset(st == RpcFrameReader::Status::TooLarge ? QStringLiteral("frame larger than allowed")
                                                               : QStringLiteral("malformed frame length"));
                return;
            }
            if (h_.frame) h_.frame(f);
            // A handler may end or delete us.
            if (!*alive || done_ || !stream_) return;
        }
    }
    if (stream_ && stream_->atEnd() && stream_->isReadFinished()) {
        if (reader_.buffered() > 0) {
            badInput_ = true;
            return reset(QStringLiteral("the stream ended inside a frame"));
        }
        auto cb = h_.finished;
        h_.finished = nullptr;  // once
        if (cb) cb();
    }
}

bool FramedStream::send(const google::protobuf::MessageLite &message) {
    if (!stream_ || done_) return false;
    touch();
    return stream_->write(syncwire::frame(message)) >= 0;
}

qsizetype FramedStream::bytesToWrite() const { return stream_ ? stream_->bytesToWrite() : 0; }

void FramedStream::closeWrite() {
    if (stream_ && !done_) stream_->closeWrite();
}

void FramedStream::reset(const QString &why) {
    if (stream_ && !stream_->isClosed()) stream_->reset();
    end(why);
}

void FramedStream::end(const QString &why) {
    if (done_) return;
    done_ = true;
    if (idle_) idle_->stop();
    for (const auto &c : conns_) QObject::disconnect(c);
    conns_.clear();
    auto cb = std::move(h_.closed);
    h_ = {};
    if (cb) cb(why);
}

}  // namespace dn
