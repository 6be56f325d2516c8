#pragma once
// Small glue between protobuf messages and Qt byte arrays, shared by the
// codec's files. Internal to engine/codec.
#include "crypto/Hash32.h"

#include <QByteArray>
#include <QByteArrayView>
#include <google/protobuf/message_lite.h>
#include <string>

namespace dn::pb_bytes {

// Deterministic serialization (stable field order, no map reordering), so the
// bytes we hash and sign do not depend on how a message was built.
QByteArray serialize(const google::protobuf::MessageLite &msg);

inline QByteArray toQt(const std::string &s) { return QByteArray(s.data(), static_cast<qsizetype>(s.size())); }
inline std::string toStd(QByteArrayView b) { return std::string(b.data(), static_cast<size_t>(b.size())); }
inline std::string toStd(const Hash32 &h) { return std::string(h.data(), 32); }

// Exactly 32 bytes -> Hash32.
inline bool toHash(const std::string &s, Hash32 &out) {
    if (s.size() != 32) return false;
    std::memcpy(out.bytes.data(), s.data(), 32);
    return true;
}

}  // namespace dn::pb_bytes
