#include "blob/BlobReader.h"
#include "crypto/Sha256.h"
#include "store/Keys.h"
#include "store/Store.h"
#include "storage.pb.h"

namespace dn {
namespace pb = ::deltanode::pb;

Result<BlobReader> BlobReader::open(const Store &store, const Hash32 &blobId) {
    const auto raw = store.get(keys::blobMeta(blobId));
    if (!raw) return errors::blobNotFound(blobId);
    pb::BlobMeta meta;
    if (!meta.ParseFromArray(raw->constData(), int(raw->size())))
        return Error{ErrorCode::Corrupt, QStringLiteral("the record of blob %1 is unreadable").arg(blobId.toBase58())};
    std::vector<Hash32> ids;
    ids.reserve(size_t(meta.chunk_ids_size()));
    for (const auto &cid : meta.chunk_ids()) {
        auto id = Hash32::fromBytes(QByteArray::fromStdString(cid));
        if (!id) return Error{ErrorCode::Corrupt, QStringLiteral("the record of blob %1 has a bad chunk id").arg(blobId.toBase58())};
        ids.push_back(*id);
    }
    const BlobInfo info{blobId, meta.size(), int(ids.size())};
    return BlobReader(store, info, std::move(ids));
}

Result<QByteArray> BlobReader::chunk(int index) const {
    if (index < 0 || index >= chunkCount())
        return Error{ErrorCode::OutOfRange, QStringLiteral("blob %1 has %2 chunks, not chunk %3")
                                         .arg(info_.id.toBase58()).arg(chunkCount()).arg(index)};
    const Hash32 &id = chunkIds_[size_t(index)];
    auto bytes = store_->get(keys::chunk(id));
    if (!bytes || sha256(*bytes) != id)
        return Error{ErrorCode::Corrupt, QStringLiteral("chunk %1 of blob %2 is missing or damaged")
                                    .arg(index).arg(info_.id.toBase58())};
    return *bytes;
}

}  // namespace dn
