#pragma once
// The wire form of a delta (ARCHITECTURE §4): the body encrypted with the context
// key and signed by its author.
//
//   body_bytes = encodeBody(body)            id = SHA-256(body_bytes)
//   ciphertext = AEAD(epoch key, nonce, body_bytes, aad = context_id ‖ id)
//                AEAD = XChaCha20-Poly1305, 24-byte nonce (suite 1, new deltas)
//                    or ChaCha20-Poly1305 IETF, 12-byte nonce (suite 0, deltas
//                       written before the trust model, still read)
//   signature  = Ed25519(author, "deltanode/delta/1" ‖ context_id ‖ id)
//   DeltaEnvelope{context_id, id, parents, author, hlc, nonce, ciphertext, signature,
//                 epoch, suite}
//
// The signature covers only (context, id); parents, author and hlc in the
// clear header are authenticated indirectly, by comparing them with the
// decrypted body whose hash is the signed id (the epoch too: the body names
// it). The suite needs no check: the wrong one fails decryption.
#include "codec/CodecLimits.h"
#include "codec/Delta.h"
#include "codec/KeyRing.h"
#include "codec/RejectCounters.h"
#include "codec/RejectReason.h"
#include "crypto/Ed25519.h"
#include "util/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <string>
#include <variant>
#include <vector>

namespace dn {

struct SealedDelta {
    Delta delta;              // id, body and the exact body bytes
    QByteArray envelopeBytes; // what is published and stored
};

// Preconditions (programming errors, logged and asserted): body.author ==
// author.publicKey(), contextKey32 is 32 bytes. sealDelta does not judge the
// parents: a parentless body is sealed, and refused by every receiver.
enum class EnvelopeSuite : uint8_t { ChaCha20Ietf = 0, XChaCha20 = 1 };
SealedDelta sealDelta(const DeltaBody &body, const Ed25519Key &author, QByteArrayView contextKey32,
                      EnvelopeSuite suite = EnvelopeSuite::XChaCha20);

// Either the verified, decrypted delta or why it was refused.
using OpenResult = std::variant<Delta, OpenError>;

// Checks, in this order, each failure with its own reason: size bound →
// protobuf parse → field sizes → context == expectedContext → signature →
// decryption → id == SHA-256(plaintext) → body decode → header == body →
// at least one parent. Never touches anything but its arguments, so it can
// run on any thread.
OpenResult openEnvelope(QByteArrayView envelopeBytes, QByteArrayView contextKey32,
                        const Hash32 &expectedContext, const CodecLimits &limits = {});

// The clear header, for routing before any cryptography (e.g. find the
// context, or ask for missing parents).
struct EnvelopeHeader {
    Hash32 contextId;
    Hash32 id;
    std::vector<Hash32> parents;
    Hash32 author;
    uint64_t hlc = 0;
    uint32_t epoch = 0;
    EnvelopeSuite suite = EnvelopeSuite::ChaCha20Ietf;
};

// Parses and size-checks only; nothing is verified. Error codes are
// ErrorCode::Oversized or ErrorCode::Malformed.
Result<EnvelopeHeader> peekEnvelope(QByteArrayView envelopeBytes, const CodecLimits &limits = {});

// An envelope parsed once on the receive path (routing by its header, then
// opening on a worker) instead of once per step. `bytes` is kept as received:
// it is what is stored and served to peers.
struct ParsedEnvelope {
    EnvelopeHeader header;
    QByteArray bytes;
    std::string nonce;
    std::string ciphertext;
    std::string signature;
};

// The checks of peekEnvelope, keeping what openEnvelope needs.
Result<ParsedEnvelope> parseEnvelope(const QByteArray &envelopeBytes, const CodecLimits &limits = {});
// openEnvelope's checks from `expectedContext` on (the parse is done).
OpenResult openEnvelope(const ParsedEnvelope &envelope, QByteArrayView contextKey32, const Hash32 &expectedContext,
                        const CodecLimits &limits = {});
// The same with the context's key ring: the keys of the envelope's epoch are
// tried; none held → RejectReason::UnknownEpoch.
OpenResult openEnvelope(const ParsedEnvelope &envelope, const KeyRing &keys, const Hash32 &expectedContext,
                        const CodecLimits &limits = {});

}  // namespace dn
