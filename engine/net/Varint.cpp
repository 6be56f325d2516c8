#include "net/Varint.h"

namespace dn {

void appendVarint(QByteArray &out, uint64_t value) {
    while (value >= 0x80) {
        out.append(char((value & 0x7f) | 0x80));
        value >>= 7;
    }
    out.append(char(value));
}

QByteArray encodeVarint(uint64_t value) {
    QByteArray out;
    appendVarint(out, value);
    return out;
}

VarintDecode decodeVarint(QByteArrayView in, int maxBytes) {
    VarintDecode d;
    const int limit = maxBytes < kVarintMaxBytes ? maxBytes : kVarintMaxBytes;
    uint64_t value = 0;
    for (int i = 0; i < limit; ++i) {
        if (i >= in.size()) return d;  // NeedMore
        const uint8_t b = uint8_t(in[i]);
        value |= uint64_t(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            // A last byte of 0 after other bytes means a longer encoding than
            // needed; accepting it would give one value two spellings.
            if (b == 0 && i > 0) {
                d.status = VarintDecode::Invalid;
                return d;
            }
            d.status = VarintDecode::Ok;
            d.value = value;
            d.length = i + 1;
            return d;
        }
    }
    d.status = VarintDecode::Invalid;
    return d;
}

}  // namespace dn
