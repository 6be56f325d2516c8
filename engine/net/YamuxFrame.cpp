#include "net/YamuxFrame.h"

namespace dn {
namespace {

void put16(QByteArray &out, uint16_t v) { out.append(char(v >> 8)).append(char(v & 0xff)); }
void put32(QByteArray &out, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.append(char((v >> s) & 0xff));
}
uint32_t get32(QByteArrayView in, int at) {
    return (uint32_t(uint8_t(in[at])) << 24) | (uint32_t(uint8_t(in[at + 1])) << 16) |
           (uint32_t(uint8_t(in[at + 2])) << 8) | uint32_t(uint8_t(in[at + 3]));
}

}  // namespace

void YamuxHeader::appendTo(QByteArray &out) const {
    out.append(char(version)).append(char(type));
    put16(out, flags);
    put32(out, streamId);
    put32(out, length);
}

std::optional<YamuxHeader> YamuxHeader::parse(QByteArrayView in) {
    if (in.size() < kSize) return std::nullopt;
    YamuxHeader h;
    h.version = uint8_t(in[0]);
    h.type = uint8_t(in[1]);
    h.flags = uint16_t((uint8_t(in[2]) << 8) | uint8_t(in[3]));
    h.streamId = get32(in, 4);
    h.length = get32(in, 8);
    return h;
}

}  // namespace dn
