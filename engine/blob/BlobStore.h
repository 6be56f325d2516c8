#pragma once
// Content-addressed blobs in the profile database (ARCHITECTURE §10).
// A blob is cut into 1 MiB chunks; chunk_id = SHA-256(chunk) and
// blob_id = SHA-256(chunk_id ‖ chunk_id ‖ …). Chunks are keyed by their own id
// (k/<chunk_id>), so a chunk shared by two blobs is stored once.
//
// This is the one way into the blobs: nothing outside engine/blob touches the
// database underneath (the engine owns it; tests open a Store of their own).
// Thread-safe.
#include "blob/BlobInfo.h"
#include "blob/BlobReader.h"
#include "blob/BlobWriter.h"
#include "crypto/Hash32.h"
#include "util/Result.h"
#include <QByteArray>
#include <optional>
#include <vector>

namespace dn {

class Store;

class BlobStore {
public:
    static constexpr int kChunkSize = kBlobChunkSize;
    explicit BlobStore(Store &store) : store_(store) {}

    // Stores `data`, durable when this returns.
    Result<BlobInfo> put(const QByteArray &data);
    std::optional<QByteArray> get(const Hash32 &blobId) const;
    std::optional<BlobInfo> info(const Hash32 &blobId) const;
    bool contains(const Hash32 &blobId) const { return info(blobId).has_value(); }
    // Every stored blob, in id order, at most `limit`.
    std::vector<BlobInfo> list(size_t limit = 10000) const;
    // Streaming access for large blobs (see BlobReader.h / BlobWriter.h).
    // reader(): "not_found" when the blob does not exist, "corrupt" when its
    // record is unreadable.
    Result<BlobReader> reader(const Hash32 &blobId) const;
    BlobWriter writer() const;

private:
    Store &store_;
};

}  // namespace dn
