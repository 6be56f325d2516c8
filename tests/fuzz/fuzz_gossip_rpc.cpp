// The gossipsub RPC path a remote peer controls. Each input is read both as
// one RPC and as a meshsub stream (uvarint-framed RPCs under a bound), and
// every RPC goes to a router subscribed to the seeds' topics, so decoding,
// subscription bookkeeping, StrictSign verification, the seen cache, and the
// IHAVE/IWANT/GRAFT/PRUNE handlers all run on hostile bytes. The router is
// rebuilt now and then so that valid seeds reach the delivery path again.
#include "FuzzTarget.h"

#include "crypto/Ed25519.h"
#include "crypto/PeerId.h"
#include "gossip/GossipRouter.h"
#include "gossip/MessageSigner.h"
#include "gossip/RpcCodec.h"
#include "gossip/RpcFrameReader.h"
#include "rpc.pb.h"

#include <QByteArray>
#include <QLoggingCategory>
#include <cstdlib>
#include <memory>

using namespace dn;
namespace gpb = deltanode::gossipsub;

namespace {

Ed25519Key keyOf(char seed) { return *Ed25519Key::fromSeed(QByteArray(32, seed)); }

struct NullTransport : GossipTransport {
    int sent = 0;
    bool sendRpc(const PeerId &, const QByteArray &, bool control) override {
        return control || (++sent % 7 != 0);  // refuse some data, as a full queue would
    }
};

GossipConfig fuzzConfig() {
    GossipConfig c;
    c.seed = 1;
    c.maxMessageSize = 64 * 1024;
    c.maxTopicsPerPeer = 64;
    return c;
}

struct Harness {
    NullTransport transport;
    qint64 now = 0;
    GossipRouter router{fuzzConfig(), keyOf('\x01'), &transport, [this] { return now; }};
    PeerId peer = PeerId::fromPublicKey(keyOf('\x02').publicKey());

    Harness() {
        router.subscribe(QStringLiteral("t"));
        router.subscribe(QStringLiteral("topic"));
        router.peerAdded(peer, kMeshsubV11, true);
        router.peerAdded(PeerId::fromPublicKey(keyOf('\x03').publicKey()), kMeshsubV10, false);
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static std::unique_ptr<Harness> h;
    static int inputs = 0;
    if (inputs == 0) QLoggingCategory::setFilterRules(QStringLiteral("dn.gossip.debug=false"));
    if (!h || inputs % 256 == 0) h = std::make_unique<Harness>();
    ++inputs;

    const QByteArray input(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    h->router.handleRpc(h->peer, input);
    RpcFrameReader reader(fuzzConfig().maxMessageSize);
    reader.append(input);
    QByteArray frame;
    while (reader.next(frame) == RpcFrameReader::Status::Frame) h->router.handleRpc(h->peer, frame);
    if (inputs % 16 == 0) {  // age the caches, run the mesh rules
        h->now += 1000;
        h->router.heartbeat();
    }

    // Whatever the peer sends, our state stays within its bounds.
    if (h->router.peerTopics(h->peer).size() > fuzzConfig().maxTopicsPerPeer) std::abort();
    for (const QString &t : h->router.topics())
        if (h->router.meshPeers(t).size() > h->router.peers().size()) std::abort();
    if (h->router.topics().size() != 2) std::abort();  // a peer cannot subscribe us
    return 0;
}

std::vector<std::string> dnFuzzSeeds() {
    auto str = [](const QByteArray &b) { return b.toStdString(); };
    std::vector<std::string> seeds;

    gpb::RPC subs;
    for (const char *t : {"t", "topic", "other"}) {
        auto *s = subs.add_subscriptions();
        s->set_subscribe(true);
        s->set_topicid(t);
    }
    seeds.push_back(subs.SerializeAsString());

    gpb::Message m;  // a valid StrictSign message from the fuzzing peer
    m.set_data("hello");
    m.set_seqno(std::string("\0\0\0\0\0\0\0\x2a", 8));
    m.set_topic("t");
    signGossipMessage(m, keyOf('\x02'));
    gpb::RPC pub;
    *pub.add_publish() = m;
    seeds.push_back(pub.SerializeAsString());

    gpb::RPC ctl;
    auto *c = ctl.mutable_control();
    c->add_graft()->set_topicid("t");
    c->add_graft()->set_topicid("other");
    auto *p = c->add_prune();
    p->set_topicid("topic");
    p->set_backoff(5);
    p->add_peers()->set_peerid(m.from());
    auto *ih = c->add_ihave();
    ih->set_topicid("t");
    ih->add_messageids(m.from() + m.seqno());
    ih->add_messageids("unknown");
    c->add_iwant()->add_messageids(m.from() + m.seqno());
    c->add_idontwant()->add_messageids("x");
    seeds.push_back(ctl.SerializeAsString());

    // The same RPCs as a framed stream, and all in one RPC.
    QByteArray stream;
    for (const std::string &s : std::vector<std::string>(seeds)) stream += frameRpc(QByteArray::fromStdString(s));
    seeds.push_back(str(stream));
    gpb::RPC all = subs;
    all.MergeFrom(pub);
    all.MergeFrom(ctl);
    seeds.push_back(all.SerializeAsString());
    return seeds;
}
