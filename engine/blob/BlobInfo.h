#pragma once
// What the blob store knows of one stored blob, without its bytes.
#include "crypto/Hash32.h"
#include <cstdint>

namespace dn {

// Blobs are cut into chunks of this size (the last one may be shorter).
inline constexpr int kBlobChunkSize = 1 << 20;

struct BlobInfo {
    Hash32 id;
    uint64_t size = 0;
    int chunks = 0;
};

}  // namespace dn
