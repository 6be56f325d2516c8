#include "Validate.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <algorithm>
#include <cstring>
#include <vector>

namespace dn::ctl {
namespace {

constexpr char kAlphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

int digit(QChar c) {
    const char *p = c.unicode() < 128 && c.unicode() > 0 ? std::strchr(kAlphabet, char(c.unicode())) : nullptr;
    return p ? int(p - kAlphabet) : -1;
}

// Number of bytes `text` decodes to, or -1 when a character is outside the
// alphabet. Leading '1's are leading zero bytes, as in Bitcoin's base58.
qsizetype base58DecodedSize(const QString &text) {
    std::vector<uint8_t> num;  // little-endian base-256 digits
    qsizetype zeros = 0;
    while (zeros < text.size() && text[zeros] == QLatin1Char('1')) ++zeros;
    for (qsizetype i = zeros; i < text.size(); ++i) {
        int carry = digit(text[i]);
        if (carry < 0) return -1;
        for (auto &b : num) {
            carry += int(b) * 58;
            b = uint8_t(carry & 0xff);
            carry >>= 8;
        }
        while (carry) {
            num.push_back(uint8_t(carry & 0xff));
            carry >>= 8;
        }
    }
    return zeros + qsizetype(num.size());
}

QString shown(const QString &text) {
    return text.size() > 60 ? text.left(57) + QStringLiteral("...") : text;
}

}  // namespace

std::optional<QString> checkId(const QString &what, const QString &text) {
    if (text.isEmpty()) return QStringLiteral("the %1 is empty").arg(what);
    // 32 bytes are at most 44 base58 characters; refuse long input before the
    // quadratic decode.
    if (text.size() > 44 || base58DecodedSize(text) != 32)
        return QStringLiteral("'%1' is not a valid %2 (expected the base58 text of a 32-byte id)").arg(shown(text), what);
    return std::nullopt;
}

std::optional<QString> checkInvitation(const QString &text) {
    const QString t = text.trimmed();
    if (!t.startsWith(QLatin1String("dn1")) || t.size() <= 3)
        return QStringLiteral("'%1' is not an invitation (invitations start with \"dn1\")").arg(shown(t));
    if (t.size() > 8 * 1024) return QStringLiteral("the invitation is longer than 8 KiB");
    for (qsizetype i = 3; i < t.size(); ++i)
        if (digit(t[i]) < 0) return QStringLiteral("the invitation contains '%1', which is not a base58 character").arg(t[i]);
    return std::nullopt;
}

JsonParse parseJsonText(const QByteArray &text) {
    // QJsonDocument only parses objects and arrays at the top level: wrap the
    // text in an array so that scalars ("42", "\"x\"") are accepted too.
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson('[' + text + ']', &err);
    if (err.error != QJsonParseError::NoError || !doc.isArray() || doc.array().size() != 1) {
        const QString why = err.error != QJsonParseError::NoError ? err.errorString() : QStringLiteral("not exactly one JSON value");
        const int at = err.error != QJsonParseError::NoError ? std::max(0, err.offset - 1) : 0;
        return {std::nullopt, QStringLiteral("%1 at character %2").arg(why).arg(at)};
    }
    return {doc.array().first(), {}};
}

std::optional<qint64> parseCount(const QString &text) {
    bool ok = false;
    const qint64 v = text.toLongLong(&ok);
    if (!ok || v < 0) return std::nullopt;
    return v;
}

}  // namespace dn::ctl
