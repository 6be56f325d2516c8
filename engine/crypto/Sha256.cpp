#include "crypto/Sha256.h"

#include <QtGlobal>
#include <openssl/evp.h>

#include <memory>
#include <utility>

namespace dn {
namespace {

// Fetched once; explicit fetching avoids the implicit per-call lookup that
// EVP_sha256() incurs in OpenSSL 3. Never freed: it lives as long as the process.
const EVP_MD *sha256Md() {
    static const EVP_MD *md = [] {
        EVP_MD *m = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
        if (!m) qFatal("OpenSSL: SHA2-256 is not available");
        return m;
    }();
    return md;
}

void initCtx(EVP_MD_CTX *ctx) {
    if (!EVP_DigestInit_ex2(ctx, sha256Md(), nullptr)) qFatal("OpenSSL: SHA-256 init failed");
}

Hash32 finishCtx(EVP_MD_CTX *ctx) {
    Hash32 h;
    unsigned int len = 0;
    if (!EVP_DigestFinal_ex(ctx, h.bytes.data(), &len) || len != 32)
        qFatal("OpenSSL: SHA-256 final failed");
    return h;
}

struct CtxDeleter {
    void operator()(EVP_MD_CTX *c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

Hash32 sha256(QByteArrayView bytes) {
    thread_local std::unique_ptr<EVP_MD_CTX, CtxDeleter> ctx(EVP_MD_CTX_new());
    initCtx(ctx.get());
    if (!EVP_DigestUpdate(ctx.get(), bytes.data(), static_cast<size_t>(bytes.size())))
        qFatal("OpenSSL: SHA-256 update failed");
    return finishCtx(ctx.get());
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_) qFatal("OpenSSL: out of memory");
    initCtx(ctx_);
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

Sha256::Sha256(Sha256 &&other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}

Sha256 &Sha256::operator=(Sha256 &&other) noexcept {
    std::swap(ctx_, other.ctx_);
    return *this;
}

void Sha256::add(QByteArrayView bytes) {
    if (!ctx_) qFatal("Sha256 used after move");
    if (!EVP_DigestUpdate(ctx_, bytes.data(), static_cast<size_t>(bytes.size())))
        qFatal("OpenSSL: SHA-256 update failed");
}

Hash32 Sha256::finish() {
    if (!ctx_) qFatal("Sha256 used after move");
    Hash32 h = finishCtx(ctx_);
    initCtx(ctx_);
    return h;
}

}  // namespace dn
