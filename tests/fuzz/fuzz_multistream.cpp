// multistream-select decoder (dialer and listener) on hostile bytes.
#include "FuzzTarget.h"

#include "net/MultistreamSelect.h"

#include <cstdlib>

using dn::MultistreamSelect;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    const bool dialer = data[0] & 1;
    const size_t chunk = 1 + (data[0] >> 1) % 32;
    MultistreamSelect m = dialer
        ? MultistreamSelect::dialer({QStringLiteral("/noise"), QStringLiteral("/yamux/1.0.0")})
        : MultistreamSelect::listener([](const QString &p) { return p == QLatin1String("/yamux/1.0.0"); },
                                      {QStringLiteral("/yamux/1.0.0")});
    QByteArray out = m.start();
    for (size_t pos = 1; pos < size; pos += chunk) {
        const size_t n = pos + chunk <= size ? chunk : size - pos;
        m.feed(QByteArrayView(reinterpret_cast<const char *>(data) + pos, qsizetype(n)), out);
    }
    // Replies are bounded by the proposals we may answer.
    if (out.size() > (MultistreamSelect::kMaxProposals + 4) * 64) std::abort();
    if (m.status() == MultistreamSelect::Status::Done && m.protocol().isEmpty()) std::abort();
    if (m.status() == MultistreamSelect::Status::Failed && m.failureMessage().isEmpty()) std::abort();
    return 0;
}

std::vector<std::string> dnFuzzSeeds() {
    auto msg = [](const char *s) { return MultistreamSelect::encodeMessage(QString::fromLatin1(s)).toStdString(); };
    const std::string h = msg("/multistream/1.0.0");
    return {
        "\x00" + h + msg("/yamux/1.0.0") + "payload",        // listener, accepted, data follows
        "\x02" + h + msg("ls") + msg("/mplex/6.7.0") + msg("na"),
        "\x01" + h + msg("na") + msg("/yamux/1.0.0") + "x",  // dialer: na, then agreement
        "\x01" + h + msg("/noise"),
        "\x05" + h + msg("na") + msg("na"),
    };
}
