#pragma once
// Writes a blob piece by piece, so a large upload never sits whole in memory.
// Made by BlobStore::writer(); it must not outlive that BlobStore.
// Bytes are cut into kBlobChunkSize chunks as they arrive; each full
// chunk is queued to the store at once (deduplicated by chunk id) and only the
// running list of chunk ids is kept. finish() writes the blob record and waits
// until the blob is durable; the store makes batches durable in order, so the
// record never becomes visible before its chunks.
//
// Back-pressure: at most kMaxInFlight chunks may be queued but not yet durable;
// write() waits for the store beyond that. Without it a client faster than the
// disk would pile chunks up in the store's read overlay, i.e. in memory.
// So call write() from a thread that may block briefly (not the node thread
// for a large blob).
//
// A writer that is dropped without finish() leaves its chunks behind without a
// record; they cost space only (a later blob with the same chunks reuses them).
#include "blob/BlobInfo.h"
#include "crypto/Sha256.h"
#include "util/Result.h"
#include <QByteArray>
#include <QByteArrayView>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace dn {

class Store;

class BlobWriter {
public:
    static constexpr int kMaxInFlight = 4;

    BlobWriter(BlobWriter &&) = default;

    // Appends bytes in any piece sizes.
    Result<void> write(QByteArrayView data);
    // Writes the record; the writer cannot be used afterwards.
    Result<BlobInfo> finish();
    uint64_t size() const { return size_; }
    // Chunks queued to the store and not yet durable (≤ kMaxInFlight).
    int chunksInFlight() const;
    // Waits until every full chunk written so far is durable (the bytes of a
    // partial chunk stay buffered until it fills or finish()). Lets a caller
    // answer an upload part only once it is on disk.
    void waitDurable() const;

private:
    friend class BlobStore;
    explicit BlobWriter(Store &store);
    Result<void> flushChunk();

    Store *store_;
    QByteArray buffer_;               // < one chunk
    std::vector<std::string> chunkIds_;
    Sha256 blobHash_;
    uint64_t size_ = 0;
    // Shared with the store's callbacks (committer thread), so a moved writer
    // and its pending callbacks agree.
    struct InFlight {
        std::mutex mutex;
        std::condition_variable drained;
        int chunks = 0;
        bool failed = false;
    };
    std::shared_ptr<InFlight> inFlight_ = std::make_shared<InFlight>();
    bool failed() const;
    bool finished_ = false;
};

}  // namespace dn
