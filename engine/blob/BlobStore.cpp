#include "blob/BlobStore.h"
#include "crypto/Sha256.h"
#include "store/Keys.h"
#include "store/Store.h"
#include "storage.pb.h"
#include <QDateTime>

namespace dn {
namespace pb = ::deltanode::pb;

Result<BlobInfo> BlobStore::put(const QByteArray &data) {
    Batch batch;
    pb::BlobMeta meta;
    Sha256 blobHash;
    for (qsizetype off = 0; off < data.size(); off += kChunkSize) {
        const QByteArray chunk = data.mid(off, kChunkSize);
        const Hash32 chunkId = sha256(chunk);
        blobHash.add(QByteArrayView(chunkId.data(), 32));
        meta.add_chunk_ids(chunkId.data(), 32);
        if (!store_.contains(keys::chunk(chunkId))) batch.put(keys::chunk(chunkId), chunk);
    }
    const Hash32 id = blobHash.finish();
    meta.set_size(uint64_t(data.size()));
    meta.set_created_at_ms(uint64_t(QDateTime::currentMSecsSinceEpoch()));
    std::string bytes;
    meta.SerializeToString(&bytes);
    batch.put(keys::blobMeta(id), QByteArray::fromStdString(bytes));
    if (!store_.commitSync(std::move(batch)))
        return Error{ErrorCode::StorageError, "could not write the blob to the database"};
    return BlobInfo{id, uint64_t(data.size()), meta.chunk_ids_size()};
}

std::optional<BlobInfo> BlobStore::info(const Hash32 &blobId) const {
    const auto raw = store_.get(keys::blobMeta(blobId));
    if (!raw) return std::nullopt;
    pb::BlobMeta meta;
    if (!meta.ParseFromArray(raw->constData(), int(raw->size()))) return std::nullopt;
    return BlobInfo{blobId, meta.size(), meta.chunk_ids_size()};
}

std::optional<QByteArray> BlobStore::get(const Hash32 &blobId) const {
    const auto raw = store_.get(keys::blobMeta(blobId));
    if (!raw) return std::nullopt;
    pb::BlobMeta meta;
    if (!meta.ParseFromArray(raw->constData(), int(raw->size()))) return std::nullopt;
    QByteArray out;
    out.reserve(qsizetype(meta.size()));
    for (const auto &cid : meta.chunk_ids()) {
        const auto chunkId = Hash32::fromBytes(QByteArray::fromStdString(cid));
        if (!chunkId) return std::nullopt;
        const auto chunk = store_.get(keys::chunk(*chunkId));
        // A chunk that no longer matches its id is corruption: never hand it out.
        if (!chunk || sha256(*chunk) != *chunkId) return std::nullopt;
        out.append(*chunk);
    }
    return out;
}

Result<BlobReader> BlobStore::reader(const Hash32 &blobId) const { return BlobReader::open(store_, blobId); }

BlobWriter BlobStore::writer() const { return BlobWriter(store_); }

std::vector<BlobInfo> BlobStore::list(size_t limit) const {
    std::vector<BlobInfo> out;
    const QByteArray prefix = keys::join('b', {""});
    store_.scan(prefix, [&](const QByteArray &key, const QByteArray &value) {
        pb::BlobMeta meta;
        const auto id = Hash32::fromBytes(key.mid(prefix.size()));
        if (id && meta.ParseFromArray(value.constData(), int(value.size())))
            out.push_back(BlobInfo{*id, meta.size(), meta.chunk_ids_size()});
        return out.size() < limit;
    });
    return out;
}

}  // namespace dn
