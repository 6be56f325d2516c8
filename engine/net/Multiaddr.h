#pragma once
// Multiaddrs (libp2p/specs addressing, multiformats/multiaddr): the
// self-describing addresses peers are dialed at and advertise, e.g.
//   /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW…
// Text and binary forms. Binary is what Identify carries (listenAddrs,
// observedAddr). Only the protocols of a TCP stack are dialable; the others
// in the table (udp, quic-v1, ws, p2p-circuit, …) are parsed so that a
// peer's advertised addresses round-trip, but nothing dials them.
#include "crypto/PeerId.h"
#include "util/Result.h"

#include <QByteArray>
#include <QHashFunctions>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringView>

namespace dn {

class Multiaddr {
public:
    // Multicodec codes of the protocols we know.
    enum Code : int {
        Ip4 = 4, Tcp = 6, Ip6 = 41, Dns = 53, Dns4 = 54, Dns6 = 55, DnsAddr = 56,
        Udp = 273, P2pCircuit = 290, P2p = 421, Tls = 448, Quic = 460, QuicV1 = 461,
        WebTransport = 465, CertHash = 466, Ws = 477, Wss = 478, Http = 480,
    };
    struct Component {
        int code = 0;
        QByteArray value;  // binary value as on the wire (no length prefix)
        friend bool operator==(const Component &, const Component &) = default;
    };

    // Bounds; real addresses are well under 200 bytes. Text is longer than
    // binary (a 3-byte /tcp/65535 is 10 characters), hence the larger bound,
    // so that every binary address we accept also has a parsable text form.
    static constexpr int kMaxBytes = 1024;
    static constexpr int kMaxTextChars = 4 * kMaxBytes;

    Multiaddr() = default;
    static Result<Multiaddr> parse(QStringView text);
    static Result<Multiaddr> fromBytes(QByteArrayView bytes);
    // /ip4/A/tcp/P or /ip6/A/tcp/P (IPv4-mapped IPv6 addresses become ip4).
    static Multiaddr fromTcp(const QHostAddress &ip, quint16 port);

    QString toString() const;
    QByteArray toBytes() const;
    bool isEmpty() const { return parts_.isEmpty(); }
    const QList<Component> &components() const { return parts_; }

    // A dialable TCP address: (ip4|ip6|dns|dns4|dns6)/tcp[/p2p] exactly.
    bool isTcp() const;
    // For TCP addresses: the host part as text (IP or DNS name), whether it
    // needs a DNS lookup, the IP when it is one, the port.
    QString host() const;
    bool isDns() const;
    QHostAddress ipAddress() const;  // null for DNS names
    quint16 tcpPort() const;
    // Which address family a dns4/dns6 name must resolve to (Any for dns).
    QAbstractSocket::NetworkLayerProtocol dnsFamily() const;

    // Whether there is a trailing /p2p component (of any multihash).
    bool hasPeerId() const;
    // The peer a trailing /p2p component names; null when there is none or
    // it is not an Ed25519 peer id (which nothing here can dial).
    PeerId peerId() const;
    Multiaddr withoutPeerId() const;
    Multiaddr withPeerId(const PeerId &peerId) const;  // replaces any present (a null id: none)

    friend bool operator==(const Multiaddr &, const Multiaddr &) = default;

private:
    QList<Component> parts_;
};

// What dialing an address reaches: the peer it names, or for an address
// without /p2p/ (a bootstrap address may lack one) the address itself. Dials
// and redial schedules are kept per target, so that the addresses of one
// peer share them.
struct DialTarget {
    PeerId peer;
    QString address;  // only when `peer` is null

    static DialTarget of(const Multiaddr &addr) {
        const PeerId p = addr.peerId();
        return p.isNull() ? DialTarget{{}, addr.toString()} : DialTarget{p, {}};
    }
    bool isAddress() const { return peer.isNull(); }
    friend bool operator==(const DialTarget &, const DialTarget &) = default;
    friend size_t qHash(const DialTarget &t, size_t seed = 0) noexcept { return qHashMulti(seed, t.peer, t.address); }
};

}  // namespace dn
