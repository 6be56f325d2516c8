#pragma once
// Splits a meshsub stream into RPC frames: each is an unsigned varint length
// followed by that many bytes of protobuf (go's msgio varint reader, js's
// it-length-prefixed). The length is checked against the bound before any
// buffer for the frame is allocated.
#include <QByteArray>
#include <QByteArrayView>

namespace dn {

// The frame of one RPC: varint length, then the bytes.
QByteArray frameRpc(const QByteArray &rpc);

class RpcFrameReader {
public:
    enum class Status {
        Frame,     // `frame` holds the next RPC
        NeedMore,  // wait for more bytes
        TooLarge,  // a length above the bound: the stream cannot be trusted any more
        Invalid,   // a malformed length prefix: likewise
    };

    explicit RpcFrameReader(qsizetype maxFrame) : maxFrame_(maxFrame) {}

    void append(QByteArrayView bytes) { buf_.append(bytes.data(), bytes.size()); }
    // After TooLarge or Invalid the reader stays in that state.
    Status next(QByteArray &frame);
    qsizetype buffered() const { return buf_.size() - pos_; }
    // Bytes the reader still wants for the frame it is in, 0 if unknown.
    qsizetype pendingFrameSize() const { return pendingLen_ < 0 ? 0 : pendingLen_; }

private:
    qsizetype maxFrame_;
    QByteArray buf_;
    qsizetype pos_ = 0;
    qsizetype pendingLen_ = -1;  // decoded length of the frame being read
    Status failed_ = Status::NeedMore;
};

}  // namespace dn
