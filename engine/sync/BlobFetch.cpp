#include "sync/BlobFetch.h"
#include "blob/BlobStore.h"
#include "context/Engine.h"
#include "crypto/Sha256.h"
#include "net/Host.h"
#include "sync.pb.h"
#include "sync/FramedStream.h"
#include "sync/SyncWire.h"
#include <QLoggingCategory>
#include <QPointer>

Q_LOGGING_CATEGORY(lcBlobFetch, "dn.blob.fetch")

namespace dn {

namespace pb = ::deltanode::pb;
using namespace syncwire;

BlobFetch::BlobFetch(Host *host, Engine *engine, const Hash32 &contextId, const QByteArray &contextKey,
                     const PeerId &peer, Target target, const Hash32 &id, int timeoutMs, QObject *parent)
    : QObject(parent), host_(host), engine_(engine), ctx_(contextId), key_(contextKey), peer_(peer), target_(target),
      id_(id) {
    deadline_.setSingleShot(true);
    deadline_.setInterval(timeoutMs);
    connect(&deadline_, &QTimer::timeout, this,
            [this] { fail(ErrorCode::Timeout, QStringLiteral("the blob did not arrive in time")); });
}

BlobFetch::~BlobFetch() = default;

void BlobFetch::start(std::function<void(Result<BlobInfo>)> done) {
    done_ = std::move(done);
    deadline_.start();
    QPointer<BlobFetch> self(this);
    host_->newStream(peer_, {kBlobProtocol}, [self](Result<Stream *> s) {
        if (!self) {
            if (s) s.value()->reset();
            return;
        }
        if (!s) return self->fail(ErrorCode::PeerUnreachable, s.error().message);
        self->opened(*s);
    });
}

void BlobFetch::opened(Stream *s) {
    io_ = std::make_unique<FramedStream>(s, kMaxBlobFrame);
    io_->start({[this](const QByteArray &f) { onFrame(f); },
                [this] { fail(ErrorCode::TransferFailed, QStringLiteral("the peer ended the transfer early")); },
                [this](const QString &why) { fail(ErrorCode::TransferFailed, why); },
                {}});
    if (finished_) return;
    pb::BlobRequest req;
    req.set_context_id(bytes(ctx_));
    req.set_auth(bytes(authTag(key_, kBlobDomain, ctx_, host_->peerId(), peer_)));
    if (target_ == Target::App) req.set_app_id(bytes(id_));
    else req.set_blob_id(bytes(id_));
    io_->send(req);
    io_->closeWrite();  // one request per stream
}

void BlobFetch::onFrame(const QByteArray &frame) {
    if (finished_) return;
    pb::BlobResponse resp;
    if (!resp.ParseFromArray(frame.constData(), int(frame.size())))
        return fail(ErrorCode::BadTransfer, QStringLiteral("the peer sent something that is not a BlobResponse"));
    if (resp.kind_case() == pb::BlobResponse::kError)
        return fail(errorCodeFromWire(QString::fromStdString(resp.error().code())).value_or(ErrorCode::TransferFailed),
                    QString::fromStdString(resp.error().message()));
    if (!haveHeader_) {
        if (resp.kind_case() != pb::BlobResponse::kHeader)
            return fail(ErrorCode::BadTransfer, QStringLiteral("a chunk came before the header"));
        const auto &h = resp.header();
        const auto ids = syncwire::ids(h.chunk_ids(), kMaxBlobChunks);
        const auto blobId = Hash32::fromBytes(QByteArray::fromStdString(h.blob_id()));
        if (!ids || !blobId) return fail(ErrorCode::BadTransfer, QStringLiteral("malformed blob header"));
        const uint64_t chunkSize = BlobStore::kChunkSize;
        if (uint64_t(ids->size()) != (h.size() + chunkSize - 1) / chunkSize)
            return fail(ErrorCode::BadTransfer, QStringLiteral("the blob's size does not match its chunk count"));
        Sha256 hash;
        for (const Hash32 &c : *ids) hash.add(QByteArrayView(c.data(), 32));
        if (hash.finish() != *blobId)
            return fail(ErrorCode::BlobMismatch, QStringLiteral("the chunk ids do not hash to the blob id"));
        if (target_ == Target::Blob && *blobId != id_)
            return fail(ErrorCode::BlobMismatch, QStringLiteral("the peer sent blob %1, not %2").arg(blobId->toBase58(), id_.toBase58()));
        haveHeader_ = true;
        blobId_ = *blobId;
        size_ = h.size();
        chunkIds_ = std::move(*ids);
        writer_ = std::make_unique<BlobWriter>(engine_->blobs().writer());
        qCInfo(lcBlobFetch) << "receiving blob" << blobId_.toBase58() << "from" << peer_.toBase58() << ":" << size_ << "bytes";
    } else {
        if (resp.kind_case() != pb::BlobResponse::kChunk)
            return fail(ErrorCode::BadTransfer, QStringLiteral("expected a chunk"));
        const auto &c = resp.chunk();
        if (next_ >= int(chunkIds_.size()) || c.index() != uint32_t(next_))
            return fail(ErrorCode::BadTransfer, QStringLiteral("chunk %1 out of order").arg(c.index()));
        const uint64_t expected = std::min<uint64_t>(BlobStore::kChunkSize, size_ - uint64_t(next_) * BlobStore::kChunkSize);
        const QByteArray data = QByteArray::fromStdString(c.data());
        if (uint64_t(data.size()) != expected)
            return fail(ErrorCode::BadTransfer, QStringLiteral("chunk %1 has the wrong size").arg(next_));
        if (sha256(data) != chunkIds_[size_t(next_)])
            return fail(ErrorCode::BlobMismatch, QStringLiteral("chunk %1 does not hash to its id").arg(next_));
        if (auto w = writer_->write(data); !w) return fail(w.error().code, w.error().message);
        ++next_;
    }
    if (next_ == int(chunkIds_.size())) {
        auto info = writer_->finish();
        writer_.reset();
        if (!info) return fail(info.error().code, info.error().message);
        if (info->id != blobId_)
            return fail(ErrorCode::BlobMismatch, QStringLiteral("the stored blob's id differs from the announced one"));
        succeed(*info);
    }
}

void BlobFetch::fail(ErrorCode code, const QString &message) {
    if (finished_) return;
    finished_ = true;
    deadline_.stop();
    if (io_) io_->reset(message);
    writer_.reset();  // written chunks stay, unreferenced (BlobWriter.h)
    qCInfo(lcBlobFetch).noquote() << "fetching" << id_.toBase58() << "from" << peer_.toBase58() << "failed:" << message;
    auto done = std::move(done_);
    QMetaObject::invokeMethod(this, [done, code, message] { if (done) done(Error{code, message}); }, Qt::QueuedConnection);
}

void BlobFetch::succeed(const BlobInfo &info) {
    if (finished_) return;
    finished_ = true;
    deadline_.stop();
    auto done = std::move(done_);
    QMetaObject::invokeMethod(this, [done, info] { if (done) done(info); }, Qt::QueuedConnection);
}

}  // namespace dn
