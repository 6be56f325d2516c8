#pragma once
// Unsigned LEB128 varints as libp2p uses them (multiformats unsigned-varint):
// length prefixes of multistream-select and identify messages, multiaddr
// protocol codes. Peers control these bytes, so decoding is bounded: at most
// 9 bytes (63 bits, the multiformats limit) and minimal encodings only.
// runtime/WasmBinary.h decodes WebAssembly's LEB128 on its own: same bits,
// different rules (non-minimal encodings valid, bounds per type, signed forms).
#include <QByteArray>
#include <QByteArrayView>
#include <cstdint>

namespace dn {

inline constexpr int kVarintMaxBytes = 9;

void appendVarint(QByteArray &out, uint64_t value);
QByteArray encodeVarint(uint64_t value);

struct VarintDecode {
    enum Status { Ok, NeedMore, Invalid };
    Status status = NeedMore;
    uint64_t value = 0;
    int length = 0;  // bytes consumed when Ok
};

// Decodes one varint at the start of `in`. NeedMore when `in` ends inside a
// varint that could still be valid; Invalid when it is longer than
// min(maxBytes, kVarintMaxBytes) or not minimally encoded (a trailing 0x00
// byte), which the multiformats spec forbids.
VarintDecode decodeVarint(QByteArrayView in, int maxBytes = kVarintMaxBytes);

}  // namespace dn
