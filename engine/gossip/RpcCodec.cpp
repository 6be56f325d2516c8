#include "gossip/RpcCodec.h"

#include "rpc.pb.h"

#include <limits>

namespace dn::gossip_rpc {
namespace {

// Tags of RPC fields 2 (publish) and 3 (control), wire type 2 (length-delimited).
constexpr char kPublishTag = 0x12;
constexpr char kControlTag = 0x1a;

void appendField(QByteArray &out, char tag, QByteArrayView body) {
    out.append(tag);
    appendVarint(out, static_cast<quint64>(body.size()));
    out.append(body.data(), body.size());
}

}  // namespace

bool decode(QByteArrayView bytes, deltanode::gossipsub::RPC &out) {
    if (bytes.size() > std::numeric_limits<int>::max()) return false;
    return out.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

QByteArray encode(const google::protobuf::MessageLite &msg) {
    QByteArray out(static_cast<qsizetype>(msg.ByteSizeLong()), Qt::Uninitialized);
    msg.SerializeToArray(out.data(), static_cast<int>(out.size()));
    return out;
}

QByteArray withMessages(const QList<QByteArray> &encodedMessages,
                        const deltanode::gossipsub::ControlMessage *control) {
    qsizetype total = 0;
    for (const QByteArray &m : encodedMessages) total += m.size() + 11;
    QByteArray out;
    out.reserve(total + 16);
    for (const QByteArray &m : encodedMessages) appendField(out, kPublishTag, m);
    if (control) appendField(out, kControlTag, encode(*control));
    return out;
}

void appendVarint(QByteArray &out, quint64 v) {
    while (v >= 0x80) {
        out.append(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.append(static_cast<char>(v));
}

}  // namespace dn::gossip_rpc
