#pragma once
// A peer that plays by the wire rules and nothing else (ARCHITECTURE §15): a
// real libp2p host with a valid identity, an engine (a stopped daemon's data
// dir, or a fresh one) for the keys it holds, gossip on the context topic, and
// a sync responder that answers whatever `answer` makes of each request. The
// hostile-peer tests point it at honest `deltanode --headless` processes.
#include "ClusterHarness.h"
#include "codec/Envelope.h"
#include "context/Engine.h"
#include "gossip/GossipService.h"
#include "net/Host.h"
#include "net/Stream.h"
#include "network/NetworkService.h"
#include "state/Hlc.h"
#include "sync.pb.h"
#include "sync/BlobFetch.h"
#include "sync/FramedStream.h"
#include "sync/SyncWire.h"
#include "trust/SnapshotProof.h"

#include <QEventLoop>
#include <QTimer>
#include <functional>
#include <memory>
#include <optional>

namespace dn::test {

class HostilePeer {
public:
    using Answer = std::function<deltanode::pb::SyncResponse(const deltanode::pb::SyncRequest &)>;

    // Opens the engine on `dataDir` (a stopped daemon's, or an empty one).
    static std::unique_ptr<HostilePeer> open(const QString &dataDir, QString *error) {
        Engine::Options o;
        o.dataDir = dataDir;
        o.workers = 1;
        auto e = Engine::open(o);
        if (!e) {
            *error = e.error().message;
            return nullptr;
        }
        return std::unique_ptr<HostilePeer>(new HostilePeer(std::move(*e)));
    }
    ~HostilePeer() {
        gossip_->stop();
        engine_->flush();
    }

    Engine &engine() { return *engine_; }
    Host &host() { return *host_; }
    GossipService &gossip() { return *gossip_; }
    const PeerId &id() const { return host_->peerId(); }
    int snapshotRequests() const { return snapshotRequests_; }
    int requestsServed() const { return requestsServed_; }
    void setAnswer(Answer a) { answer_ = std::move(a); }

    bool dial(const QString &p2p, int ms) {
        auto addr = Multiaddr::parse(p2p);
        if (!addr) return false;
        std::optional<bool> ok;
        host_->dial(*addr, [&](Result<Connection *> r) { ok = r.ok(); });
        return waitFor([&] { return ok.has_value(); }, ms) && *ok;
    }

    // One sync request on its own stream, with the auth tag `key` gives; the
    // answer, or nullopt when the stream ended without one.
    std::optional<deltanode::pb::SyncResponse> ask(const PeerId &peer, const Hash32 &ctx, deltanode::pb::SyncRequest req,
                                                   const QByteArray &key, int ms) {
        req.set_context_id(syncwire::bytes(ctx));
        req.set_auth(syncwire::bytes(syncwire::authTag(key, syncwire::kSyncDomain, ctx, id(), peer)));
        std::optional<Result<Stream *>> opened;
        host_->newStream(peer, {syncwire::kSyncProtocol}, [&](Result<Stream *> s) { opened = std::move(s); });
        if (!waitFor([&] { return opened.has_value(); }, ms) || !*opened) return std::nullopt;
        FramedStream io(opened->value(), syncwire::kMaxSyncFrame);
        std::optional<deltanode::pb::SyncResponse> answer;
        bool ended = false;
        io.start({[&](const QByteArray &f) {
                      deltanode::pb::SyncResponse r;
                      if (r.ParseFromArray(f.constData(), int(f.size()))) answer = std::move(r);
                  },
                  [&] { ended = true; }, [&](const QString &) { ended = true; }, {}});
        io.send(req);
        waitFor([&] { return answer.has_value() || ended; }, ms);
        if (io.isOpen()) io.reset(QStringLiteral("done"));
        return answer;
    }

    // The context's app module from `peer` over the blob protocol.
    Result<BlobInfo> fetchApp(const PeerId &peer, const Hash32 &ctx, const Hash32 &app, const QByteArray &key, int ms) {
        std::optional<Result<BlobInfo>> out;
        BlobFetch f(host_.get(), engine_.get(), ctx, key, peer, BlobFetch::Target::App, app);
        f.start([&](Result<BlobInfo> r) { out = std::move(r); });
        if (!waitFor([&] { return out.has_value(); }, ms)) return Error{ErrorCode::Timeout, QStringLiteral("no answer")};
        return std::move(*out);
    }

    // A delta of ours, written as a member would, sealed with `key` of `epoch`.
    QByteArray forgeDelta(const Hash32 &ctx, std::vector<Hash32> parents, std::vector<Hash32> govParents, uint32_t epoch,
                          const QByteArray &key, const QByteArray &what) {
        DeltaBody b;
        b.contextId = ctx;
        b.parents = std::move(parents);
        b.actions = {Action::put(QByteArrayLiteral("hostile"), what)};
        b.hlc = systemNtp64();
        b.author = engine_->identity().publicKey();
        b.epoch = epoch;
        b.govParents = std::move(govParents);
        return sealDelta(b, engine_->identity().key(), key).envelopeBytes;
    }

    // Publishes an envelope on the context's topic once `peer` is in our
    // mesh for it (true), or gives up after `ms`.
    bool publish(const Hash32 &ctx, const PeerId &peer, const QByteArray &envelope, int ms) {
        const QString topic = NetworkService::topicOf(ctx);
        if (!gossip_->topics().contains(topic)) gossip_->subscribe(topic);
        // Flood publishing reaches every peer subscribed to the topic: an honest
        // node keeps a stranger out of its mesh, not out of its topic peers.
        if (!waitFor([&] { return gossip_->topicPeers(topic).contains(peer); }, ms)) return false;
        deltanode::pb::GossipPayload p;
        p.set_envelope(envelope.toStdString());
        return gossip_->publish(topic, QByteArray::fromStdString(p.SerializeAsString())).ok();
    }

    static bool waitFor(const std::function<bool()> &cond, int ms) { return Cluster::waitFor(cond, ms); }

private:
    explicit HostilePeer(std::unique_ptr<Engine> engine) : engine_(std::move(engine)) {
        host_ = std::make_unique<Host>(engine_->identity().key());
        gossip_ = std::make_unique<GossipService>(host_.get());
        gossip_->start();
        host_->setStreamHandler(syncwire::kSyncProtocol, [this](Stream *s) { serve(s); });
        (void)host_->listen(*Multiaddr::parse(u"/ip4/127.0.0.1/tcp/0"));
    }

    void serve(Stream *s) {
        streams_.push_back(std::make_unique<FramedStream>(s, syncwire::kMaxSyncFrame));
        FramedStream *io = streams_.back().get();
        io->start({[this, io](const QByteArray &f) {
                       deltanode::pb::SyncRequest req;
                       if (!req.ParseFromArray(f.constData(), int(f.size())) || !answer_) return io->reset(QStringLiteral("no"));
                       ++requestsServed_;
                       if (req.has_snapshot()) ++snapshotRequests_;
                       io->send(answer_(req));
                   },
                   {}, {}, {}});
    }

    std::unique_ptr<Engine> engine_;
    std::unique_ptr<Host> host_;
    std::unique_ptr<GossipService> gossip_;
    std::vector<std::unique_ptr<FramedStream>> streams_;
    Answer answer_;
    int snapshotRequests_ = 0;
    int requestsServed_ = 0;
};

}  // namespace dn::test
