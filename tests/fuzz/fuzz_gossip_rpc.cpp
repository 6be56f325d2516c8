// Fuzz target: the gossipsub RPC path a remote peer controls. Each input is
// read as a meshsub stream (uvarint-framed RPCs, bounded) and every frame, as
// well as the whole input, is handed to a router that subscribes to the topics
// the inputs use, so that decoding, subscription bookkeeping, StrictSign
// verification and the control handlers all run on hostile bytes.
#include "crypto/Ed25519.h"
#include "crypto/PeerId.h"
#include "gossip/GossipRouter.h"
#include "gossip/RpcFrameReader.h"

#include <QByteArray>
#include <cstddef>
#include <cstdint>

namespace {

struct NullTransport : dn::GossipTransport {
    int sent = 0;
    bool sendRpc(const QByteArray &, const QByteArray &, bool control) override {
        // Refuse some, so the dropped-control retry path runs too.
        return (++sent % 7 != 0) || control;
    }
};

struct Harness {
    NullTransport transport;
    qint64 now = 0;
    dn::GossipRouter router;
    QByteArray peer;
    int inputs = 0;

    Harness()
        : router(config(), *dn::Ed25519Key::fromSeed(QByteArray(32, '\x01')), &transport, [this] { return now; }),
          peer(dn::peerIdBytes(dn::Ed25519Key::fromSeed(QByteArray(32, '\x02'))->publicKey())) {
        router.subscribe(QStringLiteral("t"));
        router.subscribe(QStringLiteral("topic"));
        router.peerAdded(peer, dn::kMeshsubV11, true);
        router.peerAdded(dn::peerIdBytes(dn::Ed25519Key::fromSeed(QByteArray(32, '\x03'))->publicKey()),
                         dn::kMeshsubV10, false);
    }
    static dn::GossipConfig config() {
        dn::GossipConfig c;
        c.seed = 1;
        c.maxMessageSize = 64 * 1024;
        return c;
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static Harness h;
    const QByteArray input(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));

    h.router.handleRpc(h.peer, input);

    dn::RpcFrameReader reader(h.config().maxMessageSize);
    reader.append(input);
    QByteArray frame;
    while (reader.next(frame) == dn::RpcFrameReader::Status::Frame) h.router.handleRpc(h.peer, frame);

    // Age the caches now and then so that state stays bounded across a run.
    if (++h.inputs % 64 == 0) {
        h.now += 1000;
        h.router.heartbeat();
    }
    return 0;
}
