#include "sync/SyncSession.h"
#include "context/Engine.h"
#include "net/Host.h"
#include "sync.pb.h"
#include "sync/BlockingJobs.h"
#include "sync/FramedStream.h"
#include "sync/SyncWire.h"
#include <QLoggingCategory>
#include <algorithm>
#include <condition_variable>
#include <mutex>

Q_LOGGING_CATEGORY(lcSync, "dn.sync")

namespace dn {

namespace {
// Governance deltas a snapshot may carry (each a small envelope).
constexpr int kMaxGovernanceEnvelopes = 100000;
}  // namespace

namespace pb = ::deltanode::pb;
using namespace syncwire;

QString syncStatusName(SyncOutcome::Status s) {
    switch (s) {
    case SyncOutcome::Status::Converged: return QStringLiteral("converged");
    case SyncOutcome::Status::Fetched: return QStringLiteral("fetched");
    case SyncOutcome::Status::Snapshot: return QStringLiteral("snapshot");
    case SyncOutcome::Status::NotMember: return QStringLiteral("not_member");
    case SyncOutcome::Status::Unavailable: return QStringLiteral("unavailable");
    case SyncOutcome::Status::Deferred: return QStringLiteral("deferred");
    case SyncOutcome::Status::Failed: return QStringLiteral("failed");
    }
    return QStringLiteral("failed");
}

namespace {

struct Tally {
    size_t added = 0;     // applied or pending
    size_t rejected = 0;
};

// Hands every envelope to the engine (they queue on the context's worker,
// in this order) and waits for all the answers. Runs on BlockingJobs.
Tally receiveAll(Engine *engine, const std::vector<QByteArray> &envelopes) {
    std::mutex m;
    std::condition_variable cv;
    size_t left = envelopes.size();
    Tally t;
    for (const QByteArray &e : envelopes) {
        engine->receive(e, [&](Result<ReceiveResult> r) {
            std::lock_guard lock(m);
            if (!r) ++t.rejected;
            else if (r->status != ReceiveResult::Status::Duplicate) ++t.added;
            --left;
            cv.notify_all();
        });
    }
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return left == 0; });
    return t;
}

std::vector<Hash32> headsOf(Engine *engine, const Hash32 &ctx) {
    auto info = engine->context(ctx);
    std::vector<Hash32> heads = info ? info->heads : std::vector<Hash32>{};
    if (heads.size() > size_t(kMaxIdsPerRequest)) heads.resize(size_t(kMaxIdsPerRequest));
    return heads;
}

}  // namespace

SyncSession::SyncSession(Host *host, Engine *engine, BlockingJobs *jobs, const SyncConfig &config,
                         const Hash32 &contextId, const PeerId &peer, Mode mode, std::vector<Hash32> parents,
                         QObject *parent)
    : QObject(parent), host_(host), engine_(engine), jobs_(jobs), config_(config), ctx_(contextId), peer_(peer),
      mode_(mode), parents_(std::move(parents)) {
    deadline_.setSingleShot(true);
    connect(&deadline_, &QTimer::timeout, this, [this] {
        finish(SyncOutcome::Status::Failed, QStringLiteral("no answer within %1 ms").arg(config_.timeoutMs));
    });
}

SyncSession::~SyncSession() = default;

void SyncSession::start(std::function<void(const SyncOutcome &)> done) {
    done_ = std::move(done);
    deadline_.start(int(config_.timeoutMs));
    const auto key = engine_->contextKey(ctx_);
    if (!key) {
        QMetaObject::invokeMethod(this, [this] { finish(SyncOutcome::Status::Failed, QStringLiteral("the context is gone")); },
                                  Qt::QueuedConnection);
        return;
    }
    key_ = *key;
    if (!host_->isConnected(peer_)) {
        QMetaObject::invokeMethod(this, [this] { finish(SyncOutcome::Status::Unavailable, QStringLiteral("not connected")); },
                                  Qt::QueuedConnection);
        return;
    }
    QPointer<SyncSession> self(this);
    host_->newStream(peer_, {kSyncProtocol}, [self](Result<Stream *> s) {
        if (!self) {
            if (s) s.value()->reset();
            return;
        }
        if (!s) return self->finish(SyncOutcome::Status::Unavailable, s.error().message);
        self->opened(*s);
    });
}

