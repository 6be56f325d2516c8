#include "network/JoinFlow.h"
#include "blob/BlobStore.h"
#include "context/Engine.h"
#include "net/Host.h"
#include "network/NetworkService.h"
#include "network/PeerDiscovery.h"
#include "sync/BlobFetch.h"
#include "sync/BlockingJobs.h"
#include "sync/SyncManager.h"
#include <QDateTime>
#include <QLoggingCategory>
#include <QPointer>

Q_LOGGING_CATEGORY(lcJoin, "dn.join")

namespace dn {

JoinFlow::JoinFlow(NetworkService &net, InvitationData invitation, std::function<void(Result<ContextInfo>)> done,
                   QObject *parent)
    : QObject(parent),
      net_(net),
      inv_(std::move(invitation)),
      done_(std::move(done)),
      inviter_(PeerId::fromPublicKey(inv_.inviterKey)) {}

QByteArray JoinFlow::memberKey() const {
    return QByteArray("\0members/", 9) + net_.host().peerId().toBase58().toUtf8();
}

void JoinFlow::start() {
    qCInfo(lcJoin) << "joining context" << inv_.contextId.toBase58() << "(application" << inv_.appId.toBase58()
                   << ") invited by" << inviter_.toBase58();
    if (inviter_ == net_.host().peerId())
        return fail(ErrorCode::InvalidInvitation, QStringLiteral("this invitation was issued by this node"));
    if (net_.engine().context(inv_.contextId)) return checkMembership();
    dialInviter(0, {});
}

void JoinFlow::checkMembership() {
    Engine *engine = &net_.engine();
    const Hash32 ctx = inv_.contextId;
    const QByteArray key = memberKey();
    QPointer<JoinFlow> self(this);
    net_.jobs().run<bool>(
        [engine, ctx, key] {
            auto items = engine->stateItems(ctx, key, 1);
            return items && !items->empty() && items->front().key == key;
        },
        [self](bool member) {
            if (!self) return;
            if (member) {
                qCInfo(lcJoin) << "already a member of" << self->inv_.contextId.toBase58();
                return self->succeed();
            }
            qCInfo(lcJoin) << "context" << self->inv_.contextId.toBase58() << "is here but our membership is not written; resuming";
            self->dialInviter(0, {});
        });
}

void JoinFlow::dialInviter(int index, const QString &lastError) {
    if (net_.host().isConnected(inviter_)) {
        qCInfo(lcJoin) << "connected to the inviter" << inviter_.toBase58();
        net_.discovery().keep(inviter_);
        return ensureApp();
    }
    if (index >= inv_.inviterAddrs.size()) {
        return fail(ErrorCode::InviterUnreachable,
                    inv_.inviterAddrs.isEmpty()
                        ? QStringLiteral("the invitation lists no address of the inviter %1").arg(inviter_.toBase58())
                        : QStringLiteral("could not connect to the inviter %1 at %2: %3")
                              .arg(inviter_.toBase58(), inv_.inviterAddrs.join(QStringLiteral(", ")), lastError));
    }
    auto addr = Multiaddr::parse(inv_.inviterAddrs[index]);
    if (!addr) return dialInviter(index + 1, addr.error().message);
    const Multiaddr target = addr->hasPeerId() ? *addr : addr->withPeerId(inviter_);
    if (target.peerId() != inviter_) return dialInviter(index + 1, QStringLiteral("an address of another peer"));
    qCInfo(lcJoin) << "dialing the inviter at" << target.toString();
    QPointer<JoinFlow> self(this);
    net_.host().dial(target, [self, index](Result<Connection *> r) {
        if (!self) return;
        self->dialInviter(r ? index : index + 1, r ? QString() : r.error().message);
    });
}

void JoinFlow::ensureApp() {
    Engine &engine = net_.engine();
    if (engine.app(inv_.appId)) return joinLocally();
    qCInfo(lcJoin) << "fetching application" << inv_.appId.toBase58() << "from the inviter";
    auto *fetch = new BlobFetch(&net_.host(), &engine, inv_.contextId, inv_.contextKey, inviter_, BlobFetch::Target::App,
                                inv_.appId, 60000, this);
    QPointer<JoinFlow> self(this);
    fetch->start([self, fetch](Result<BlobInfo> blob) {
        fetch->deleteLater();
        if (!self) return;
        if (!blob) return self->fail(ErrorCode::AppFetchFailed,
                                     QStringLiteral("could not fetch application %1 from the inviter: %2")
                                         .arg(self->inv_.appId.toBase58(), blob.error().message));
        Engine *engine = &self->net_.engine();
        const Hash32 blobId = blob->id;
        self->net_.jobs().run<Result<AppRecord>>(
            [engine, blobId, name = self->inv_.appName]() -> Result<AppRecord> {
                auto bytes = engine->blobs().get(blobId);
                if (!bytes) return Error{ErrorCode::AppFetchFailed, "the fetched module vanished from the blob store"};
                // The inviter's name for it, or (from an older inviter) a generic one.
                return engine->installApp(*bytes, name.isEmpty() ? QStringLiteral("joined") : name);
            },
            [self](Result<AppRecord> app) {
                if (!self) return;
                if (!app) return self->fail(app.error().code, QStringLiteral("the fetched module: %1").arg(app.error().message));
                if (app->id != self->inv_.appId)
                    return self->fail(ErrorCode::AppMismatch,
                                      QStringLiteral("the inviter sent a module whose id is %1, not %2")
                                          .arg(app->id.toBase58(), self->inv_.appId.toBase58()));
                qCInfo(lcJoin) << "installed application" << app->id.toBase58() << "(" << app->size << "bytes)";
                self->joinLocally();
            });
    });
}

void JoinFlow::joinLocally() {
    Engine &engine = net_.engine();
    if (!engine.context(inv_.contextId)) {
        auto joined = engine.joinContext(inv_.contextId, inv_.appId, inv_.contextKey, inv_.contextName);
        if (!joined) return fail(joined.error().code, joined.error().message);
        qCInfo(lcJoin) << "context" << inv_.contextId.toBase58() << "recorded; subscribing and syncing";
    }
    net_.reconcileTopics();
    syncWithInviter();
}

void JoinFlow::syncWithInviter() {
    QPointer<JoinFlow> self(this);
    net_.sync().request(inv_.contextId, inviter_, SyncManager::Trigger::Join, [self](const SyncOutcome &out) {
        if (!self) return;
        switch (out.status) {
        case SyncOutcome::Status::NotMember:
            return self->fail(ErrorCode::SyncFailed, QStringLiteral("the inviter no longer has the context"));
        case SyncOutcome::Status::Failed:
        case SyncOutcome::Status::Unavailable:
            return self->fail(ErrorCode::SyncFailed,
                              QStringLiteral("could not sync with the inviter: %1 (join again to retry)").arg(out.error));
        default:
            break;
        }
        qCInfo(lcJoin) << "synced with the inviter:" << syncStatusName(out.status) << out.deltasFetched << "deltas";
        self->writeMembership();
    });
}

void JoinFlow::writeMembership() {
    const QString peer = net_.host().peerId().toBase58();
    const QByteArray value = QStringLiteral("{\"peerId\":\"%1\",\"joinedAtMs\":%2}")
                                 .arg(peer)
                                 .arg(QDateTime::currentMSecsSinceEpoch())
                                 .toUtf8();
    QPointer<JoinFlow> self(this);
    BlockingJobs *jobs = &net_.jobs();
    net_.engine().commitNodeActions(inv_.contextId, {Action::put(memberKey(), value)}, [self, jobs](Result<Hash32> r) {
        // On the store's committer thread: back to the node thread.
        auto result = std::make_shared<Result<Hash32>>(std::move(r));
        jobs->post([self, result] {
            if (!self) return;
            if (!*result)
                return self->fail(result->error().code,
                                  QStringLiteral("could not write the membership entry: %1").arg(result->error().message));
            qCInfo(lcJoin) << "membership entry written in delta" << result->value().toBase58();
            self->succeed();
        });
    });
}

void JoinFlow::succeed() {
    if (finished_) return;
    finished_ = true;
    auto info = net_.engine().context(inv_.contextId);
    if (!info) return done_(Error{ErrorCode::ContextNotFound, "the context went away while joining"});
    qCInfo(lcJoin) << "joined context" << inv_.contextId.toBase58();
    done_(*info);
    deleteLater();
}

void JoinFlow::fail(ErrorCode code, const QString &message) {
    if (finished_) return;
    finished_ = true;
    qCWarning(lcJoin).noquote() << "joining" << inv_.contextId.toBase58() << "failed:" << message;
    done_(Error{code, message});
    deleteLater();
}

}  // namespace dn
