#pragma once
// The Identify message (/ipfs/id/1.0.0, /ipfs/id/push/1.0.0; libp2p/specs
// identify): what a peer says about itself. On the wire it is one or more
// uvarint-length-prefixed protobufs (go splits big records in two), which a
// reader merges.
#include "crypto/Hash32.h"
#include "net/Multiaddr.h"
#include "util/Result.h"

#include <QByteArray>
#include <QList>
#include <QStringList>
#include <optional>

namespace dn {

struct IdentifyInfo {
    QString protocolVersion;
    QString agentVersion;
    std::optional<Hash32> publicKey;  // when present and Ed25519
    QList<Multiaddr> listenAddrs;     // the ones we could parse
    std::optional<Multiaddr> observedAddr;
    QStringList protocols;
};

class IdentifyMessage {
public:
    static constexpr int kMaxBytes = 64 * 1024;  // whole stream, all messages
    static constexpr int kMaxProtocols = 256;
    static constexpr int kMaxAddrs = 64;
    static constexpr int kMaxString = 1024;

    // One length-prefixed message.
    static QByteArray encode(const IdentifyInfo &info, const Hash32 &publicKey);
    // Everything a peer sent on an identify stream. Refuses oversized input,
    // bad framing, non-protobuf bytes, too many entries, a key that is not
    // Ed25519-in-libp2p-form when present.
    static Result<IdentifyInfo> decode(QByteArrayView bytes);
};

}  // namespace dn
