#pragma once
// Reads a blob chunk by chunk (downloads, transfers to peers), so serving a
// large blob holds one chunk in memory at a time. Every chunk is verified
// against its id before it is handed out: corruption is an error, never data.
//
// Made by BlobStore::reader(); reads the store directly, so it must not
// outlive the BlobStore it came from.
#include "blob/BlobInfo.h"
#include "crypto/Hash32.h"
#include "util/Result.h"
#include <QByteArray>
#include <string>
#include <vector>

namespace dn {

class Store;

class BlobReader {
public:

    const BlobInfo &info() const { return info_; }
    int chunkCount() const { return int(chunkIds_.size()); }
    // The ids the blob id hashes (transfers send them ahead of the chunks).
    const std::vector<Hash32> &chunkIds() const { return chunkIds_; }
    // Chunk `index` (0-based), verified; "corrupt" when it is missing or does
    // not hash to its id.
    Result<QByteArray> chunk(int index) const;

private:
    friend class BlobStore;
    // Fails with "not_found" when the blob does not exist.
    static Result<BlobReader> open(const Store &store, const Hash32 &blobId);
    BlobReader(const Store &store, BlobInfo info, std::vector<Hash32> chunkIds)
        : store_(&store), info_(info), chunkIds_(std::move(chunkIds)) {}
    const Store *store_;
    BlobInfo info_;
    std::vector<Hash32> chunkIds_;
};

}  // namespace dn
