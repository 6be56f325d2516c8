#include "blob/BlobWriter.h"
#include "store/Keys.h"
#include "store/Store.h"
#include "storage.pb.h"
#include <QDateTime>

namespace dn {
namespace pb = ::deltanode::pb;

BlobWriter::BlobWriter(Store &store) : store_(&store) { buffer_.reserve(kBlobChunkSize); }

Result<void> BlobWriter::write(QByteArrayView data) {
    if (finished_) return Error{ErrorCode::BlobWriterClosed, QStringLiteral("the blob was already finished")};
    if (failed()) return Error{ErrorCode::StorageError, QStringLiteral("an earlier chunk of this blob could not be written")};
    while (!data.isEmpty()) {
        const qsizetype take = std::min<qsizetype>(data.size(), kBlobChunkSize - buffer_.size());
        buffer_.append(data.first(take));
        data = data.sliced(take);
        size_ += uint64_t(take);
        if (buffer_.size() == kBlobChunkSize)
            if (auto r = flushChunk(); !r) return r;
    }
    return {};
}

Result<void> BlobWriter::flushChunk() {
    const Hash32 chunkId = sha256(buffer_);
    blobHash_.add(QByteArrayView(chunkId.data(), 32));
    chunkIds_.emplace_back(chunkId.data(), 32);
    if (!store_->contains(keys::chunk(chunkId))) {
        Batch batch;
        batch.put(keys::chunk(chunkId), buffer_);
        // Not waited for (finish() waits for everything queued before it),
        // but bounded: see kMaxInFlight. A failed chunk write poisons the
        // writer so finish() refuses.
        {
            std::unique_lock lock(inFlight_->mutex);
            inFlight_->drained.wait(lock, [this] { return inFlight_->chunks < kMaxInFlight; });
            ++inFlight_->chunks;
        }
        store_->commit(std::move(batch), [state = inFlight_](bool ok) {
            std::lock_guard lock(state->mutex);
            --state->chunks;
            if (!ok) state->failed = true;
            state->drained.notify_all();
        });
    }
    buffer_ = QByteArray();
    buffer_.reserve(kBlobChunkSize);
    return {};
}

int BlobWriter::chunksInFlight() const {
    std::lock_guard lock(inFlight_->mutex);
    return inFlight_->chunks;
}

void BlobWriter::waitDurable() const {
    std::unique_lock lock(inFlight_->mutex);
    inFlight_->drained.wait(lock, [this] { return inFlight_->chunks == 0; });
}

bool BlobWriter::failed() const {
    std::lock_guard lock(inFlight_->mutex);
    return inFlight_->failed;
}

Result<BlobInfo> BlobWriter::finish() {
    if (finished_) return Error{ErrorCode::BlobWriterClosed, QStringLiteral("the blob was already finished")};
    finished_ = true;
    if (!buffer_.isEmpty())
        if (auto r = flushChunk(); !r) return r.error();
    pb::BlobMeta meta;
    for (const auto &id : chunkIds_) meta.add_chunk_ids(id);
    meta.set_size(size_);
    meta.set_created_at_ms(uint64_t(QDateTime::currentMSecsSinceEpoch()));
    std::string bytes;
    meta.SerializeToString(&bytes);
    const Hash32 id = blobHash_.finish();
    Batch batch;
    batch.put(keys::blobMeta(id), QByteArray::fromStdString(bytes));
    // commitSync returns after this batch and every earlier one are durable,
    // so the chunk callbacks above have all run by now.
    if (!store_->commitSync(std::move(batch)) || failed())
        return Error{ErrorCode::StorageError, QStringLiteral("could not write the blob to the database")};
    return BlobInfo{id, size_, int(chunkIds_.size())};
}

}  // namespace dn
