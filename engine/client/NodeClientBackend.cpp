#include "client/NodeClientBackend.h"
#include "api/NodeServices.h"
#include "blob/BlobCache.h"
#include "context/Engine.h"
#include "crypto/PeerId.h"
#include "state/Hlc.h"
#include "trust/Membership.h"
#include "client/NodeViews.h"
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QPointer>
#include <set>

Q_LOGGING_CATEGORY(lcClient, "dn.client")

namespace dn {
namespace {

constexpr qint64 kMaxWasmBytes = 64ll << 20;  // far above any sane module; keeps a wrong pick from eating memory
constexpr qint64 kJoinSyncTimeoutMs = 30'000;
constexpr int kMaxDagDeltas = 10'000;

ClientReply success(QVariantMap data = {}) {
    ClientReply r;
    r.ok = true;
    r.data = std::move(data);
    return r;
}

ClientReply failure(ErrorCode code, const QString &message) {
    ClientReply r;
    r.code = wireName(code);
    r.message = message;
    return r;
}

ClientReply failure(const Error &e) { return failure(e.code, e.message); }

std::optional<Hash32> parseId(const QString &text) {
    return text.size() > 50 ? std::nullopt : Hash32::fromBase58(text.trimmed());
}

}  // namespace

NodeClientBackend::NodeClientBackend(NodeServices *node, PhaseHistogramSource phases)
    : node_(node), builder_(*node, std::move(phases)) {
    // Two threads: a long DAG read must not hold up a method call behind it.
    pool_.setMaxThreadCount(2);
    timer_.setParent(this);  // moves with us to the node thread
    connect(&timer_, &QTimer::timeout, this, &NodeClientBackend::tick);
    connect(node_, &NodeServices::stateMutated, this,
            [this](const Hash32 &ctx, const Hash32 &delta, const Hash32 &, const std::vector<Event> &events) {
                if (!events.empty()) builder_.addEvents(ctx.toBase58(), delta.toBase58(), events);
            });
}

NodeClientBackend::~NodeClientBackend() {
    timer_.stop();
    pool_.waitForDone();
}

void NodeClientBackend::start(int intervalMs) {
    timer_.start(std::max(intervalMs, 250));
    tick();  // the first picture at once, not a quarter second later
}

void NodeClientBackend::snapshotNow() { tick(); }

void NodeClientBackend::tick() {
    NodeSnapshot s = builder_.build();
    countMembers(s.takenAtMs);
    watchJoins(s);
    emit snapshotReady(s);
}

void NodeClientBackend::countMembers(qint64 nowMs) {
    Engine *engine = &node_->engine();
    for (const QString &ctx : builder_.contextsNeedingMemberCount(nowMs, 1000)) {
        auto id = parseId(ctx);
        if (!id) continue;
        // The membership at the current heads (ARCHITECTURE §15), published by the engine.
        const auto m = engine->membership(*id);
        builder_.setMembers(ctx, m ? int(m->members.size()) : 0);
    }
}

void NodeClientBackend::watchJoins(const NodeSnapshot &s) {
    for (int i = joins_.size() - 1; i >= 0; --i) {
        const JoinWatch &w = joins_[i];
        const QString contextId = w.context.id.toBase58();
        bool synced = false;
        for (const auto &c : s.contexts)
            if (c.id == contextId) synced = c.applied > 0 && c.pending == 0;
        const bool late = s.takenAtMs > w.deadlineMs;
        if (!synced && !late) continue;
        QVariantMap data = views::contextMap(w.context);
        data.insert(QStringLiteral("synced"), synced);
        emit progress(w.id, synced ? QStringLiteral("Synced") : QStringLiteral("Still syncing in the background"), 1.0);
        emit finished(w.id, success(data));
        joins_.removeAt(i);
    }
}

void NodeClientBackend::offload(quint64 id, std::function<ClientReply()> work) {
    pool_.start([this, id, work = std::move(work)] {
        ClientReply r = work();
        if (!r.ok) qCWarning(lcClient) << "request failed:" << r.message;
        emit finished(id, r);
    });
}

void NodeClientBackend::fail(quint64 id, ErrorCode code, const QString &message) {
    qCWarning(lcClient) << "request failed:" << message;
    emit finished(id, failure(code, message));
}

void NodeClientBackend::installApp(quint64 id, const QString &path, const QString &name) {
    Engine *engine = &node_->engine();
    offload(id, [engine, path, name] {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return failure(ErrorCode::NotFound, QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
        if (f.size() > kMaxWasmBytes)
            return failure(ErrorCode::TooLarge, QStringLiteral("%1 is larger than 64 MiB").arg(path));
        const QString appName = name.isEmpty() ? QFileInfo(path).completeBaseName() : name;
        auto app = engine->installApp(f.readAll(), appName);
        if (!app) return failure(app.error());
        qCInfo(lcClient) << "installed app" << appName << app->id.toBase58();
        return success(views::appMap(*app));
    });
}

void NodeClientBackend::createContext(quint64 id, const QString &appId, const QString &name, const QString &initArgs) {
    auto app = parseId(appId);
    if (!app) return fail(id, ErrorCode::InvalidId, QStringLiteral("not an application id: %1").arg(appId));
    Engine *engine = &node_->engine();
    offload(id, [engine, app = *app, name, args = initArgs.isEmpty() ? QByteArray("{}") : initArgs.toUtf8()] {
        auto ctx = engine->createContextSync(app, name, args);
        if (!ctx) return failure(ctx.error());
        qCInfo(lcClient) << "created context" << name << ctx->id.toBase58();
        return success(views::contextMap(*ctx));
    });
}

void NodeClientBackend::invite(quint64 id, const QString &contextId, qint64 expiresInSeconds, int uses) {
    auto ctx = parseId(contextId);
    if (!ctx) return fail(id, ErrorCode::InvalidId, QStringLiteral("not a context id: %1").arg(contextId));
    if (uses < 1 || uses > int(kMaxInvitationUses))
        return fail(id, ErrorCode::InvalidArgument, QStringLiteral("an invitation admits 1 to %1 joins").arg(kMaxInvitationUses));
    auto r = node_->invite(*ctx, expiresInSeconds, uint32_t(uses));
    if (!r) return fail(id, r.error().code, r.error().message);
    emit finished(id, success({{QStringLiteral("invitation"), r->text},
                               {QStringLiteral("inviteId"), QString::fromLatin1(r->inviteId.toHex())},
                               {QStringLiteral("uses"), int(r->uses)},
                               {QStringLiteral("expiresAt"), qint64(r->expiresAt)}}));
}

void NodeClientBackend::join(quint64 id, const QString &invitation) {
    const QString text = invitation.trimmed();
    if (text.isEmpty()) return fail(id, ErrorCode::InvalidInvitation, QStringLiteral("paste an invitation (dn1…) first"));
    emit progress(id, QStringLiteral("Joining: verifying, fetching the app"), 0.2);
    node_->join(text, [this, id](Result<ContextInfo> r) {
        // The node calls back on its own thread, where we live.
        if (!r) return fail(id, r.error().code, r.error().message);
        qCInfo(lcClient) << "joined context" << r->id.toBase58();
        emit progress(id, QStringLiteral("Syncing history"), 0.6);
        joins_.push_back({id, std::move(*r), QDateTime::currentMSecsSinceEpoch() + kJoinSyncTimeoutMs});
    });
}

void NodeClientBackend::deleteContext(quint64 id, const QString &contextId) {
    auto ctx = parseId(contextId);
    if (!ctx) return fail(id, ErrorCode::InvalidId, QStringLiteral("not a context id: %1").arg(contextId));
    Engine *engine = &node_->engine();
    offload(id, [engine, ctx = *ctx, contextId] {
        auto r = engine->deleteContext(ctx);
        if (!r) return failure(r.error());
        qCInfo(lcClient) << "deleted context" << contextId;
        return success({{QStringLiteral("contextId"), contextId}, {QStringLiteral("deleted"), true}});
    });
}

void NodeClientBackend::members(quint64 id, const QString &contextId) {
    auto ctx = parseId(contextId);
    if (!ctx) return fail(id, ErrorCode::InvalidId, QStringLiteral("not a context id: %1").arg(contextId));
    Engine &engine = node_->engine();
    const auto m = engine.membership(*ctx);
    if (!m) return fail(id, ErrorCode::NotFound, QStringLiteral("no such context: %1").arg(contextId));
    std::set<PeerId> online;
    for (const PeerInfo &p : node_->peers()) online.insert(p.peerId);
    const Hash32 self = engine.identity().publicKey();
    QVariantList list;
    for (const auto &[key, member] : m->members) {
        const PeerId peer = PeerId::fromPublicKey(key);
        QVariantMap row{{QStringLiteral("peerId"), peer.toBase58()},
                        {QStringLiteral("role"), roleName(member.role)},
                        {QStringLiteral("self"), key == self},
                        {QStringLiteral("online"), key == self || online.count(peer) != 0},
                        {QStringLiteral("addedBy"), QString()},
                        {QStringLiteral("addedAt"), qint64(0)}};
        if (!member.addedBy.isZero()) {  // zero: a member from before governance
            row.insert(QStringLiteral("addedBy"), PeerId::fromPublicKey(member.addedBy).toBase58());
            row.insert(QStringLiteral("addedAt"), qint64(unixMsFromNtp64(member.addedAtHlc)));
        }
        list.push_back(row);
    }
    const Member *me = m->find(self);
    emit finished(id, success({{QStringLiteral("contextId"), contextId},
                               {QStringLiteral("members"), list},
                               {QStringLiteral("epoch"), qint64(m->epoch)},
                               {QStringLiteral("selfRole"), me ? roleName(me->role) : QStringLiteral("none")}}));
}

std::function<void(Result<Hash32>)> NodeClientBackend::answerDelta(quint64 id, QVariantMap data) {
    QPointer<NodeClientBackend> self(this);
    return [self, id, data = std::move(data)](Result<Hash32> r) mutable {
        // Engine callbacks run on engine threads: answer from ours.
        auto result = std::make_shared<Result<Hash32>>(std::move(r));
        if (!self) return;
        QMetaObject::invokeMethod(
            self.data(),
            [self, id, data, result] {
                if (!self) return;
                if (!*result) return self->fail(id, result->error().code, result->error().message);
                QVariantMap d = data;
                d.insert(QStringLiteral("deltaId"), result->value().toBase58());
                // The count in the next snapshot, not a second later.
                const QString ctx = d.value(QStringLiteral("contextId")).toString();
                if (const auto cid = parseId(ctx))
                    if (const auto m = self->node_->engine().membership(*cid))
                        self->builder_.setMembers(ctx, int(m->members.size()));
                emit self->finished(id, success(d));
            },
            Qt::QueuedConnection);
    };
}

void NodeClientBackend::removeMember(quint64 id, const QString &contextId, const QString &peerId) {
    auto ctx = parseId(contextId);
    if (!ctx) return fail(id, ErrorCode::InvalidId, QStringLiteral("not a context id: %1").arg(contextId));
    const auto peer = parsePeerId(peerId);
    if (!peer) return fail(id, peer.error().code, peer.error().message);
    node_->engine().removeMember(*ctx, peer->publicKey(),
                                 answerDelta(id, {{QStringLiteral("contextId"), contextId}, {QStringLiteral("peerId"), peerId}}));
}

void NodeClientBackend::setRole(quint64 id, const QString &contextId, const QString &peerId, const QString &role) {
    auto ctx = parseId(contextId);
    if (!ctx) return fail(id, ErrorCode::InvalidId, QStringLiteral("not a context id: %1").arg(contextId));
    const auto peer = parsePeerId(peerId);
    if (!peer) return fail(id, peer.error().code, peer.error().message);
    const auto r = roleFromName(role);
    if (!r) return fail(id, ErrorCode::InvalidArgument, QStringLiteral("role must be \"admin\" or \"member\""));
    node_->engine().setRole(*ctx, peer->publicKey(), *r,
                            answerDelta(id, {{QStringLiteral("contextId"), contextId},
                                             {QStringLiteral("peerId"), peerId},
                                             {QStringLiteral("role"), role}}));
}

void NodeClientBackend::call(quint64 id, const QString &contextId, const QString &method, const QString &args) {
    auto ctx = parseId(contextId);
    if (!ctx) return fail(id, ErrorCode::InvalidId, QStringLiteral("not a context id: %1").arg(contextId));
    Engine *engine = &node_->engine();
    offload(id, [engine, ctx = *ctx, method = method.toUtf8(), args = args.isEmpty() ? QByteArray("{}") : args.toUtf8()] {
        auto r = engine->executeSync(ctx, method, args);
        if (!r) return failure(r.error());
        return success(views::executeMap(*r));
    });
}

void NodeClientBackend::fetchState(quint64 id, const QString &contextId, const QString &prefix, int limit) {
    auto ctx = parseId(contextId);
    if (!ctx) return fail(id, ErrorCode::InvalidId, QStringLiteral("not a context id: %1").arg(contextId));
    Engine *engine = &node_->engine();
    pool_.start([this, engine, id, ctx = *ctx, contextId, prefix = prefix.toUtf8(), limit] {
        auto items = engine->stateItems(ctx, prefix, size_t(std::clamp(limit, 1, 100'000)));
        if (!items) {
            emit finished(id, failure(items.error()));
            return;
        }
        QVector<StateEntryView> out;
        for (const auto &item : *items) {
            if (item.key.startsWith('\0')) continue;  // the node's own keys (membership), not the app's
            out.push_back(views::stateEntry(item));
        }
        emit stateReady(id, contextId, out);
        emit finished(id, success({{QStringLiteral("entries"), int(out.size())}}));
    });
}

void NodeClientBackend::fetchDag(quint64 id, const QString &contextId, int limit) {
    auto ctx = parseId(contextId);
    if (!ctx) return fail(id, ErrorCode::InvalidId, QStringLiteral("not a context id: %1").arg(contextId));
    Engine *engine = &node_->engine();
    pool_.start([this, engine, id, ctx = *ctx, contextId, limit] {
        // Heads before the deltas: every head read here is then in the list
        // (read the other way round, a delta applied in between made the
        // list's newest deltas look like non-heads and the graph had none).
        std::unordered_set<Hash32> heads;
        if (auto info = engine->context(ctx)) heads.insert(info->heads.begin(), info->heads.end());
        auto deltas = engine->deltas(ctx, size_t(std::clamp(limit, 1, kMaxDagDeltas)));
        if (!deltas) {
            emit finished(id, failure(deltas.error()));
            return;
        }
        QVector<DagDeltaView> out;
        out.reserve(int(deltas->size()));
        // Oldest first: the order in which a DAG view appends them.
        for (auto it = deltas->rbegin(); it != deltas->rend(); ++it) out.push_back(views::dagDelta(*it, heads));
        emit dagReady(id, contextId, out);
        emit finished(id, success({{QStringLiteral("deltas"), int(out.size())}}));
    });
}

void NodeClientBackend::peerAction(quint64 id, const QString &peerId, const QString &action) {
    const bool known = action == QLatin1String("disconnect") || action == QLatin1String("block") ||
                       action == QLatin1String("unblock");
    if (!known) return fail(id, ErrorCode::InvalidArgument, QStringLiteral("unknown peer action %1").arg(action));
    const auto peer = parsePeerId(peerId);
    if (!peer) return fail(id, peer.error().code, peer.error().message);
    const Result<void> r = action == QLatin1String("disconnect") ? node_->disconnectPeer(*peer)
                                                                 : node_->setPeerBlocked(*peer, action == QLatin1String("block"));
    if (!r) return fail(id, r.error().code, r.error().message);
    emit finished(id, success({{QStringLiteral("peerId"), peerId}, {QStringLiteral("action"), action}}));
}

void NodeClientBackend::evictBlob(quint64 id, const QString &blobId) {
    if (blobId.isEmpty()) {
        const EvictionReport r = node_->runBlobCacheEviction();
        emit finished(id, success({{QStringLiteral("evicted"), int(r.total())}}));
        return;
    }
    auto blob = parseId(blobId);
    if (!blob) return fail(id, ErrorCode::InvalidId, QStringLiteral("not a blob id: %1").arg(blobId));
    const bool evicted = node_->evictCachedBlob(*blob);
    emit finished(id, success({{QStringLiteral("evicted"), evicted ? 1 : 0}}));
}

}  // namespace dn
