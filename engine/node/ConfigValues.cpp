#include "node/ConfigValues.h"
#include <QHostAddress>
#include <QRegularExpression>
#include <QStringList>

namespace dn {

QString checkMultiaddr(const QString &addr, bool requirePeer) {
    if (!addr.startsWith(QLatin1Char('/'))) return QStringLiteral("a multiaddr starts with '/'");
    const QStringList parts = addr.mid(1).split(QLatin1Char('/'));
    if (parts.size() % 2 != 0) return QStringLiteral("every protocol needs a value (/proto/value/…)");
    // Shape: <address>/tcp/<port>[/p2p/<peer id>]
    if (parts.size() != 4 && parts.size() != 6)
        return QStringLiteral("expected /ip4|ip6|dns|dns4|dns6/<host>/tcp/<port>%1").arg(requirePeer ? "/p2p/<peer id>" : "[/p2p/<peer id>]");
    const QString proto = parts[0], hostValue = parts[1];
    if (proto == QLatin1String("ip4")) {
        // Dotted quad only: QHostAddress also takes inet_aton forms like "1.2.3".
        static const QRegularExpression quad(QStringLiteral("^\\d{1,3}(\\.\\d{1,3}){3}$"));
        if (!quad.match(hostValue).hasMatch() || QHostAddress(hostValue).protocol() != QAbstractSocket::IPv4Protocol)
            return QStringLiteral("'%1' is not an IPv4 address").arg(hostValue);
    } else if (proto == QLatin1String("ip6")) {
        if (QHostAddress(hostValue).protocol() != QAbstractSocket::IPv6Protocol) return QStringLiteral("'%1' is not an IPv6 address").arg(hostValue);
    } else if (proto == QLatin1String("dns") || proto == QLatin1String("dns4") || proto == QLatin1String("dns6")) {
        static const QRegularExpression hostname(QStringLiteral("^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$"));
        if (!hostname.match(hostValue).hasMatch()) return QStringLiteral("'%1' is not a host name").arg(hostValue);
    } else {
        return QStringLiteral("unsupported protocol '%1' (use ip4, ip6, dns, dns4 or dns6)").arg(proto);
    }
    if (parts[2] != QLatin1String("tcp")) return QStringLiteral("only TCP transports are supported, not '%1'").arg(parts[2]);
    bool ok = false;
    const int port = parts[3].toInt(&ok);
    if (!ok || port < 0 || port > 65535) return QStringLiteral("'%1' is not a TCP port").arg(parts[3]);
    if (parts.size() == 6) {
        if (parts[4] != QLatin1String("p2p")) return QStringLiteral("expected /p2p/<peer id> after the port, not /%1").arg(parts[4]);
        static const QRegularExpression base58(QStringLiteral("^[1-9A-HJ-NP-Za-km-z]{32,128}$"));
        if (!base58.match(parts[5]).hasMatch()) return QStringLiteral("'%1' is not a peer id").arg(parts[5]);
    } else if (requirePeer) {
        return QStringLiteral("a bootstrap address must end in /p2p/<peer id>");
    }
    return {};
}

std::optional<uint64_t> parseByteSize(const QString &text) {
    static const QRegularExpression re(QStringLiteral("^\\s*(\\d{1,19})\\s*([KMGT]i?B|B)?\\s*$"),
                                       QRegularExpression::CaseInsensitiveOption);
    const auto m = re.match(text);
    if (!m.hasMatch()) return std::nullopt;
    bool ok = false;
    const uint64_t n = m.captured(1).toULongLong(&ok);
    if (!ok) return std::nullopt;
    const QString unit = m.captured(2).toUpper();
    uint64_t mult = 1;
    if (!unit.isEmpty() && unit != QLatin1String("B")) {
        const bool binary = unit.size() == 3;
        const int power = QStringLiteral("KMGT").indexOf(unit[0]) + 1;
        for (int i = 0; i < power; ++i) mult *= binary ? 1024 : 1000;
    }
    if (mult > 1 && n > UINT64_MAX / mult) return std::nullopt;
    return n * mult;
}

}  // namespace dn
