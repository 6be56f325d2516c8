// NetworkService's gossip gate (DESIGN §16, ARCHITECTURE §16): what a message
// on a context topic must be before the router forwards it, and how peers
// are scored by membership.
//
// Accept: a well-formed GossipPayload for the topic's context whose author
// (the gossip `from`, which signs it) is a member there, and for an envelope
// whose header names that context and that author. The envelope's own
// signature, decryption and DAG checks run later on the engine's workers; a
// member whose delta fails them is penalised then (NetworkService::onEnvelope).
// Reject (penalty): malformed payloads, wrong context, an author who is not
// the envelope's author.
// Ignore: a message whose author is not a member here. A new member's first
// messages often arrive before its membership does, so no P4 penalty (which
// would keep an honest joiner out of our mesh for ~10 s); a non-member that
// sends its own messages is instead scored as a stranger (−100, graylisted)
// until it is a member, which the next heartbeat's re-scoring notices.
//
// Unknown parents and unknown epochs are not judged here: the engine keeps a
// delta with missing parents and fetches them by sync. Holding such a delta
// back at every hop would turn a burst that arrives out of order into one
// sync round per hop; its signature already proves a member wrote it.
#include "codec/Envelope.h"
#include "context/Engine.h"
#include "gossip/GossipService.h"
#include "net/Host.h"
#include "network/NetworkService.h"
#include "sync.pb.h"
#include "sync/BlockingJobs.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcNetwork)

namespace dn {

namespace pb = ::deltanode::pb;

namespace {
// Application score of a peer that is a member of none of the contexts it
// gossips about: below the graylist threshold (-80), as Calimero scores
// non-members, so its RPCs are dropped unread.
constexpr double kStrangerScore = -100.0;
}  // namespace

void NetworkService::setupGossipGate() {
    verifier_ = std::make_unique<BlockingJobs>(1);
    GossipRouter &router = gossip_->router();
    router.setValidator([this](const GossipMessage &m, const PeerId &from) { return validateMessage(m, from); });
    BlockingJobs *verifier = verifier_.get();
    router.setVerifyOffload([verifier](std::function<bool()> verify, std::function<void(bool)> done) {
        verifier->run<bool>(std::move(verify), std::move(done));
    });
    router.setAppScoreFn([this](const PeerId &p, const std::set<QString> &topics) { return membershipScore(p, topics); });
    connect(host_.get(), &Host::peerDisconnected, this, [this](const PeerId &p) { strangers_.erase(p); });
}

ValidationResult NetworkService::validateMessage(const GossipMessage &m, const PeerId &receivedFrom) {
    auto it = topics_.find(m.topic);
    if (it == topics_.end()) return ValidationResult::Ignore;  // left meanwhile
    const Hash32 contextId = it.value();
    const Hash32 author = m.from.publicKey();
    pb::GossipPayload payload;
    if (!payload.ParseFromArray(m.data.constData(), int(m.data.size()))) return ValidationResult::Reject;
    switch (payload.kind_case()) {
    case pb::GossipPayload::kEnvelope: {
        const std::string &env = payload.envelope();
        auto header = peekEnvelope(QByteArrayView(env.data(), qsizetype(env.size())));
        if (!header || header->contextId != contextId || header->author != author) return ValidationResult::Reject;
        break;
    }
    case pb::GossipPayload::kHeartbeat: {
        const std::string &ctx = payload.heartbeat().context_id();
        const auto named = Hash32::fromBytes(QByteArray::fromRawData(ctx.data(), qsizetype(ctx.size())));
        if (!named || *named != contextId) return ValidationResult::Reject;
        break;
    }
    case pb::GossipPayload::KIND_NOT_SET:
        return ValidationResult::Reject;
    }
    if (deps_.engine->isMember(contextId, author)) return ValidationResult::Accept;
    if (receivedFrom != m.from) return ValidationResult::Ignore;
    if (host_->isConnected(receivedFrom) && strangers_.insert(receivedFrom).second) {
        gossip_->router().refreshAppScores();  // graylisted from its next RPC, not the next heartbeat
        qCInfo(lcNetwork).noquote() << "peer" << receivedFrom.toBase58() << "gossips on context" << m.topic
                                    << "without being a member (yet): scored as a stranger";
    }
    return ValidationResult::Ignore;
}

double NetworkService::membershipScore(const PeerId &peer, const std::set<QString> &topics) const {
    const Hash32 key = peer.publicKey();
    bool onOurTopics = strangers_.count(peer) != 0;
    for (const QString &t : topics) {
        auto it = topics_.find(t);
        if (it == topics_.end()) continue;
        if (deps_.engine->isMember(it.value(), key)) return 0;
        onOurTopics = true;
    }
    // A member of any context we share is scored by its behaviour alone; a
    // peer on none of our topics (a bootstrap node, a relay) is neutral.
    return onOurTopics ? kStrangerScore : 0;
}

}  // namespace dn
