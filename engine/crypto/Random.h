#pragma once
// Cryptographically secure random bytes (OpenSSL's DRBG): nonces, keys, tokens.
#include <QByteArray>

namespace dn {

// n bytes from RAND_bytes. n <= 0 gives an empty array. A DRBG failure means
// the process cannot do any safe cryptography, so it aborts rather than return
// predictable bytes.
QByteArray randomBytes(int n);

}  // namespace dn