void SyncSession::opened(Stream *s) {
    io_ = std::make_unique<FramedStream>(s, kMaxSyncFrame);
    io_->start({[this](const QByteArray &f) { onFrame(f); },
                [this] { finish(SyncOutcome::Status::Failed, QStringLiteral("the peer ended the stream early")); },
                [this](const QString &why) { finish(SyncOutcome::Status::Failed, why); },
                {}});
    if (finished_) return;
    if (mode_ == Mode::Parents) return fetch(parents_);
    pb::SyncRequest req;
    req.mutable_heads();
    request(req, [this](const pb::SyncResponse &r) { onHeads(r); });
}

void SyncSession::request(pb::SyncRequest &req, Answer onAnswer) {
    if (finished_ || !io_) return;
    req.set_context_id(bytes(ctx_));
    req.set_auth(bytes(authTag(key_, kSyncDomain, ctx_, host_->peerId(), peer_)));
    pending_ = std::move(onAnswer);
    if (!io_->send(req)) finish(SyncOutcome::Status::Failed, QStringLiteral("the stream is closed"));
}

void SyncSession::onFrame(const QByteArray &frame) {
    if (finished_) return;
    pb::SyncResponse resp;
    if (!pending_ || !resp.ParseFromArray(frame.constData(), int(frame.size()))) {
        io_->reset(QStringLiteral("unexpected or malformed sync response"));
        return finish(SyncOutcome::Status::Failed, QStringLiteral("the peer sent a malformed or unasked-for answer"));
    }
    if (refused(resp)) return;
    answered_ = true;
    Answer a = std::exchange(pending_, {});
    a(resp);
}

bool SyncSession::refused(const pb::SyncResponse &resp) {
    if (resp.kind_case() != pb::SyncResponse::kError) return false;
    const QString code = QString::fromStdString(resp.error().code());
    const QString msg = QString::fromStdString(resp.error().message());
    if (errorCodeFromWire(code) == ErrorCode::ContextNotFound) finish(SyncOutcome::Status::NotMember, msg);
    else finish(SyncOutcome::Status::Failed, QStringLiteral("%1: %2").arg(code, msg));
    // Evidence of our removal: taken like any page (each delta is checked),
    // oldest first, so this node stops writing as a member.
    if (resp.error().evidence_size() > 0 && resp.error().evidence_size() <= kMaxEnvelopesPerPage) {
        std::vector<QByteArray> envelopes;
        for (int i = resp.error().evidence_size() - 1; i >= 0; --i) envelopes.push_back(QByteArray::fromStdString(resp.error().evidence(i)));
        Engine *engine = engine_;
        jobs_->run<Tally>([engine, envelopes] { return receiveAll(engine, envelopes); }, [](Tally) {});
    }
    return true;
}

