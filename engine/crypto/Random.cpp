#include "crypto/Random.h"

#include <QtGlobal>
#include <openssl/rand.h>

namespace dn {

QByteArray randomBytes(int n) {
    if (n <= 0) return {};
    QByteArray out(n, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(out.data()), n) != 1)
        qFatal("OpenSSL RAND_bytes failed: no secure randomness available");
    return out;
}

}  // namespace dn
