#include "crypto/Aead.h"

#include <QtGlobal>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <climits>
#include <cstring>
#include <memory>

namespace dn {
namespace {

// Fetched once per process (see Sha256.cpp for why explicit fetching).
const EVP_CIPHER *chachaPoly() {
    static const EVP_CIPHER *c = [] {
        EVP_CIPHER *x = EVP_CIPHER_fetch(nullptr, "ChaCha20-Poly1305", nullptr);
        if (!x) qFatal("OpenSSL: ChaCha20-Poly1305 is not available");
        return x;
    }();
    return c;
}

struct CipherCtxDeleter {
    void operator()(EVP_CIPHER_CTX *c) const { EVP_CIPHER_CTX_free(c); }
};

// One cipher context per thread, re-keyed per message.
EVP_CIPHER_CTX *threadCipherCtx() {
    thread_local std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter> ctx(EVP_CIPHER_CTX_new());
    if (!ctx) qFatal("OpenSSL: out of memory");
    return ctx.get();
}

const unsigned char *u8(QByteArrayView v) { return reinterpret_cast<const unsigned char *>(v.data()); }
unsigned char *u8(QByteArray &v) { return reinterpret_cast<unsigned char *>(v.data()); }

bool sizesOk(QByteArrayView key, QByteArrayView nonce, QByteArrayView text, QByteArrayView aad) {
    // EVP lengths are int; our messages are bounded far below that anyway.
    return key.size() == kAeadKeySize && nonce.size() == kAeadNonceSize &&
           text.size() < INT_MAX - kAeadTagSize && aad.size() < INT_MAX;
}

}  // namespace

QByteArray aeadSeal(QByteArrayView key32, QByteArrayView nonce12, QByteArrayView plaintext,
                    QByteArrayView aad) {
    if (!sizesOk(key32, nonce12, plaintext, aad)) return {};
    EVP_CIPHER_CTX *ctx = threadCipherCtx();
    QByteArray out(plaintext.size() + kAeadTagSize, Qt::Uninitialized);
    int len = 0, fin = 0;
    bool ok = EVP_EncryptInit_ex2(ctx, chachaPoly(), u8(key32), u8(nonce12), nullptr) == 1 &&
              (aad.isEmpty() ||
               EVP_EncryptUpdate(ctx, nullptr, &len, u8(aad), static_cast<int>(aad.size())) == 1) &&
              EVP_EncryptUpdate(ctx, u8(out), &len, u8(plaintext), static_cast<int>(plaintext.size())) == 1 &&
              EVP_EncryptFinal_ex(ctx, u8(out) + len, &fin) == 1 &&
              len + fin == plaintext.size() &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, kAeadTagSize, u8(out) + plaintext.size()) == 1;
    if (!ok) qFatal("OpenSSL: ChaCha20-Poly1305 encryption failed");
    return out;
}

std::optional<QByteArray> aeadOpen(QByteArrayView key32, QByteArrayView nonce12,
                                   QByteArrayView ciphertextWithTag, QByteArrayView aad) {
    if (!sizesOk(key32, nonce12, ciphertextWithTag, aad) || ciphertextWithTag.size() < kAeadTagSize)
        return std::nullopt;
    const qsizetype n = ciphertextWithTag.size() - kAeadTagSize;
    EVP_CIPHER_CTX *ctx = threadCipherCtx();
    QByteArray out(n, Qt::Uninitialized);
    // OpenSSL wants a writable tag buffer.
    unsigned char tag[kAeadTagSize];
    memcpy(tag, ciphertextWithTag.data() + n, kAeadTagSize);
    int len = 0, fin = 0;
    bool ok = EVP_DecryptInit_ex2(ctx, chachaPoly(), u8(key32), u8(nonce12), nullptr) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, kAeadTagSize, tag) == 1 &&
              (aad.isEmpty() ||
               EVP_DecryptUpdate(ctx, nullptr, &len, u8(aad), static_cast<int>(aad.size())) == 1) &&
              EVP_DecryptUpdate(ctx, u8(out), &len, u8(ciphertextWithTag), static_cast<int>(n)) == 1 &&
              EVP_DecryptFinal_ex(ctx, u8(out) + len, &fin) == 1 && len + fin == n;
    if (!ok) {
        ERR_clear_error();  // a bad tag is an expected input, not a fault
        return std::nullopt;
    }
    return out;
}

}  // namespace dn
