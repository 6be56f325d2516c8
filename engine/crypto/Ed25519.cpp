#include "crypto/Ed25519.h"

#include "crypto/Random.h"

#include <QtGlobal>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <array>
#include <cstring>
#include <mutex>

namespace dn {

struct Ed25519Secret {
    unsigned char sk[crypto_sign_SECRETKEYBYTES];  // seed ‖ public key, libsodium's layout
    ~Ed25519Secret() { sodium_memzero(sk, sizeof sk); }
};

namespace {

void ensureSodium() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (sodium_init() < 0) qFatal("libsodium could not be initialised");
    });
}

struct MdCtxDeleter {
    void operator()(EVP_MD_CTX *c) const { EVP_MD_CTX_free(c); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

// One EVP_MD_CTX per thread, reset between uses, instead of an allocation per
// signature: verifying is on the path of every received delta.
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
    ensureSodium();
    auto secret = std::make_shared<Ed25519Secret>();
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_seed_keypair(pk, secret->sk, reinterpret_cast<const unsigned char *>(seed32.data()));
    // Both libraries derive the public key from the seed; they must agree.
    if (std::memcmp(pk, key.publicKey_.bytes.data(), 32) != 0) qFatal("Ed25519: OpenSSL and libsodium disagree");
    key.secret_ = std::move(secret);
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
    if (!secret_) return {};
    QByteArray sig(crypto_sign_BYTES, Qt::Uninitialized);
    if (crypto_sign_detached(reinterpret_cast<unsigned char *>(sig.data()), nullptr,
                             reinterpret_cast<const unsigned char *>(msg.data()),
                             static_cast<unsigned long long>(msg.size()), secret_->sk) != 0)
        qFatal("libsodium: Ed25519 signing failed");
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