void SyncSession::onHeads(const pb::SyncResponse &resp) {
    if (resp.kind_case() != pb::SyncResponse::kHeads)
        return finish(SyncOutcome::Status::Failed, QStringLiteral("expected heads"));
    auto theirs = ids(resp.heads().heads(), kMaxHeads);
    if (!theirs) return finish(SyncOutcome::Status::Failed, QStringLiteral("malformed heads"));
    std::sort(theirs->begin(), theirs->end());
    const auto info = engine_->context(ctx_);
    if (!info) return finish(SyncOutcome::Status::Failed, QStringLiteral("the context is gone"));
    std::vector<Hash32> ours = info->heads;
    std::sort(ours.begin(), ours.end());
    if (ours == *theirs && info->pendingCount == 0) return finish(SyncOutcome::Status::Converged);
    if (ours.empty() && resp.heads().applied_count() > uint64_t(config_.emptySnapshotThreshold))
        return startSnapshot(QStringLiteral("nothing here and %1 deltas there").arg(resp.heads().applied_count()));
    Engine *engine = engine_;
    const Hash32 ctx = ctx_;
    QPointer<SyncSession> self(this);
    jobs_->run<Result<std::vector<Hash32>>>(
        [engine, ctx, heads = *theirs]() -> Result<std::vector<Hash32>> {
            auto unknown = engine->unknownDeltas(ctx, heads);
            if (!unknown) return unknown;
            auto missing = engine->missingParents(ctx);
            if (missing) unknown->insert(unknown->end(), missing->begin(), missing->end());
            return unknown;
        },
        [self](Result<std::vector<Hash32>> want) {
            if (!self || self->finished_) return;
            if (!want) return self->finish(SyncOutcome::Status::Failed, want.error().message);
            if (want->empty()) return self->finish(SyncOutcome::Status::Converged);
            self->fetch(std::move(*want));
        });
}

void SyncSession::fetch(std::vector<Hash32> want) {
    std::sort(want.begin(), want.end());
    want.erase(std::unique(want.begin(), want.end()), want.end());
    want.erase(std::remove_if(want.begin(), want.end(), [this](const Hash32 &h) { return peerLacks_.count(h) != 0; }),
               want.end());
    if (want.empty())
        return finish(fetched_ ? SyncOutcome::Status::Fetched : SyncOutcome::Status::Converged);
    if (fetched_ > quint64(config_.deltaSyncThreshold))
        return startSnapshot(QStringLiteral("more than %1 deltas behind").arg(config_.deltaSyncThreshold));
    if (want.size() > size_t(kMaxIdsPerRequest)) want.resize(size_t(kMaxIdsPerRequest));
    const std::vector<Hash32> have = headsOf(engine_, ctx_);
    // Until the server has seen us authenticate it takes only small frames
    // (kMaxRequestBeforeAuth); the ids left out come in the next round.
    if (!answered_ && want.size() + have.size() > size_t(kMaxIdsBeforeAuth))
        want.resize(size_t(kMaxIdsBeforeAuth) - have.size());
    ++rounds_;
    for (const Hash32 &h : want) askedFor_.insert(h);
    pb::SyncRequest req;
    addIds(req.mutable_deltas()->mutable_ids(), want);
    addIds(req.mutable_deltas()->mutable_have(), have);
    request(req, [this](const pb::SyncResponse &r) { onDeltas(r); });
}

