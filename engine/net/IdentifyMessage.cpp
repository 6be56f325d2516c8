#include "net/IdentifyMessage.h"
#include "net/ByteView.h"

#include "libp2p.pb.h"
#include "net/NoisePayload.h"
#include "net/Varint.h"

namespace dn {
namespace {

Error malformed(const QString &why) { return Error{ErrorCode::IdentifyMalformed, why}; }

void setBytes(std::string *dst, const QByteArray &b) { dst->assign(b.constData(), size_t(b.size())); }

QString text(const std::string &s) {
    return QString::fromUtf8(s.data(), qsizetype(qMin<size_t>(s.size(), size_t(IdentifyMessage::kMaxString))));
}

}  // namespace

QByteArray IdentifyMessage::encode(const IdentifyInfo &info, const Hash32 &publicKey) {
    deltanode::p2p::Identify m;
    setBytes(m.mutable_protocolversion(), info.protocolVersion.toUtf8());
    setBytes(m.mutable_agentversion(), info.agentVersion.toUtf8());
    setBytes(m.mutable_publickey(), encodeLibp2pPublicKey(publicKey));
    for (const Multiaddr &a : info.listenAddrs) setBytes(m.add_listenaddrs(), a.toBytes());
    if (info.observedAddr) setBytes(m.mutable_observedaddr(), info.observedAddr->toBytes());
    for (const QString &p : info.protocols) setBytes(m.add_protocols(), p.toUtf8());
    const std::string body = m.SerializeAsString();
    QByteArray out;
    appendVarint(out, body.size());
    out.append(body.data(), qsizetype(body.size()));
    return out;
}

Result<IdentifyInfo> IdentifyMessage::decode(QByteArrayView bytes) {
    if (bytes.size() > kMaxBytes) return malformed(QStringLiteral("identify message too large"));
    if (bytes.isEmpty()) return malformed(QStringLiteral("empty identify stream"));
    deltanode::p2p::Identify merged;
    qsizetype pos = 0;
    while (pos < bytes.size()) {
        const VarintDecode len = decodeVarint(viewMid(bytes, pos));
        if (len.status != VarintDecode::Ok) return malformed(QStringLiteral("bad identify length prefix"));
        pos += len.length;
        if (len.value > uint64_t(bytes.size() - pos)) return malformed(QStringLiteral("truncated identify message"));
        deltanode::p2p::Identify part;
        if (!part.ParseFromArray(bytes.data() + pos, int(len.value)))
            return malformed(QStringLiteral("identify message is not a protobuf"));
        merged.MergeFrom(part);
        pos += qsizetype(len.value);
    }
    if (merged.protocols_size() > kMaxProtocols || merged.listenaddrs_size() > kMaxAddrs)
        return malformed(QStringLiteral("identify message lists too many entries"));
    IdentifyInfo info;
    info.protocolVersion = text(merged.protocolversion());
    info.agentVersion = text(merged.agentversion());
    if (merged.has_publickey()) {
        info.publicKey = decodeLibp2pPublicKey(QByteArray::fromStdString(merged.publickey()));
        if (!info.publicKey) return malformed(QStringLiteral("identify public key is not an Ed25519 libp2p key"));
    }
    for (const std::string &a : merged.listenaddrs()) {
        auto m = Multiaddr::fromBytes(QByteArrayView(a.data(), qsizetype(a.size())));
        if (m) info.listenAddrs.append(*m);  // skip transports we do not know
    }
    if (merged.has_observedaddr()) {
        auto m = Multiaddr::fromBytes(QByteArray::fromStdString(merged.observedaddr()));
        if (m) info.observedAddr = *m;
    }
    for (const std::string &p : merged.protocols()) {
        const QString proto = text(p);
        if (!proto.isEmpty() && !info.protocols.contains(proto)) info.protocols.append(proto);
    }
    return info;
}

}  // namespace dn
