#include "gossip/MessageSigner.h"

#include "crypto/PeerId.h"
#include "rpc.pb.h"

#include <cstring>

namespace dn {
namespace {

constexpr char kSignPrefix[] = "libp2p-pubsub:";

// libp2p PublicKey protobuf of an Ed25519 key: {Type: 1, Data: 32 bytes}.
constexpr char kEd25519KeyPrefix[] = {0x08, 0x01, 0x12, 0x20};

QByteArray toQt(const std::string &s) { return QByteArray(s.data(), static_cast<qsizetype>(s.size())); }

}  // namespace

QByteArray gossipSigningBytes(const deltanode::gossipsub::Message &msg) {
    deltanode::gossipsub::Message bare;
    if (msg.has_from()) bare.set_from(msg.from());
    if (msg.has_data()) bare.set_data(msg.data());
    if (msg.has_seqno()) bare.set_seqno(msg.seqno());
    if (msg.has_topic()) bare.set_topic(msg.topic());
    QByteArray out(kSignPrefix);
    const std::string body = bare.SerializeAsString();
    out.append(body.data(), static_cast<qsizetype>(body.size()));
    return out;
}

void signGossipMessage(deltanode::gossipsub::Message &msg, const Ed25519Key &key) {
    const QByteArray from = peerIdBytes(key.publicKey());
    msg.set_from(from.constData(), static_cast<size_t>(from.size()));
    msg.clear_signature();
    msg.clear_key();
    const QByteArray sig = key.sign(gossipSigningBytes(msg));
    msg.set_signature(sig.constData(), static_cast<size_t>(sig.size()));
}

bool verifyGossipMessage(const deltanode::gossipsub::Message &msg) {
    if (!msg.has_from() || !msg.has_seqno() || msg.seqno().empty() || !msg.has_topic()
        || !msg.has_signature() || msg.signature().size() != 64)
        return false;
    const auto pub = publicKeyFromPeerIdBytes(toQt(msg.from()));
    if (!pub) return false;  // only Ed25519 identities (the key must be inlined)
    if (msg.has_key()) {
        // A peer may still send the key; it has to be the one the id names.
        const std::string &k = msg.key();
        if (k.size() != sizeof kEd25519KeyPrefix + 32
            || std::memcmp(k.data(), kEd25519KeyPrefix, sizeof kEd25519KeyPrefix) != 0
            || std::memcmp(k.data() + sizeof kEd25519KeyPrefix, pub->data(), 32) != 0)
            return false;
    }
    return ed25519Verify(*pub, gossipSigningBytes(msg), toQt(msg.signature()));
}

}  // namespace dn