void SyncSession::onDeltas(const pb::SyncResponse &resp) {
    if (resp.kind_case() != pb::SyncResponse::kDeltas)
        return finish(SyncOutcome::Status::Failed, QStringLiteral("expected deltas"));
    const auto &d = resp.deltas();
    const auto pruned = ids(d.pruned(), kMaxEnvelopesPerPage * 4);
    const auto unknown = ids(d.unknown(), kMaxEnvelopesPerPage * 4);
    if (!pruned || !unknown || d.envelopes_size() > kMaxEnvelopesPerPage)
        return finish(SyncOutcome::Status::Failed, QStringLiteral("malformed deltas page"));
    for (const Hash32 &h : *unknown) peerLacks_.insert(h);
    // Oldest first (the page is breadth first from the newest), so most
    // deltas apply at once instead of waiting as pending.
    std::vector<QByteArray> envelopes;
    envelopes.reserve(size_t(d.envelopes_size()));
    for (int i = d.envelopes_size() - 1; i >= 0; --i) envelopes.push_back(QByteArray::fromStdString(d.envelopes(i)));
    const bool gotAny = !envelopes.empty();
    Engine *engine = engine_;
    const Hash32 ctx = ctx_;
    struct Step {
        Tally tally;
        std::vector<Hash32> prunedUnknown;
        std::vector<Hash32> missing;
        QString error;
    };
    QPointer<SyncSession> self(this);
    jobs_->run<Step>(
        [engine, ctx, envelopes = std::move(envelopes), pruned = *pruned] {
            Step s;
            s.tally = receiveAll(engine, envelopes);
            if (!pruned.empty()) {
                auto u = engine->unknownDeltas(ctx, pruned);
                if (u) s.prunedUnknown = std::move(*u);
            }
            auto m = engine->missingParents(ctx);
            if (m) s.missing = std::move(*m);
            else s.error = m.error().message;
            return s;
        },
        [self, gotAny](Step s) {
            if (!self || self->finished_) return;
            self->fetched_ += s.tally.added;
            if (s.tally.rejected)
                qCWarning(lcSync) << self->peer_.toBase58() << "sent" << s.tally.rejected << "envelopes the engine refused";
            if (!s.error.isEmpty()) return self->finish(SyncOutcome::Status::Failed, s.error);
            if (!s.prunedUnknown.empty())
                return self->startSnapshot(QStringLiteral("%1 needed deltas are pruned there").arg(s.prunedUnknown.size()));
            if (!gotAny) {
                // Nothing more from this peer; what is still missing it lacks too.
                for (const Hash32 &h : s.missing) self->peerLacks_.insert(h);
            }
            self->fetch(std::move(s.missing));
        });
}

void SyncSession::startSnapshot(const QString &why) {
    if (snapshotPolicy_ == SnapshotPolicy::Refused) {
        engine_->countRejected(RejectReason::SnapshotRefused);
        return finish(SyncOutcome::Status::Failed,
                      QStringLiteral("snapshot_refused: %1 is not a member of the context, and a snapshot is taken only from a member (%2)")
                          .arg(peer_.toBase58(), why));
    }
    if (snapshotPolicy_ == SnapshotPolicy::TryOthersFirst) return finish(SyncOutcome::Status::Deferred, why);
    qCInfo(lcSync).noquote() << "snapshot of" << ctx_.toBase58() << "from" << peer_.toBase58() << ":" << why;
    snapshot_ = {};
    snapshotBytes_ = 0;
    requestPage(0);
}

void SyncSession::requestPage(uint64_t cursor) {
    pb::SyncRequest req;
    req.mutable_snapshot()->set_cursor(cursor);
    request(req, [this](const pb::SyncResponse &r) { onPage(r); });
}

