#include "sync/BlobServer.h"
#include "blob/BlobStore.h"
#include "context/Engine.h"
#include "crypto/Sha256.h"
#include "net/Host.h"
#include "net/PeerDrop.h"
#include "sync.pb.h"
#include "sync/FramedStream.h"
#include "sync/SyncWire.h"
#include <QLoggingCategory>
#include <optional>

Q_LOGGING_CATEGORY(lcBlobServer, "dn.blob.server")

namespace dn {

namespace pb = ::deltanode::pb;
using namespace syncwire;

struct BlobServer::Transfer {
    std::unique_ptr<FramedStream> io;
    bool requested = false;
    // One of the two sources: a stored blob read chunk by chunk, or a module
    // already in memory (apps are small and read whole by the catalog).
    std::optional<BlobReader> reader;
    QByteArray inMemory;
    std::vector<Hash32> chunkIds;
    uint64_t size = 0;
    int next = 0;  // next chunk to send
};

BlobServer::BlobServer(Host *host, Engine *engine, AppModuleLoader appModule, QObject *parent)
    : QObject(parent), host_(host), engine_(engine), appModule_(std::move(appModule)) {}

BlobServer::~BlobServer() { host_->removeStreamHandler(kBlobProtocol); }

void BlobServer::start() {
    host_->setStreamHandler(kBlobProtocol, [this](Stream *s) { onStream(s); });
}

void BlobServer::onStream(Stream *s) {
    const PeerId peer = s->remotePeer();
    const PeerSlots::Result slot = slots_.acquire(peer);
    if (slot != PeerSlots::Result::Granted) {
        ++counters_.refused;
        ++counters_.busy;
        if (slot == PeerSlots::Result::PeerFull)
            host_->recordDrop({peer, DropReason::TooManySessions, false, {},
                               QStringLiteral("the peer holds %1 blob transfers already").arg(slots_.limits().maxPerPeer), {}});
        s->reset();
        return;
    }
    const quint64 id = nextId_++;
    auto t = std::make_unique<Transfer>();
    // The request is small; a peer sending a bigger frame is refused before
    // it is buffered. One request per stream, authenticated, so this is the
    // bound before and after authentication alike.
    t->io = std::make_unique<FramedStream>(s, kMaxBlobRequestFrame);
    FramedStream *io = t->io.get();
    io->setIdleTimeout(slots_.limits().idleTimeoutMs);
    transfers_.emplace(id, std::move(t));
    io->start({[this, id](const QByteArray &f) { onRequest(id, f); },
               {},
               [this, id, io, peer](const QString &why) {
                   if (io->badInput()) ++counters_.badRequests;
                   if (io->oversize()) {
                       ++counters_.oversize;
                       host_->recordDrop({peer, DropReason::OversizeRequest, false, {}, QStringLiteral("blob: %1").arg(why), {}});
                   }
                   if (io->idledOut()) {
                       ++counters_.idle;
                       host_->recordDrop({peer, DropReason::Idle, false, {}, QStringLiteral("blob: %1").arg(why), {}});
                   }
                   qCDebug(lcBlobServer) << "blob stream ended:" << why;
                   // The slot is free now, not on the next turn: the peer's
                   // next stream may already be in the same read.
                   slots_.release(peer);
                   dropLater(id);
               },
               [this, id] { pumpChunks(id); }});
}

void BlobServer::dropLater(quint64 id) {
    QMetaObject::invokeMethod(this, [this, id] { transfers_.erase(id); }, Qt::QueuedConnection);
}

void BlobServer::refuse(quint64 id, ErrorCode code, const QString &message) {
    auto it = transfers_.find(id);
    if (it == transfers_.end()) return;
    ++counters_.refused;
    qCInfo(lcBlobServer).noquote() << "blob request from" << it->second->io->remotePeer().toBase58() << "refused:" << message;
    pb::BlobResponse resp;
    resp.mutable_error()->set_code(errorInfo(code).wire);
    resp.mutable_error()->set_message(message.toStdString());
    it->second->io->send(resp);
    it->second->io->closeWrite();
}

void BlobServer::onRequest(quint64 id, const QByteArray &frame) {
    auto it = transfers_.find(id);
    if (it == transfers_.end()) return;
    Transfer &t = *it->second;
    if (t.requested) {
        ++counters_.badRequests;
        return t.io->reset(QStringLiteral("one request per blob stream"));
    }
    t.requested = true;
    ++counters_.requests;
    pb::BlobRequest req;
    if (!req.ParseFromArray(frame.constData(), int(frame.size()))) {
        ++counters_.badRequests;
        return t.io->reset(QStringLiteral("not a BlobRequest"));
    }
    const auto ctx = Hash32::fromBytes(QByteArray::fromStdString(req.context_id()));
    if (!ctx) return refuse(id, ErrorCode::InvalidArgument, QStringLiteral("context_id is not 32 bytes"));
    const auto key = engine_->contextKey(*ctx);
    if (!key) return refuse(id, ErrorCode::ContextNotFound, QStringLiteral("no context %1 here").arg(ctx->toBase58()));
    if (!checkAuth(QByteArray::fromStdString(req.auth()), *key, kBlobDomain, *ctx, t.io->remotePeer(), host_->peerId()))
        return refuse(id, ErrorCode::Unauthorized, QStringLiteral("the request does not prove the context key"));
    if (!engine_->isMember(*ctx, t.io->remotePeer().publicKey())) {
        ++counters_.notMember;
        return refuse(id, ErrorCode::NotAMember,
                      QStringLiteral("%1 is not a member of %2").arg(t.io->remotePeer().toBase58(), ctx->toBase58()));
    }
    if (req.target_case() == pb::BlobRequest::kAppId) {
        const auto appId = Hash32::fromBytes(QByteArray::fromStdString(req.app_id()));
        const auto info = engine_->context(*ctx);
        if (!appId || !info || info->appId != *appId)
            return refuse(id, ErrorCode::NotFound, QStringLiteral("that is not the application of context %1").arg(ctx->toBase58()));
        auto bytes = appModule_ ? appModule_(*appId) : engine_->appBytes(*appId);
        if (!bytes) return refuse(id, ErrorCode::NotFound, QStringLiteral("the module of %1 is missing").arg(appId->toBase58()));
        t.inMemory = std::move(*bytes);
        t.size = uint64_t(t.inMemory.size());
        for (qsizetype off = 0; off < t.inMemory.size(); off += BlobStore::kChunkSize)
            t.chunkIds.push_back(sha256(QByteArrayView(t.inMemory).sliced(off, std::min<qsizetype>(BlobStore::kChunkSize, t.inMemory.size() - off))));
    } else if (req.target_case() == pb::BlobRequest::kBlobId) {
        const auto blobId = Hash32::fromBytes(QByteArray::fromStdString(req.blob_id()));
        if (!blobId) return refuse(id, ErrorCode::InvalidArgument, QStringLiteral("blob_id is not 32 bytes"));
        auto reader = engine_->blobs().reader(*blobId);
        if (!reader) return refuse(id, ErrorCode::NotFound, reader.error().message);
        t.size = reader->info().size;
        t.chunkIds = reader->chunkIds();
        t.reader.emplace(std::move(*reader));
    } else {
        return refuse(id, ErrorCode::InvalidArgument, QStringLiteral("a BlobRequest names a blob or an app"));
    }
    Sha256 blobHash;
    for (const Hash32 &c : t.chunkIds) blobHash.add(QByteArrayView(c.data(), 32));
    pb::BlobResponse resp;
    auto *h = resp.mutable_header();
    h->set_blob_id(bytes(blobHash.finish()));
    h->set_size(t.size);
    addIds(h->mutable_chunk_ids(), t.chunkIds);
    t.io->send(resp);
    pumpChunks(id);
}

void BlobServer::pumpChunks(quint64 id) {
    auto it = transfers_.find(id);
    if (it == transfers_.end()) return;
    Transfer &t = *it->second;
    if (!t.requested || (!t.reader && t.inMemory.isEmpty() && !t.chunkIds.empty())) return;
    while (t.io->isOpen() && t.next < int(t.chunkIds.size()) && t.io->bytesToWrite() < kHighWater) {
        QByteArray data;
        if (t.reader) {
            auto c = t.reader->chunk(t.next);
            if (!c) return t.io->reset(c.error().message);
            data = std::move(*c);
        } else {
            const qsizetype off = qsizetype(t.next) * BlobStore::kChunkSize;
            data = t.inMemory.mid(off, BlobStore::kChunkSize);
        }
        pb::BlobResponse resp;
        resp.mutable_chunk()->set_index(uint32_t(t.next));
        resp.mutable_chunk()->set_data(bytes(data));
        t.io->send(resp);
        ++t.next;
        ++counters_.chunksSent;
    }
    if (t.next == int(t.chunkIds.size()) && t.io->isOpen() && !t.io->stream()->isWriteClosed()) {
        ++counters_.served;
        t.io->closeWrite();
    }
}

}  // namespace dn
