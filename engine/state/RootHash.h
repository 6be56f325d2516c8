#pragma once
// The state root hash (ARCHITECTURE §5): the sum, modulo 2^256, of the SHA-256 of
// every live entry's hash form (StateEntry.h), each digest read as a 256-bit
// BIG-endian unsigned integer (byte 0 most significant). The result is stored
// the same way.
//
// A sum is commutative and invertible, so the root does not depend on the
// order deltas were applied in, and changing one entry costs one subtraction
// and one addition (O(1)) instead of rehashing the whole state as a Merkle
// tree would. An empty state has the zero root.
#include "crypto/Hash32.h"

namespace dn::roothash {

inline void add(Hash32 &acc, const Hash32 &x) {
    unsigned carry = 0;
    for (int i = 31; i >= 0; --i) {
        const unsigned s = unsigned(acc.bytes[i]) + x.bytes[i] + carry;
        acc.bytes[i] = uint8_t(s);
        carry = s >> 8;
    }
}

inline void subtract(Hash32 &acc, const Hash32 &x) {
    int borrow = 0;
    for (int i = 31; i >= 0; --i) {
        const int d = int(acc.bytes[i]) - int(x.bytes[i]) - borrow;
        acc.bytes[i] = uint8_t(d & 0xFF);
        borrow = d < 0 ? 1 : 0;
    }
}

}  // namespace dn::roothash
