#include "crypto/Base58.h"

#include "crypto/Hash32.h"

#include <array>
#include <vector>

namespace dn {
namespace {

constexpr char kAlphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

// ASCII -> digit value, -1 for characters outside the alphabet.
constexpr std::array<int8_t, 128> makeDigitTable() {
    std::array<int8_t, 128> t{};
    for (auto &v : t) v = -1;
    for (int i = 0; i < 58; ++i) t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
    return t;
}
constexpr std::array<int8_t, 128> kDigit = makeDigitTable();

}  // namespace

// Classic big-number base conversion (as in Bitcoin): every leading zero byte
// becomes a leading '1', the rest is the number in base 58.
QString base58Encode(QByteArrayView bytes) {
    const auto *in = reinterpret_cast<const uint8_t *>(bytes.data());
    const qsizetype n = bytes.size();
    qsizetype zeros = 0;
    while (zeros < n && in[zeros] == 0) ++zeros;

    // log(256)/log(58) ~= 1.365; digits are stored little-endian.
    std::vector<uint8_t> digits;
    digits.reserve(static_cast<size_t>((n - zeros) * 138 / 100 + 1));
    for (qsizetype i = zeros; i < n; ++i) {
        uint32_t carry = in[i];
        for (uint8_t &d : digits) {
            carry += static_cast<uint32_t>(d) << 8;
            d = static_cast<uint8_t>(carry % 58);
            carry /= 58;
        }
        while (carry) {
            digits.push_back(static_cast<uint8_t>(carry % 58));
            carry /= 58;
        }
    }

    QString out;
    out.reserve(zeros + static_cast<qsizetype>(digits.size()));
    out.append(QString(zeros, QLatin1Char('1')));
    for (auto it = digits.rbegin(); it != digits.rend(); ++it)
        out.append(QLatin1Char(kAlphabet[*it]));
    return out;
}

std::optional<QByteArray> base58Decode(QStringView text, qsizetype maxChars) {
    if (text.size() > maxChars) return std::nullopt;
    qsizetype ones = 0;
    while (ones < text.size() && text[ones] == QLatin1Char('1')) ++ones;

    // log(58)/log(256) ~= 0.733; bytes are stored little-endian.
    std::vector<uint8_t> bytes;
    bytes.reserve(static_cast<size_t>((text.size() - ones) * 733 / 1000 + 1));
    for (qsizetype i = ones; i < text.size(); ++i) {
        const char16_t c = text[i].unicode();
        if (c >= 128 || kDigit[c] < 0) return std::nullopt;
        uint32_t carry = static_cast<uint32_t>(kDigit[c]);
        for (uint8_t &b : bytes) {
            carry += static_cast<uint32_t>(b) * 58;
            b = static_cast<uint8_t>(carry & 0xff);
            carry >>= 8;
        }
        while (carry) {
            bytes.push_back(static_cast<uint8_t>(carry & 0xff));
            carry >>= 8;
        }
    }

    QByteArray out(ones + static_cast<qsizetype>(bytes.size()), '\0');
    char *p = out.data() + ones;
    for (auto it = bytes.rbegin(); it != bytes.rend(); ++it) *p++ = static_cast<char>(*it);
    return out;
}

// Out-of-line members of Hash32 (crypto/Hash32.h).
QString Hash32::toBase58() const {
    return base58Encode(QByteArrayView(data(), 32));
}

std::optional<Hash32> Hash32::fromBase58(const QString &s) {
    // 32 bytes never need more than 44 characters; refuse early so a hostile
    // string costs nothing.
    constexpr qsizetype kMaxChars = 44;
    auto raw = base58Decode(s, kMaxChars);
    if (!raw) return std::nullopt;
    return Hash32::fromBytes(*raw);
}

}  // namespace dn
