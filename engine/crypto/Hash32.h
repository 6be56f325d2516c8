#pragma once
// A 32-byte identifier: delta ids, context ids, app ids, blob ids, public keys.
// Fixed size and held by value, because ids are compared and hashed on every
// hot path (DAG lookups, state keys) and a heap allocation each time would show.
#include <QByteArray>
#include <QString>
#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>

namespace dn {

struct Hash32 {
    std::array<uint8_t, 32> bytes{};

    static Hash32 zero() { return {}; }
    bool isZero() const {
        for (uint8_t b : bytes) if (b) return false;
        return true;
    }
    // Exactly 32 bytes, or nullopt.
    static std::optional<Hash32> fromBytes(const QByteArray &b) {
        if (b.size() != 32) return std::nullopt;
        Hash32 h;
        std::memcpy(h.bytes.data(), b.constData(), 32);
        return h;
    }
    static std::optional<Hash32> fromBase58(const QString &s);  // crypto/Base58.cpp
    QByteArray toByteArray() const {
        return QByteArray(reinterpret_cast<const char *>(bytes.data()), 32);
    }
    QString toBase58() const;  // crypto/Base58.cpp
    QString toHex() const { return QString::fromLatin1(toByteArray().toHex()); }
    const char *data() const { return reinterpret_cast<const char *>(bytes.data()); }

    friend bool operator==(const Hash32 &a, const Hash32 &b) { return a.bytes == b.bytes; }
    friend auto operator<=>(const Hash32 &a, const Hash32 &b) { return a.bytes <=> b.bytes; }
};

}  // namespace dn

template <> struct std::hash<dn::Hash32> {
    size_t operator()(const dn::Hash32 &h) const noexcept {
        size_t v;  // ids are uniformly distributed already
        std::memcpy(&v, h.bytes.data(), sizeof v);
        return v;
    }
};
inline size_t qHash(const dn::Hash32 &h, size_t seed = 0) noexcept {
    return std::hash<dn::Hash32>{}(h) ^ seed;
}
