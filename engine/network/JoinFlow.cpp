#include "network/JoinFlow.h"
#include "blob/BlobStore.h"
#include "context/Engine.h"
#include "net/Host.h"
#include "network/NetworkService.h"
#include "network/PeerDiscovery.h"
#include "sync/BlobFetch.h"
#include "sync/BlockingJobs.h"
#include "sync/SyncManager.h"
#include "sync/SyncWire.h"
#include "crypto/SealedBox.h"
#include "net/Stream.h"
#include "sync.pb.h"
#include <QDateTime>
#include <QLoggingCategory>
#include <QPointer>

Q_LOGGING_CATEGORY(lcJoin, "dn.join")

namespace dn {

namespace pb = ::deltanode::pb;

namespace {
// Keys of every epoch and a migrated context's seed: small, but not tiny.
constexpr qsizetype kMaxJoinResponse = 4 * 1024 * 1024;
}  // namespace

JoinFlow::JoinFlow(NetworkService &net, InvitationData invitation, std::function<void(Result<ContextInfo>)> done,
                   QObject *parent)
    : QObject(parent),
      net_(net),
      inv_(std::move(invitation)),
      done_(std::move(done)),
      inviter_(PeerId::fromPublicKey(inv_.inviterKey)) {}

void JoinFlow::start() {
    qCInfo(lcJoin) << "joining context" << inv_.contextId.toBase58() << "(application" << inv_.appId.toBase58()
                   << ") invited by" << inviter_.toBase58();
    if (inviter_ == net_.host().peerId())
        return fail(ErrorCode::InvalidInvitation, QStringLiteral("this invitation was issued by this node"));
    if (const auto info = net_.engine().context(inv_.contextId); info && info->isMember) {
        qCInfo(lcJoin) << "already a member of" << inv_.contextId.toBase58();
        return succeed();
    }
    dialInviter(0, {});
}

void JoinFlow::dialInviter(int index, const QString &lastError) {
    if (net_.host().isConnected(inviter_)) {
        qCInfo(lcJoin) << "connected to the inviter" << inviter_.toBase58();
        net_.discovery().keep(inviter_);
        return proveInvitation();
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

void JoinFlow::proveInvitation() {
    QPointer<JoinFlow> self(this);
    net_.host().newStream(inviter_, {syncwire::kJoinProtocol}, [self](Result<Stream *> s) {
        if (!self) {
            if (s) s.value()->reset();
            return;
        }
        if (!s) return self->fail(ErrorCode::InviterUnreachable, QStringLiteral("the inviter does not accept joins: %1").arg(s.error().message));
        if (self->finished_) return s.value()->reset();
        self->joinIo_ = std::make_unique<FramedStream>(*s, kMaxJoinResponse);
        // The stream stays until this flow ends (never reset inside its own callback).
        self->joinIo_->start({[self](const QByteArray &f) { if (self) self->granted(f); },
                              [self] {
                                  if (self && !self->admitted_)
                                      self->fail(ErrorCode::InviterUnreachable, QStringLiteral("the inviter closed the join without answering"));
                              },
                              [self](const QString &why) {
                                  if (self && !self->admitted_)
                                      self->fail(ErrorCode::InviterUnreachable, QStringLiteral("the join stream failed: %1").arg(why));
                              },
                              {}});
        pb::JoinRequest req;
        req.set_context_id(syncwire::bytes(self->inv_.contextId));
        req.set_invite_id(syncwire::bytes(self->inv_.inviteId));
        req.set_proof(syncwire::bytes(joinProof(self->inv_.secret, self->inv_.contextId, self->inv_.inviteId,
                                                self->net_.host().peerId().bytes(), self->inviter_.bytes())));
        self->joinIo_->send(req);
        self->joinIo_->closeWrite();
        qCInfo(lcJoin) << "proving the invitation to" << self->inviter_.toBase58();
    });
}

void JoinFlow::granted(const QByteArray &frame) {
    if (finished_ || admitted_) return;
    admitted_ = true;  // one answer per stream; whatever follows is ignored
    pb::JoinResponse resp;
    if (!resp.ParseFromArray(frame.constData(), int(frame.size())))
        return fail(ErrorCode::InvalidInvitation, QStringLiteral("the inviter answered something that is not a JoinResponse"));
    if (resp.has_error()) {
        const QString code = QString::fromStdString(resp.error().code());
        return fail(errorCodeFromWire(code).value_or(ErrorCode::InvalidInvitation),
                    QStringLiteral("the inviter refused the invitation (%1): %2").arg(code, QString::fromStdString(resp.error().message())));
    }
    const Identity &me = net_.engine().identity();
    grant_ = {};
    for (const auto &k : resp.keys()) {
        auto key = openSealed(me.key(), QByteArray::fromStdString(k.sealed()));
        if (!key || key->size() != 32) return fail(ErrorCode::InvalidInvitation, QStringLiteral("an epoch key from the inviter does not open"));
        grant_.keys.push_back({k.epoch(), *key, Hash32::fromBytes(QByteArray::fromStdString(k.source())).value_or(Hash32{})});
    }
    if (auto seed = syncwire::ids(resp.seed_members(), 100000)) grant_.seedMembers = {seed->begin(), seed->end()};
    if (auto seed = syncwire::ids(resp.seed_admins(), 100000)) grant_.seedAdmins = {seed->begin(), seed->end()};
    qCInfo(lcJoin) << "admitted by the inviter:" << grant_.keys.size() << "epoch keys";
    ensureApp();
}

void JoinFlow::ensureApp() {
    Engine &engine = net_.engine();
    if (engine.app(inv_.appId)) return joinLocally();
    qCInfo(lcJoin) << "fetching application" << inv_.appId.toBase58() << "from the inviter";
    QByteArray epoch0;
    for (const EpochKey &k : grant_.keys)
        if (k.epoch == 0) epoch0 = k.key;
    auto *fetch = new BlobFetch(&net_.host(), &engine, inv_.contextId, epoch0, inviter_, BlobFetch::Target::App,
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
        auto joined = engine.joinContext(inv_.contextId, inv_.appId, grant_, inv_.contextName);
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
        self->succeed();
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
