#include "crypto/Ed25519.h"

#include "crypto/Random.h"

#include <QtGlobal>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <array>

namespace dn {
namespace {

struct MdCtxDeleter {
    void operator()(EVP_MD_CTX *c) const { EVP_MD_CTX_free(c); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

// One EVP_MD_CTX per thread, reset between uses, instead of an allocation per
// signature: signing and verifying are on the delta hot path.
EVP_MD_CTX *threadMdCtx() {
    thread_local MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx) qFatal("OpenSSL: out of memory");
    EVP_MD_CTX_reset(ctx.get());
    return ctx.get();
}

// Small per-thread cache of parsed public keys. Deltas of a context come from
// a handful of authors, so turning the same 32 bytes into an EVP_PKEY for every
// verification is wasted work. Round-robin replacement; no locks needed.
class VerifyKeyCache {
public:
    ~VerifyKeyCache() {
        for (auto &e : entries_) EVP_PKEY_free(e.pkey);
    }
    EVP_PKEY *get(const Hash32 &pub) {
        for (auto &e : entries_)
            if (e.pkey && e.pub == pub) return e.pkey;
        EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr,
                                                        pub.bytes.data(), 32);
        if (!pkey) return nullptr;
        Entry &slot = entries_[next_];
        next_ = (next_ + 1) % entries_.size();
        EVP_PKEY_free(slot.pkey);
        slot = {pub, pkey};
        return pkey;
    }

private:
    struct Entry {
        Hash32 pub;
        EVP_PKEY *pkey = nullptr;
    };
    std::array<Entry, 32> entries_{};
    size_t next_ = 0;
};

}  // namespace

Ed25519Key Ed25519Key::generate() {
    const QByteArray seed = randomBytes(32);
    auto key = fromSeed(seed);
    if (!key) qFatal("OpenSSL: Ed25519 key generation failed");
    return *key;
}

std::optional<Ed25519Key> Ed25519Key::fromSeed(QByteArrayView seed32) {
    if (seed32.size() != 32) return std::nullopt;
    EVP_PKEY *raw = EVP_PKEY_new_raw_private_key_ex(
        nullptr, "ED25519", nullptr, reinterpret_cast<const unsigned char *>(seed32.data()), 32);
    if (!raw) return std::nullopt;
    Ed25519Key key;
    key.pkey_.reset(raw, EVP_PKEY_free);
    size_t len = 32;
    if (!EVP_PKEY_get_raw_public_key(raw, key.publicKey_.bytes.data(), &len) || len != 32)
        return std::nullopt;
    return key;
}

QByteArray Ed25519Key::seed() const {
    if (!pkey_) return {};
    QByteArray out(32, '\0');
    size_t len = 32;
    if (!EVP_PKEY_get_raw_private_key(pkey_.get(), reinterpret_cast<unsigned char *>(out.data()), &len) ||
        len != 32)
        return {};
    return out;
}

QByteArray Ed25519Key::sign(QByteArrayView msg) const {
    if (!pkey_) return {};
    EVP_MD_CTX *ctx = threadMdCtx();
    QByteArray sig(64, Qt::Uninitialized);
    size_t len = 64;
    // Ed25519 is "one-shot": no digest is named and EVP_DigestSign is used.
    if (EVP_DigestSignInit_ex(ctx, nullptr, nullptr, nullptr, nullptr, pkey_.get(), nullptr) != 1 ||
        EVP_DigestSign(ctx, reinterpret_cast<unsigned char *>(sig.data()), &len,
                       reinterpret_cast<const unsigned char *>(msg.data()),
                       static_cast<size_t>(msg.size())) != 1 ||
        len != 64)
        qFatal("OpenSSL: Ed25519 signing failed");
    return sig;
}

bool ed25519Verify(const Hash32 &publicKey, QByteArrayView msg, QByteArrayView sig) {
    if (sig.size() != 64) return false;
    thread_local VerifyKeyCache cache;
    EVP_PKEY *pkey = cache.get(publicKey);
    EVP_MD_CTX *ctx = threadMdCtx();
    const bool ok =
        pkey &&
        EVP_DigestVerifyInit_ex(ctx, nullptr, nullptr, nullptr, nullptr, pkey, nullptr) == 1 &&
        EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char *>(sig.data()), 64,
                         reinterpret_cast<const unsigned char *>(msg.data()),
                         static_cast<size_t>(msg.size())) == 1;
    // A forged signature is an expected input, not an OpenSSL fault: do not
    // leave it on the thread's error queue for unrelated code to trip over.
    if (!ok) ERR_clear_error();
    return ok;
}

}  // namespace dn
