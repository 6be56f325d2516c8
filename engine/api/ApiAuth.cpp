#include "api/ApiAuth.h"
#include "crypto/Sha256.h"

namespace dn {

bool ApiAuth::tokensEqual(const QByteArray &a, const QByteArray &b) {
    const Hash32 ha = sha256(a), hb = sha256(b);
    uint8_t diff = 0;
    for (size_t i = 0; i < ha.bytes.size(); ++i) diff |= uint8_t(ha.bytes[i] ^ hb.bytes[i]);
    return diff == 0;
}

bool ApiAuth::allows(const QByteArray &authorization, const QString &queryToken) const {
    const QByteArray expected = token_ ? token_().toUtf8() : QByteArray();
    if (expected.isEmpty()) return false;
    QByteArray presented;
    const QByteArray auth = authorization.trimmed();
    if (auth.size() > 7 && auth.first(7).compare("Bearer ", Qt::CaseInsensitive) == 0)
        presented = auth.sliced(7).trimmed();
    else if (!queryToken.isEmpty())
        presented = queryToken.toUtf8();
    if (presented.isEmpty()) return false;
    return tokensEqual(presented, expected);
}

}  // namespace dn
