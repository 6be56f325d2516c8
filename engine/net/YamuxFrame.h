#pragma once
// The 12-byte yamux frame header (libp2p/specs yamux, hashicorp/yamux
// spec.md): version, type, flags, stream id, length — all big endian.
#include <QByteArray>
#include <QByteArrayView>
#include <cstdint>
#include <optional>

namespace dn {

struct YamuxHeader {
    enum Type : uint8_t { Data = 0, WindowUpdate = 1, Ping = 2, GoAway = 3 };
    enum Flag : uint16_t { Syn = 1, Ack = 2, Fin = 4, Rst = 8 };
    enum GoAwayCode : uint32_t { Normal = 0, ProtocolError = 1, InternalError = 2 };

    static constexpr int kSize = 12;

    uint8_t version = 0;
    uint8_t type = Data;
    uint16_t flags = 0;
    uint32_t streamId = 0;
    uint32_t length = 0;

    bool has(Flag f) const { return (flags & f) != 0; }
    void appendTo(QByteArray &out) const;
    // The header at the start of `in`; nullopt when fewer than 12 bytes. No
    // validation here: the session decides what is legal.
    static std::optional<YamuxHeader> parse(QByteArrayView in);
};

}  // namespace dn
