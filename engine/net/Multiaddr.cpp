#include "net/Multiaddr.h"
#include "net/ByteView.h"

#include "crypto/Base58.h"
#include "net/Varint.h"

#include <QStringList>

namespace dn {
namespace {

// size: bytes of a fixed-size value, 0 for none, -1 for a varint-prefixed one.
struct Proto {
    int code;
    const char *name;
    int size;
};

constexpr Proto kProtos[] = {
    {Multiaddr::Ip4, "ip4", 4},          {Multiaddr::Tcp, "tcp", 2},
    {Multiaddr::Ip6, "ip6", 16},         {Multiaddr::Dns, "dns", -1},
    {Multiaddr::Dns4, "dns4", -1},       {Multiaddr::Dns6, "dns6", -1},
    {Multiaddr::DnsAddr, "dnsaddr", -1}, {Multiaddr::Udp, "udp", 2},
    {Multiaddr::P2pCircuit, "p2p-circuit", 0}, {Multiaddr::P2p, "p2p", -1},
    {Multiaddr::Tls, "tls", 0},          {Multiaddr::Quic, "quic", 0},
    {Multiaddr::QuicV1, "quic-v1", 0},   {Multiaddr::WebTransport, "webtransport", 0},
    {Multiaddr::CertHash, "certhash", -1}, {Multiaddr::Ws, "ws", 0},
    {Multiaddr::Wss, "wss", 0},          {Multiaddr::Http, "http", 0},
};

const Proto *protoByCode(uint64_t code) {
    for (const Proto &p : kProtos)
        if (uint64_t(p.code) == code) return &p;
    return nullptr;
}

const Proto *protoByName(QStringView name) {
    if (name == u"ipfs") return protoByCode(Multiaddr::P2p);  // legacy spelling
    for (const Proto &p : kProtos)
        if (name == QLatin1String(p.name)) return &p;
    return nullptr;
}

Error bad(const QString &why) { return Error{ErrorCode::BadMultiaddr, why}; }

// A multihash is <varint code><varint length><length bytes>, nothing more.
bool isMultihash(QByteArrayView b) {
    VarintDecode code = decodeVarint(b);
    if (code.status != VarintDecode::Ok) return false;
    VarintDecode len = decodeVarint(viewMid(b, code.length));
    if (len.status != VarintDecode::Ok) return false;
    return uint64_t(b.size() - code.length - len.length) == len.value;
}

std::optional<QByteArray> parseIp4(QStringView s) {
    const QList<QStringView> parts = s.split(u'.');
    if (parts.size() != 4) return std::nullopt;
    QByteArray out;
    for (QStringView p : parts) {
        if (p.isEmpty() || p.size() > 3) return std::nullopt;
        for (QChar c : p)
            if (!c.isDigit() || c.unicode() > '9') return std::nullopt;
        const int v = p.toInt();
        if (v > 255) return std::nullopt;
        out.append(char(v));
    }
    return out;
}

std::optional<QByteArray> parsePort(QStringView s) {
    if (s.isEmpty() || s.size() > 5) return std::nullopt;
    for (QChar c : s)
        if (c.unicode() < '0' || c.unicode() > '9') return std::nullopt;
    const int v = s.toInt();
    if (v > 65535) return std::nullopt;
    QByteArray out;
    out.append(char(v >> 8)).append(char(v & 0xff));
    return out;
}

std::optional<QByteArray> parseValue(const Proto &p, QStringView s) {
    switch (p.code) {
    case Multiaddr::Ip4: return parseIp4(s);
    case Multiaddr::Ip6: {
        QHostAddress a;
        if (s.contains(u'%') || !a.setAddress(s.toString()) ||
            a.protocol() != QAbstractSocket::IPv6Protocol)
            return std::nullopt;
        const Q_IPV6ADDR raw = a.toIPv6Address();
        return QByteArray(reinterpret_cast<const char *>(raw.c), 16);
    }
    case Multiaddr::Tcp:
    case Multiaddr::Udp: return parsePort(s);
    case Multiaddr::P2p: {
        auto bytes = base58Decode(s, 128);
        if (!bytes || !isMultihash(*bytes)) return std::nullopt;
        return *bytes;
    }
    case Multiaddr::CertHash: {
        // Multibase text: base64url ('u') is what implementations print.
        if (s.size() < 2) return std::nullopt;
        const QByteArray body = s.mid(1).toLatin1();
        if (s[0] == u'u')
            return QByteArray::fromBase64(body, QByteArray::Base64UrlEncoding |
                                                    QByteArray::OmitTrailingEquals);
        if (s[0] == u'z') {
            auto b = base58Decode(s.mid(1), 256);
            if (b) return *b;
        }
        return std::nullopt;
    }
    default: {  // dns names
        const QByteArray utf8 = s.toUtf8();
        if (utf8.isEmpty() || utf8.size() > 255) return std::nullopt;
        return utf8;
    }
    }
}

QString formatValue(const Multiaddr::Component &c) {
    const QByteArray &v = c.value;
    switch (c.code) {
    case Multiaddr::Ip4:
        return QStringLiteral("%1.%2.%3.%4").arg(uint8_t(v[0])).arg(uint8_t(v[1]))
            .arg(uint8_t(v[2])).arg(uint8_t(v[3]));
    case Multiaddr::Ip6: {
        Q_IPV6ADDR raw;
        memcpy(raw.c, v.constData(), 16);
        return QHostAddress(raw).toString();
    }
    case Multiaddr::Tcp:
    case Multiaddr::Udp: return QString::number((uint8_t(v[0]) << 8) | uint8_t(v[1]));
    case Multiaddr::P2p: return base58Encode(v);
    case Multiaddr::CertHash:
        return QLatin1Char('u') +
               QString::fromLatin1(v.toBase64(QByteArray::Base64UrlEncoding |
                                              QByteArray::OmitTrailingEquals));
    default: return QString::fromUtf8(v);
    }
}

// The value bytes a component of this protocol may carry.
bool validValue(const Proto &p, const QByteArray &v) {
    if (p.size >= 0) return v.size() == p.size;
    if (p.code == Multiaddr::P2p) return isMultihash(v);
    if (p.code == Multiaddr::CertHash) return !v.isEmpty();
    return !v.isEmpty() && v.size() <= 255 && !v.contains('/') &&
           QString::fromUtf8(v).toUtf8() == v;  // dns: valid UTF-8, no separators
}

}  // namespace

Result<Multiaddr> Multiaddr::parse(QStringView text) {
    if (text.size() > kMaxTextChars) return bad(QStringLiteral("multiaddr text is too long"));
    if (!text.startsWith(u'/')) return bad(QStringLiteral("a multiaddr starts with '/'"));
    QList<QStringView> parts = text.mid(1).split(u'/');
    if (!parts.isEmpty() && parts.last().isEmpty()) parts.removeLast();  // trailing '/'
    if (parts.isEmpty()) return bad(QStringLiteral("empty multiaddr"));
    Multiaddr m;
    for (int i = 0; i < parts.size(); ++i) {
        const Proto *p = protoByName(parts[i]);
        if (!p) return bad(QStringLiteral("unknown multiaddr protocol '%1'").arg(parts[i]));
        Component c{p->code, {}};
        if (p->size != 0) {
            if (++i >= parts.size())
                return bad(QStringLiteral("'%1' needs a value").arg(QLatin1String(p->name)));
            auto v = parseValue(*p, parts[i]);
            if (!v || !validValue(*p, *v))
                return bad(QStringLiteral("invalid %1 value '%2'")
                               .arg(QLatin1String(p->name), parts[i]));
            c.value = *v;
        }
        m.parts_.append(std::move(c));
    }
    return m;
}

Result<Multiaddr> Multiaddr::fromBytes(QByteArrayView bytes) {
    if (bytes.size() > kMaxBytes) return bad(QStringLiteral("multiaddr is too long"));
    if (bytes.isEmpty()) return bad(QStringLiteral("empty multiaddr"));
    Multiaddr m;
    qsizetype pos = 0;
    while (pos < bytes.size()) {
        VarintDecode code = decodeVarint(viewMid(bytes, pos));
        if (code.status != VarintDecode::Ok) return bad(QStringLiteral("bad protocol code"));
        pos += code.length;
        const Proto *p = protoByCode(code.value);
        if (!p) return bad(QStringLiteral("unknown multiaddr protocol code %1").arg(code.value));
        qsizetype len = p->size;
        if (len < 0) {
            VarintDecode l = decodeVarint(viewMid(bytes, pos));
            if (l.status != VarintDecode::Ok || l.value > uint64_t(kMaxBytes))
                return bad(QStringLiteral("bad value length"));
            pos += l.length;
            len = qsizetype(l.value);
        }
        if (len > bytes.size() - pos) return bad(QStringLiteral("truncated multiaddr"));
        Component c{p->code, viewMid(bytes, pos, len).toByteArray()};
        if (!validValue(*p, c.value))
            return bad(QStringLiteral("invalid %1 value").arg(QLatin1String(p->name)));
        pos += len;
        m.parts_.append(std::move(c));
    }
    return m;
}

Multiaddr Multiaddr::fromTcp(const QHostAddress &ip, quint16 port) {
    Multiaddr m;
    bool isV4 = false;
    const quint32 v4 = ip.toIPv4Address(&isV4);  // also unwraps ::ffff:a.b.c.d
    if (isV4) {
        QByteArray b;
        for (int s = 24; s >= 0; s -= 8) b.append(char((v4 >> s) & 0xff));
        m.parts_.append({Ip4, b});
    } else {
        const Q_IPV6ADDR raw = ip.toIPv6Address();
        m.parts_.append({Ip6, QByteArray(reinterpret_cast<const char *>(raw.c), 16)});
    }
    QByteArray p;
    p.append(char(port >> 8)).append(char(port & 0xff));
    m.parts_.append({Tcp, p});
    return m;
}

QString Multiaddr::toString() const {
    QString s;
    for (const Component &c : parts_) {
        const Proto *p = protoByCode(uint64_t(c.code));
        s += QLatin1Char('/') + QLatin1String(p->name);
        if (p->size != 0) s += QLatin1Char('/') + formatValue(c);
    }
    return s;
}

QByteArray Multiaddr::toBytes() const {
    QByteArray out;
    for (const Component &c : parts_) {
        appendVarint(out, uint64_t(c.code));
        if (protoByCode(uint64_t(c.code))->size < 0) appendVarint(out, uint64_t(c.value.size()));
        out.append(c.value);
    }
    return out;
}

bool Multiaddr::isTcp() const {
    const qsizetype n = parts_.size();
    if (n < 2 || n > 3) return false;
    const int c0 = parts_[0].code;
    if (c0 != Ip4 && c0 != Ip6 && c0 != Dns && c0 != Dns4 && c0 != Dns6) return false;
    if (parts_[1].code != Tcp) return false;
    return n == 2 || parts_[2].code == P2p;
}

bool Multiaddr::isDns() const {
    if (parts_.isEmpty()) return false;
    const int c = parts_[0].code;
    return c == Dns || c == Dns4 || c == Dns6;
}

QString Multiaddr::host() const {
    if (parts_.isEmpty()) return {};
    const int c = parts_[0].code;
    if (c == Ip4 || c == Ip6 || isDns()) return formatValue(parts_[0]);
    return {};
}

QHostAddress Multiaddr::ipAddress() const {
    if (parts_.isEmpty()) return {};
    const int c = parts_[0].code;
    if (c != Ip4 && c != Ip6) return {};
    return QHostAddress(formatValue(parts_[0]));
}

quint16 Multiaddr::tcpPort() const {
    for (const Component &c : parts_)
        if (c.code == Tcp) return quint16((uint8_t(c.value[0]) << 8) | uint8_t(c.value[1]));
    return 0;
}

QAbstractSocket::NetworkLayerProtocol Multiaddr::dnsFamily() const {
    if (parts_.isEmpty()) return QAbstractSocket::AnyIPProtocol;
    if (parts_[0].code == Dns4) return QAbstractSocket::IPv4Protocol;
    if (parts_[0].code == Dns6) return QAbstractSocket::IPv6Protocol;
    return QAbstractSocket::AnyIPProtocol;
}

bool Multiaddr::hasPeerId() const { return !parts_.isEmpty() && parts_.last().code == P2p; }

PeerId Multiaddr::peerId() const {
    if (!hasPeerId()) return {};
    return PeerId::fromBytes(parts_.last().value).value_or(PeerId());
}

Multiaddr Multiaddr::withoutPeerId() const {
    Multiaddr m = *this;
    if (!m.parts_.isEmpty() && m.parts_.last().code == P2p) m.parts_.removeLast();
    return m;
}

Multiaddr Multiaddr::withPeerId(const PeerId &peerId) const {
    Multiaddr m = withoutPeerId();
    if (!peerId.isNull()) m.parts_.append({P2p, peerId.bytes()});
    return m;
}

}  // namespace dn
