// Identify messages (length-prefixed protobufs, merged) and binary
// multiaddrs, the two decoders behind /ipfs/id/1.0.0.
#include "FuzzTarget.h"

#include "crypto/Ed25519.h"
#include "net/IdentifyMessage.h"
#include "net/Multiaddr.h"

#include <cstdlib>

using namespace dn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    const QByteArrayView in(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    if (data[0] & 1) {
        auto m = Multiaddr::fromBytes(in);
        if (m) {
            // Canonical on the wire: what parses re-encodes to the same bytes,
            // and the text form parses back to the same address.
            if (m->toBytes() != in.toByteArray()) std::abort();
            auto t = Multiaddr::parse(m->toString());
            if (!t || !(*t == *m)) std::abort();
        }
    } else {
        auto info = IdentifyMessage::decode(in);
        if (info && (info->protocols.size() > IdentifyMessage::kMaxProtocols ||
                     info->listenAddrs.size() > IdentifyMessage::kMaxAddrs))
            std::abort();
    }
    return 0;
}

std::vector<std::string> dnFuzzSeeds() {
    IdentifyInfo info;
    info.protocolVersion = QStringLiteral("ipfs/0.1.0");
    info.agentVersion = QStringLiteral("deltanode/0.1.0");
    info.listenAddrs = {*Multiaddr::parse(u"/ip4/127.0.0.1/tcp/4001"), *Multiaddr::parse(u"/ip6/::1/tcp/4001"),
                        *Multiaddr::parse(u"/dns4/example.com/tcp/443/ws")};
    info.observedAddr = *Multiaddr::parse(u"/ip4/10.1.2.3/tcp/5555");
    info.protocols = {QStringLiteral("/ipfs/id/1.0.0"), QStringLiteral("/meshsub/1.1.0")};
    const Ed25519Key k = *Ed25519Key::fromSeed(QByteArray(32, '\x07'));
    const QByteArray msg = IdentifyMessage::encode(info, k.publicKey());
    std::vector<std::string> seeds = {'\0' + msg.toStdString(), '\0' + (msg + msg).toStdString()};
    for (const Multiaddr &a : info.listenAddrs) seeds.push_back('\1' + a.toBytes().toStdString());
    const QString withId = QStringLiteral("/ip4/1.2.3.4/udp/9/quic-v1/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA");
    if (auto m = Multiaddr::parse(withId)) seeds.push_back('\1' + m->toBytes().toStdString());
    return seeds;
}
