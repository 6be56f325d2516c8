#include "gossip/RpcFrameReader.h"

#include "net/Varint.h"

namespace dn {

QByteArray frameRpc(const QByteArray &rpc) {
    QByteArray out;
    out.reserve(rpc.size() + 5);
    appendVarint(out, static_cast<uint64_t>(rpc.size()));
    out.append(rpc);
    return out;
}

RpcFrameReader::Status RpcFrameReader::next(QByteArray &frame) {
    if (failed_ != Status::NeedMore) return failed_;
    if (pendingLen_ < 0) {
        const VarintDecode d = decodeVarint(QByteArrayView(buf_).sliced(pos_));
        if (d.status == VarintDecode::NeedMore) return Status::NeedMore;
        if (d.status == VarintDecode::Invalid) return failed_ = Status::Invalid;
        if (d.value > static_cast<uint64_t>(maxFrame_)) return failed_ = Status::TooLarge;
        pos_ += d.length;
        pendingLen_ = static_cast<qsizetype>(d.value);
    }
    if (buf_.size() - pos_ < pendingLen_) return Status::NeedMore;
    frame = buf_.mid(pos_, pendingLen_);
    pos_ += pendingLen_;
    pendingLen_ = -1;
    // Compact once the consumed prefix dominates, so the buffer stays about
    // one frame long however long the stream lives.
    if (pos_ == buf_.size()) {
        buf_.clear();
        pos_ = 0;
    } else if (pos_ > 64 * 1024 && pos_ * 2 > buf_.size()) {
        buf_.remove(0, pos_);
        pos_ = 0;
    }
    return Status::Frame;
}

}  // namespace dn
