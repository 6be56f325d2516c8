#pragma once
// Base58 with the Bitcoin alphabet: how ids, peer ids and invitations are shown
// to people (no 0/O/I/l look-alikes, no punctuation to break a double-click).
#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QStringView>
#include <optional>

namespace dn {

// The conversion is quadratic in the length, so decoding refuses inputs longer
// than this unless the caller asks for more; every text we accept has a bound.
inline constexpr qsizetype kBase58MaxChars = 4096;

QString base58Encode(QByteArrayView bytes);

// nullopt on any character outside the alphabet (including whitespace) or on
// input longer than maxChars. The empty string decodes to empty bytes.
std::optional<QByteArray> base58Decode(QStringView text, qsizetype maxChars = kBase58MaxChars);

}  // namespace dn
