#pragma once
// SHA-256 (OpenSSL EVP). Ids of deltas, apps and blobs are SHA-256 digests, so
// this runs on every hot path; the EVP_MD is fetched once per process and
// contexts are reused instead of allocated per digest.
#include "crypto/Hash32.h"

#include <QByteArrayView>

struct evp_md_ctx_st;

namespace dn {

// One-shot digest. Thread-safe (uses a per-thread context).
Hash32 sha256(QByteArrayView bytes);

// Incremental digest, for data that arrives in pieces (blob chunk ids, ...).
// After finish() the object is reset and can hash the next message.
// One object must not be used from two threads at once.
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(Sha256 &&other) noexcept;
    Sha256 &operator=(Sha256 &&other) noexcept;
    Sha256(const Sha256 &) = delete;
    Sha256 &operator=(const Sha256 &) = delete;

    void add(QByteArrayView bytes);
    Hash32 finish();

private:
    evp_md_ctx_st *ctx_ = nullptr;
};

}  // namespace dn
