#include "sync/SyncServer.h"
#include "context/Engine.h"
#include "net/Host.h"
#include "net/PeerDrop.h"
#include "sync.pb.h"
#include "sync/BlockingJobs.h"
#include "sync/SyncWire.h"
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcSyncServer, "dn.sync.server")

namespace dn {

namespace pb = ::deltanode::pb;
using namespace syncwire;

namespace {
qsizetype entryBytes(const StateEntry &e) { return e.key.size() + e.value.size() + qsizetype(e.shares.size()) * 48 + 64; }
}  // namespace

SyncServer::SyncServer(Host *host, Engine *engine, BlockingJobs *jobs, QObject *parent)
    : QObject(parent), host_(host), engine_(engine), jobs_(jobs) {}

SyncServer::~SyncServer() { host_->removeStreamHandler(kSyncProtocol); }

void SyncServer::start() {
    host_->setStreamHandler(kSyncProtocol, [this](Stream *s) { onStream(s); });
}

SyncServer::Session *SyncServer::find(quint64 id) const {
    auto it = sessions_.find(id);
    return it == sessions_.end() ? nullptr : it->second.get();
}

void SyncServer::onStream(Stream *s) {
    const PeerId peer = s->remotePeer();
    const PeerSlots::Result slot = slots_.acquire(peer);
    if (slot != PeerSlots::Result::Granted) {
        ++counters_.refused;
        ++counters_.busy;
        const bool mine = slot == PeerSlots::Result::PeerFull;
        const QString why = mine ? QStringLiteral("the peer holds %1 sync sessions already").arg(slots_.limits().maxPerPeer)
                                 : QStringLiteral("all %1 sync sessions are taken").arg(slots_.limits().maxStreams);
        qCInfo(lcSyncServer).noquote() << "refusing a sync stream from" << peer.toBase58() << ":" << why;
        if (mine) host_->recordDrop({peer, DropReason::TooManySessions, false, {}, why, {}});
        s->reset();
        return;
    }
    const quint64 id = nextId_++;
    auto session = std::make_unique<Session>();
    session->peer = peer;
    session->io = std::make_unique<FramedStream>(s, kMaxSyncRequestFrame);
    FramedStream *io = session->io.get();
    // Small frames until the peer proves it is a member (handle()).
    io->setFrameLimit(kMaxRequestBeforeAuth);
    io->setIdleTimeout(slots_.limits().idleTimeoutMs);
    sessions_.emplace(id, std::move(session));
    io->start({[this, id](const QByteArray &f) { onFrame(id, f); },
               [this, id] {
                   if (Session *ss = find(id)) {
                       ss->peerDone = true;
                       next(id);
                   }
               },
               [this, id, io, peer](const QString &why) {
                   if (io->badInput()) ++counters_.badFrames;
                   if (io->oversize()) {
                       ++counters_.oversize;
                       host_->recordDrop({peer, DropReason::OversizeRequest, false, {}, QStringLiteral("sync: %1").arg(why), {}});
                   }
                   if (io->idledOut()) {
                       ++counters_.idle;
                       host_->recordDrop({peer, DropReason::Idle, false, {}, QStringLiteral("sync: %1").arg(why), {}});
                   }
                   qCDebug(lcSyncServer) << "sync stream ended:" << why;
                   // The slot is free now, not on the next turn: the peer's
                   // next stream may already be in the same read.
                   if (Session *ss = find(id)) releaseSlot(*ss);
                   dropLater(id);
               },
               {}});
}

void SyncServer::dropLater(quint64 id) {
    // Never inside the stream's own callbacks: they are still on the stack.
    QMetaObject::invokeMethod(this, [this, id] { sessions_.erase(id); }, Qt::QueuedConnection);
}

void SyncServer::releaseSlot(Session &s) {
    if (!s.holdsSlot) return;
    s.holdsSlot = false;
    slots_.release(s.peer);
}

void SyncServer::onFrame(quint64 id, const QByteArray &frame) {
    Session *s = find(id);
    if (!s) return;
    if (int(s->queue.size()) >= kMaxQueued) {
        ++counters_.badFrames;
        s->io->reset(QStringLiteral("too many requests ahead of the answers"));
        return;
    }
    s->queue.push_back(frame);
    next(id);
}

void SyncServer::next(quint64 id) {
    Session *s = find(id);
    if (!s || s->busy || !s->io->isOpen()) return;
    if (s->queue.empty()) {
        if (s->peerDone) {  // everything asked was answered
            s->io->closeWrite();
            // The requester is done with it: its next session (which may
            // follow in the same read as this FIN) takes the slot.
            releaseSlot(*s);
        }
        return;
    }
    const QByteArray frame = s->queue.front();
    s->queue.pop_front();
    pb::SyncRequest req;
    if (!req.ParseFromArray(frame.constData(), int(frame.size()))) {
        ++counters_.badFrames;
        s->io->reset(QStringLiteral("a sync request that is not a SyncRequest"));
        return;
    }
    ++counters_.requests;
    s->busy = true;
    handle(id, req);
}

void SyncServer::answer(quint64 id, const pb::SyncResponse &resp) {
    Session *s = find(id);
    if (!s) return;
    s->io->send(resp);
    s->busy = false;
    next(id);
}

void SyncServer::refuse(quint64 id, ErrorCode code, const QString &message) {
    ++counters_.refused;
    if (Session *s = find(id)) qCInfo(lcSyncServer).noquote() << "sync request from" << s->io->remotePeer().toBase58() << "refused:" << message;
    pb::SyncResponse resp;
    resp.mutable_error()->set_code(errorInfo(code).wire);
    resp.mutable_error()->set_message(message.toStdString());
    answer(id, resp);
}

void SyncServer::handle(quint64 id, const pb::SyncRequest &req) {
    Session *s = find(id);
    const auto ctx = Hash32::fromBytes(QByteArray::fromStdString(req.context_id()));
    if (!ctx) return refuse(id, ErrorCode::InvalidArgument, QStringLiteral("context_id is not 32 bytes"));
    const auto key = engine_->contextKey(*ctx);
    if (!key) return refuse(id, ErrorCode::ContextNotFound, QStringLiteral("no context %1 here").arg(ctx->toBase58()));
    if (!checkAuth(QByteArray::fromStdString(req.auth()), *key, kSyncDomain, *ctx, s->io->remotePeer(), host_->peerId()))
        return refuse(id, ErrorCode::Unauthorized,
                      QStringLiteral("the request for %1 does not prove the context key").arg(ctx->toBase58()));
    // Holding a key is not enough (a removed member still holds the old
    // ones): the Noise-authenticated peer must be a member now.
    if (!engine_->isMember(*ctx, s->io->remotePeer().publicKey())) {
        ++counters_.notMember;
        // A removed member is shown its removal (it can check it: the
        // removal is sealed with a key it holds and signed by an admin).
        Engine *engine = engine_;
        const Hash32 c = *ctx, who = s->io->remotePeer().publicKey();
        const QString message = QStringLiteral("%1 is not a member of %2").arg(s->io->remotePeer().toBase58(), ctx->toBase58());
        jobs_->run<Result<std::vector<QByteArray>>>([engine, c, who] { return engine->removalEvidence(c, who); },
                                                   [this, id, message](Result<std::vector<QByteArray>> evidence) {
                                                       ++counters_.refused;
                                                       pb::SyncResponse resp;
                                                       resp.mutable_error()->set_code(errorInfo(ErrorCode::NotAMember).wire);
                                                       resp.mutable_error()->set_message(message.toStdString());
                                                       if (evidence)
                                                           for (const QByteArray &e : *evidence) resp.mutable_error()->add_evidence(bytes(e));
                                                       answer(id, resp);
                                                   });
        return;
    }
    if (!s->member) {
        s->member = true;
        s->io->setFrameLimit(kMaxSyncRequestFrame);
    }
    emit memberSeen(s->io->remotePeer(), *ctx);
    switch (req.kind_case()) {
    case pb::SyncRequest::kHeads: {
        ++counters_.heads;
        const auto info = engine_->context(*ctx);
        if (!info) return refuse(id, ErrorCode::ContextNotFound, QStringLiteral("context %1 went away").arg(ctx->toBase58()));
        pb::SyncResponse resp;
        auto *h = resp.mutable_heads();
        addIds(h->mutable_heads(), info->heads);
        h->set_root_hash(bytes(info->rootHash));
        h->set_applied_count(info->appliedCount);
        return answer(id, resp);
    }
    case pb::SyncRequest::kDeltas: {
        const auto ids = syncwire::ids(req.deltas().ids(), kMaxIdsPerRequest);
        const auto have = syncwire::ids(req.deltas().have(), kMaxIdsPerRequest);
        if (!ids || !have || ids->empty())
            return refuse(id, ErrorCode::InvalidArgument,
                          QStringLiteral("a DeltasRequest needs 1 to %1 ids of 32 bytes").arg(kMaxIdsPerRequest));
        ++counters_.deltaPages;
        Engine *engine = engine_;
        const Hash32 c = *ctx;
        jobs_->run<Result<DeltaPage>>(
            [engine, c, ids = *ids, have = *have] { return engine->deltaPage(c, ids, have, kMaxEnvelopesPerPage, kMaxPageBytes); },
            [this, id](Result<DeltaPage> page) {
                if (!page) return refuse(id, page.error().code, page.error().message);
                pb::SyncResponse resp;
                auto *d = resp.mutable_deltas();
                for (const QByteArray &e : page->envelopes) d->add_envelopes(bytes(e));
                addIds(d->mutable_pruned(), page->pruned);
                addIds(d->mutable_unknown(), page->unknown);
                d->set_truncated(page->truncated);
                counters_.envelopesServed += page->envelopes.size();
                answer(id, resp);
            });
        return;
    }
    case pb::SyncRequest::kSnapshot: {
        const uint64_t cursor = req.snapshot().cursor();
        if (s->snapshot && s->snapshot->contextId == *ctx) return sendSnapshotPage(id, cursor);
        if (cursor != 0)
            return refuse(id, ErrorCode::InvalidArgument,
                          QStringLiteral("a snapshot cursor is valid only on the stream that started the snapshot"));
        Engine *engine = engine_;
        const Hash32 c = *ctx;
        jobs_->run<Result<ContextSnapshot>>([engine, c] { return engine->exportSnapshot(c); },
                                            [this, id, c](Result<ContextSnapshot> snap) {
                                                Session *s = find(id);
                                                if (!s) return;
                                                if (!snap) return refuse(id, snap.error().code, snap.error().message);
                                                auto cap = std::make_shared<Snapshot>();
                                                cap->contextId = c;
                                                cap->data = std::move(*snap);
                                                size_t begin = 0;
                                                qsizetype bytes = 0;
                                                const auto &entries = cap->data.entries;
                                                for (size_t i = 0; i < entries.size(); ++i) {
                                                    bytes += entryBytes(entries[i]);
                                                    if (i + 1 - begin >= size_t(kSnapshotPageEntries) || bytes >= kSnapshotPageBytes) {
                                                        cap->entryPages.emplace_back(begin, i + 1);
                                                        begin = i + 1;
                                                        bytes = 0;
                                                    }
                                                }
                                                if (begin < entries.size()) cap->entryPages.emplace_back(begin, entries.size());
                                                const size_t idPages = (cap->data.covered.size() + cap->idsPerPage - 1) / cap->idsPerPage;
                                                cap->pages = std::max<size_t>({1, cap->entryPages.size(), idPages});
                                                s->snapshot = std::move(cap);
                                                qCInfo(lcSyncServer) << "serving a snapshot of" << c.toBase58() << "to"
                                                                     << s->io->remotePeer().toBase58() << ":" << entries.size() << "entries,"
                                                                     << s->snapshot->pages << "pages";
                                                sendSnapshotPage(id, 0);
                                            });
        return;
    }
    case pb::SyncRequest::KIND_NOT_SET:
        break;
    }
    refuse(id, ErrorCode::InvalidArgument, QStringLiteral("a SyncRequest without a request"));
}

void SyncServer::sendSnapshotPage(quint64 id, uint64_t cursor) {
    Session *s = find(id);
    if (!s) return;
    const Snapshot &snap = *s->snapshot;
    if (cursor >= snap.pages)
        return refuse(id, ErrorCode::InvalidArgument, QStringLiteral("snapshot cursor %1 is past the last page").arg(cursor));
    ++counters_.snapshotPages;
    pb::SyncResponse resp;
    auto *page = resp.mutable_snapshot();
    if (cursor < snap.entryPages.size())
        for (size_t i = snap.entryPages[cursor].first; i < snap.entryPages[cursor].second; ++i)
            toWire(snap.data.entries[i], page->add_entries());
    const size_t idBegin = std::min(snap.data.covered.size(), size_t(cursor) * snap.idsPerPage);
    const size_t idEnd = std::min(snap.data.covered.size(), idBegin + snap.idsPerPage);
    for (size_t i = idBegin; i < idEnd; ++i) page->add_covered(bytes(snap.data.covered[i]));
    page->set_total_entries(snap.data.entries.size());
    page->set_total_covered(snap.data.covered.size());
    const bool last = cursor + 1 == snap.pages;
    page->set_next_cursor(last ? 0 : cursor + 1);
    page->set_done(last);
    if (last) {
        addIds(page->mutable_heads(), snap.data.heads);
        page->set_root_hash(bytes(snap.data.rootHash));
        page->set_signature(bytes(snap.data.signature));
        page->set_epoch(snap.data.epoch);
        for (const QByteArray &g : snap.data.governance) page->add_governance(bytes(g));
    }
    answer(id, resp);
}

}  // namespace dn
