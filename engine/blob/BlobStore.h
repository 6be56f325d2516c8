#pragma once
// Content-addressed blobs in the profile database (DESIGN §10).
// A blob is cut into 1 MiB chunks; chunk_id = SHA-256(chunk) and
// blob_id = SHA-256(chunk_id ‖ chunk_id ‖ …). Chunks are keyed by their own id
// (k/<chunk_id>), so a chunk shared by two blobs is stored once.
#include "crypto/Hash32.h"
#include "store/Store.h"
#include "util/Result.h"
#include <QByteArray>
#include <optional>
#include <vector>

namespace dn {

struct BlobInfo {
    Hash32 id;
    uint64_t size = 0;
    int chunks = 0;
};

class BlobStore {
public:
    static constexpr int kChunkSize = 1 << 20;
    explicit BlobStore(Store &store) : store_(store) {}

    // Stores `data`, durable when this returns.
    Result<BlobInfo> put(const QByteArray &data);
    std::optional<QByteArray> get(const Hash32 &blobId) const;
    std::optional<BlobInfo> info(const Hash32 &blobId) const;
    bool contains(const Hash32 &blobId) const { return info(blobId).has_value(); }
    // Every stored blob, in id order, at most `limit`.
    std::vector<BlobInfo> list(size_t limit = 10000) const;
    // Streaming access for large blobs: see BlobWriter.h / BlobReader.h.
    Store &store() const { return store_; }

private:
    Store &store_;
};

}  // namespace dn
