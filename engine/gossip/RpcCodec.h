#pragma once
// Encoding and decoding of gossipsub RPCs (engine/codec/rpc.proto). Messages
// are cached and forwarded in their encoded form, so RPCs that carry them are
// assembled from those bytes instead of being re-encoded.
#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <string>

namespace deltanode::gossipsub { class RPC; class ControlMessage; class Message; }
namespace google::protobuf { class MessageLite; }

namespace dn::gossip_rpc {

// Parses one RPC (no length prefix). False for bytes that are not a valid
// protobuf RPC; unknown fields are skipped. The caller bounds the size first.
bool decode(QByteArrayView bytes, deltanode::gossipsub::RPC &out);

QByteArray encode(const google::protobuf::MessageLite &msg);

// An RPC carrying already-encoded Message protobufs and, if not null, a
// control part. Byte-identical to encoding the same RPC object.
QByteArray withMessages(const QList<QByteArray> &encodedMessages,
                        const deltanode::gossipsub::ControlMessage *control = nullptr);

// Appends protobuf's base-128 varint encoding of v.
void appendVarint(QByteArray &out, quint64 v);

inline QByteArray toQt(const std::string &s) { return QByteArray(s.data(), static_cast<qsizetype>(s.size())); }
inline std::string toStd(QByteArrayView b) { return std::string(b.data(), static_cast<size_t>(b.size())); }

}  // namespace dn::gossip_rpc