void SyncSession::onPage(const pb::SyncResponse &resp) {
    if (resp.kind_case() != pb::SyncResponse::kSnapshot)
        return finish(SyncOutcome::Status::Failed, QStringLiteral("expected a snapshot page"));
    const auto &page = resp.snapshot();
    for (const auto &e : page.entries()) {
        auto entry = fromWire(e);
        if (!entry) return finish(SyncOutcome::Status::Failed, QStringLiteral("snapshot: %1").arg(entry.error().message));
        snapshotBytes_ += entry->key.size() + entry->value.size() + qsizetype(entry->shares.size()) * 48;
        snapshot_.entries.push_back(std::move(*entry));
    }
    const auto covered = ids(page.covered(), 1'000'000);
    if (!covered) return finish(SyncOutcome::Status::Failed, QStringLiteral("snapshot: malformed ids"));
    snapshot_.covered.insert(snapshot_.covered.end(), covered->begin(), covered->end());
    snapshotBytes_ += qsizetype(covered->size()) * 32;
    if (qint64(snapshot_.entries.size()) > config_.maxSnapshotEntries || snapshotBytes_ > config_.maxSnapshotBytes)
        return finish(SyncOutcome::Status::Failed, QStringLiteral("the snapshot is larger than this node accepts"));
    if (!page.done()) {
        if (page.next_cursor() == 0) return finish(SyncOutcome::Status::Failed, QStringLiteral("snapshot: no next cursor"));
        return requestPage(page.next_cursor());
    }
    const auto heads = ids(page.heads(), kMaxHeads);
    const auto root = Hash32::fromBytes(QByteArray::fromStdString(page.root_hash()));
    if (!heads || !root) return finish(SyncOutcome::Status::Failed, QStringLiteral("snapshot: malformed heads or root"));
    if (rootOf(snapshot_.entries) != *root) {
        engine_->countRejected(RejectReason::SnapshotRefused);
        return finish(SyncOutcome::Status::Failed, QStringLiteral("snapshot_refused: the snapshot's entries do not add up to its root hash"));
    }
    if (roots_) {
        std::vector<Hash32> sorted = *heads;
        std::sort(sorted.begin(), sorted.end());
        if (const auto announced = roots_(ctx_, sorted, peer_); announced && *announced != *root) {
            engine_->countRejected(RejectReason::SnapshotRefused);
            return finish(SyncOutcome::Status::Failed,
                          QStringLiteral("snapshot_refused: another member announced root %1 for the same heads, the snapshot has %2")
                              .arg(announced->toBase58(), root->toBase58()));
        }
    }
    // Our own heads are our own word: a snapshot of exactly them must hold
    // exactly our root (and then there is nothing to import).
    if (const auto ours = engine_->context(ctx_)) {
        std::vector<Hash32> mine = ours->heads, theirs = *heads;
        std::sort(mine.begin(), mine.end());
        std::sort(theirs.begin(), theirs.end());
        if (!mine.empty() && mine == theirs) {
            if (ours->rootHash == *root) return finish(SyncOutcome::Status::Converged);
            engine_->countRejected(RejectReason::SnapshotRefused);
            return finish(SyncOutcome::Status::Failed,
                          QStringLiteral("snapshot_refused: the snapshot names our own heads with another root (%1, ours %2)")
                              .arg(root->toBase58(), ours->rootHash.toBase58()));
        }
    }
    snapshot_.heads = *heads;
    snapshot_.rootHash = *root;
    snapshot_.epoch = page.epoch();
    snapshot_.signature = QByteArray::fromStdString(page.signature());
    snapshot_.servedBy = peer_.publicKey();
    if (page.governance_size() > kMaxGovernanceEnvelopes)
        return finish(SyncOutcome::Status::Failed, QStringLiteral("snapshot: too many governance deltas"));
    for (const std::string &g : page.governance()) snapshot_.governance.push_back(QByteArray::fromStdString(g));
    Engine *engine = engine_;
    const Hash32 ctx = ctx_;
    QPointer<SyncSession> self(this);
    auto snap = std::make_shared<ContextSnapshot>(std::move(snapshot_));
    snapshot_ = {};
    jobs_->run<Result<ContextInfo>>([engine, ctx, snap] { return engine->importSnapshot(ctx, *snap); },
                                    [self](Result<ContextInfo> r) {
                                        if (!self || self->finished_) return;
                                        if (!r) return self->finish(SyncOutcome::Status::Failed, r.error().message);
                                        self->finish(SyncOutcome::Status::Snapshot);
                                    });
}

void SyncSession::finish(SyncOutcome::Status status, const QString &error) {
    if (finished_) return;
    finished_ = true;
    deadline_.stop();
    pending_ = {};
    if (io_) {
        if (status == SyncOutcome::Status::Failed) io_->reset(error);
        else io_->closeWrite();
    }
    SyncOutcome out;
    out.status = status;
    out.error = error;
    out.deltasFetched = fetched_;
    auto done = std::move(done_);
    // Never from inside a stream callback or start(): the owner may delete us.
    QMetaObject::invokeMethod(this, [done, out] { if (done) done(out); }, Qt::QueuedConnection);
}

}  // namespace dn
