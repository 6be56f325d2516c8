#pragma once
// A libp2p stream carrying varint-length-prefixed protobuf frames (the sync
// and blob protocols). Reads frames with a bound checked before anything is
// buffered for them, and reports the three ways a stream ends: a bad frame
// (the stream is reset), the peer finishing (EOF), the stream going away.
//
// Does not own the stream (its connection does); the stream may vanish at
// any time, which ends this with `closed`. Node thread only.
#include "gossip/RpcFrameReader.h"
#include "net/Stream.h"
#include <QPointer>
#include <QTimer>
#include <functional>
#include <memory>

namespace google::protobuf { class MessageLite; }

namespace dn {

class FramedStream {
public:
    struct Handlers {
        std::function<void(const QByteArray &frame)> frame;
        std::function<void()> finished;                   // the peer half-closed
        std::function<void(const QString &why)> closed;   // reset, bad frame or gone; final
        std::function<void()> drained;                    // queued bytes went out
    };

    // `maxFrame` is the most the stream will ever accept; setFrameLimit()
    // may hold it lower for a while (a server before authentication).
    FramedStream(Stream *stream, qsizetype maxFrame);
    ~FramedStream();
    FramedStream(const FramedStream &) = delete;
    FramedStream &operator=(const FramedStream &) = delete;

    // Starts delivering (frames that arrived already included).
    void start(Handlers handlers);
    bool send(const google::protobuf::MessageLite &message);
    qsizetype bytesToWrite() const;
    void closeWrite();
    void reset(const QString &why);
    Stream *stream() const { return stream_; }
    const PeerId &remotePeer() const { return peer_; }
    bool isOpen() const { return stream_ && !done_; }
    // The stream was reset because the peer broke the framing (a length
    // over the bound, a malformed length, EOF inside a frame).
    bool badInput() const { return badInput_; }
    // The current bound on an incoming frame, at most the constructor's.
    // Checked on the length prefix, before the frame is buffered.
    void setFrameLimit(qsizetype limit);
    qsizetype frameLimit() const { return limit_; }
    // The stream was reset for a frame over the bound (badInput() too).
    bool oversize() const { return oversize_; }
    // Resets the stream after `ms` with no byte from the peer and none of
    // ours drained (0: never). The countdown restarts on each.
    void setIdleTimeout(int ms);
    bool idledOut() const { return idledOut_; }

private:
    void readSome();
    void end(const QString &why);
    void touch();
    bool overLimit(qsizetype frameSize);

    QPointer<Stream> stream_;
    PeerId peer_;
    RpcFrameReader reader_;
    Handlers h_;
    QList<QMetaObject::Connection> conns_;
    qsizetype max_;
    qsizetype limit_;
    std::unique_ptr<QTimer> idle_;
    bool done_ = false;
    bool badInput_ = false;
    bool oversize_ = false;
    bool idledOut_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace dn
