#include "codec/Envelope.h"

#include "codec/DeltaCodec.h"
#include "codec/PbBytes.h"
#include "crypto/Aead.h"
#include "crypto/Random.h"
#include "crypto/Sha256.h"
#include "crypto/XAead.h"
#include "deltanode.pb.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcEnvelope, "dn.codec")

namespace dn {
namespace {

namespace pb = ::deltanode::pb;
using namespace pb_bytes;

constexpr char kSignDomain[] = "deltanode/delta/1";

// context_id ‖ id: the AEAD associated data.
QByteArray contextAndId(const Hash32 &ctx, const Hash32 &id) {
    QByteArray out;
    out.reserve(64);
    out.append(ctx.data(), 32);
    out.append(id.data(), 32);
    return out;
}

QByteArray signedMessage(const Hash32 &ctx, const Hash32 &id) {
    QByteArray out;
    out.reserve(static_cast<qsizetype>(sizeof kSignDomain) - 1 + 64);
    out.append(kSignDomain, sizeof kSignDomain - 1);
    out.append(ctx.data(), 32);
    out.append(id.data(), 32);
    return out;
}

OpenError reject(RejectReason r, QString message) { return {r, std::move(message)}; }

QString sizeMessage(const char *field, size_t got, int want) {
    return QStringLiteral("envelope %1 is %2 bytes, expected %3").arg(QLatin1String(field)).arg(got).arg(want);
}

// Steps shared by openEnvelope and peekEnvelope: bound, parse, field sizes.
std::optional<OpenError> parseHeader(QByteArrayView bytes, const CodecLimits &limits,
                                     pb::DeltaEnvelope &msg, EnvelopeHeader &header) {
    if (bytes.size() > limits.maxEnvelopeBytes)
        return reject(RejectReason::Oversized, QStringLiteral("envelope of %1 bytes exceeds the limit of %2")
                                                   .arg(bytes.size()).arg(limits.maxEnvelopeBytes));
    if (!msg.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
        return reject(RejectReason::Malformed, QStringLiteral("not a valid protobuf DeltaEnvelope"));
    if (!toHash(msg.context_id(), header.contextId))
        return reject(RejectReason::Malformed, sizeMessage("context id", msg.context_id().size(), 32));
    if (!toHash(msg.id(), header.id))
        return reject(RejectReason::Malformed, sizeMessage("id", msg.id().size(), 32));
    if (!toHash(msg.author(), header.author))
        return reject(RejectReason::Malformed, sizeMessage("author key", msg.author().size(), 32));
    if (msg.suite() > 1)
        return reject(RejectReason::Malformed, QStringLiteral("envelope suite %1 is unknown").arg(msg.suite()));
    header.suite = EnvelopeSuite(msg.suite());
    header.epoch = msg.epoch();
    const int nonceSize = header.suite == EnvelopeSuite::XChaCha20 ? kXAeadNonceSize : kAeadNonceSize;
    if (msg.nonce().size() != size_t(nonceSize))
        return reject(RejectReason::Malformed, sizeMessage("nonce", msg.nonce().size(), nonceSize));
    if (msg.signature().size() != 64)
        return reject(RejectReason::Malformed, sizeMessage("signature", msg.signature().size(), 64));
    if (msg.ciphertext().size() < static_cast<size_t>(kAeadTagSize))
        return reject(RejectReason::Malformed, QStringLiteral("envelope ciphertext of %1 bytes is shorter than the tag")
                                                   .arg(msg.ciphertext().size()));
    if (msg.parents_size() > limits.maxParents)
        return reject(RejectReason::Oversized, QStringLiteral("envelope has %1 parents, the limit is %2")
                                                   .arg(msg.parents_size()).arg(limits.maxParents));
    header.parents.resize(static_cast<size_t>(msg.parents_size()));
    for (int i = 0; i < msg.parents_size(); ++i)
        if (!toHash(msg.parents(i), header.parents[static_cast<size_t>(i)]))
            return reject(RejectReason::Malformed, QStringLiteral("envelope parent %1 is %2 bytes, expected 32")
                                                       .arg(i).arg(msg.parents(i).size()));
    header.hlc = msg.hlc();
    return std::nullopt;
}

// Which clear-header field disagrees with the authenticated body, if any.
const char *headerMismatch(const EnvelopeHeader &h, const DeltaBody &b) {
    if (h.contextId != b.contextId) return "context id";
    if (h.author != b.author) return "author";
    if (h.hlc != b.hlc) return "hlc";
    if (h.parents != b.parents) return "parents";
    if (h.epoch != b.epoch) return "epoch";
    return nullptr;
}

}  // namespace

SealedDelta sealDelta(const DeltaBody &body, const Ed25519Key &author, QByteArrayView contextKey32,
                      EnvelopeSuite suite) {
    if (body.author != author.publicKey() || contextKey32.size() != kAeadKeySize) {
        // Receivers will refuse such an envelope; say why on the sending side.
        qCCritical(lcEnvelope) << "sealDelta: body author differs from the signing key, or the context"
                               << "key is not 32 bytes; the envelope will be rejected";
        Q_ASSERT(false);
    }
    SealedDelta out;
    out.delta.body = body;
    out.delta.bodyBytes = encodeBody(body);
    out.delta.id = sha256(out.delta.bodyBytes);
    const Hash32 &ctx = body.contextId, &id = out.delta.id;

    const bool x = suite == EnvelopeSuite::XChaCha20;
    const QByteArray nonce = randomBytes(x ? kXAeadNonceSize : kAeadNonceSize);
    const QByteArray ciphertext = x ? xaeadSeal(contextKey32, nonce, out.delta.bodyBytes, contextAndId(ctx, id))
                                    : aeadSeal(contextKey32, nonce, out.delta.bodyBytes, contextAndId(ctx, id));
    const QByteArray signature = author.sign(signedMessage(ctx, id));

    pb::DeltaEnvelope env;
    env.set_context_id(ctx.data(), 32);
    env.set_id(id.data(), 32);
    for (const Hash32 &p : body.parents) env.add_parents(p.data(), 32);
    env.set_author(author.publicKey().data(), 32);
    env.set_hlc(body.hlc);
    env.set_nonce(nonce.constData(), nonce.size());
    env.set_ciphertext(ciphertext.constData(), ciphertext.size());
    env.set_signature(signature.constData(), signature.size());
    env.set_epoch(body.epoch);
    env.set_suite(uint32_t(suite));
    out.envelopeBytes = serialize(env);
    return out;
}

OpenResult openEnvelope(QByteArrayView envelopeBytes, QByteArrayView contextKey32,
                        const Hash32 &expectedContext, const CodecLimits &limits) {
    pb::DeltaEnvelope msg;
    ParsedEnvelope e;
    if (auto err = parseHeader(envelopeBytes, limits, msg, e.header)) return *err;
    e.nonce = std::move(*msg.mutable_nonce());
    e.ciphertext = std::move(*msg.mutable_ciphertext());
    e.signature = std::move(*msg.mutable_signature());
    return openEnvelope(e, contextKey32, expectedContext, limits);
}

namespace {
std::optional<QByteArray> decrypt(const ParsedEnvelope &e, QByteArrayView key32) {
    const EnvelopeHeader &h = e.header;
    return h.suite == EnvelopeSuite::XChaCha20
               ? xaeadOpen(key32, QByteArrayView(e.nonce), QByteArrayView(e.ciphertext), contextAndId(h.contextId, h.id))
               : aeadOpen(key32, QByteArrayView(e.nonce), QByteArrayView(e.ciphertext), contextAndId(h.contextId, h.id));
}

std::optional<OpenError> checkSigned(const ParsedEnvelope &e, const Hash32 &expectedContext) {
    const EnvelopeHeader &h = e.header;
    if (h.contextId != expectedContext)
        return reject(RejectReason::WrongContext, QStringLiteral("envelope is for context %1, expected %2")
                                                      .arg(h.contextId.toBase58(), expectedContext.toBase58()));
    if (!ed25519Verify(h.author, signedMessage(h.contextId, h.id), QByteArrayView(e.signature)))
        return reject(RejectReason::BadSignature, QStringLiteral("signature of delta %1 does not verify for author %2")
                                                      .arg(h.id.toBase58(), h.author.toBase58()));
    return std::nullopt;
}

OpenResult finishOpen(const ParsedEnvelope &e, std::optional<QByteArray> plain, const CodecLimits &limits);
}  // namespace

OpenResult openEnvelope(const ParsedEnvelope &e, const KeyRing &keys, const Hash32 &expectedContext,
                        const CodecLimits &limits) {
    if (auto err = checkSigned(e, expectedContext)) return *err;
    const auto candidates = keys.ofEpoch(e.header.epoch);
    if (candidates.empty())
        return reject(RejectReason::UnknownEpoch, QStringLiteral("delta %1 is sealed with a key of epoch %2, which this node was not given")
                                                      .arg(e.header.id.toBase58()).arg(e.header.epoch));
    std::optional<QByteArray> plain;
    for (const EpochKey *k : candidates)
        if ((plain = decrypt(e, k->key))) break;
    return finishOpen(e, std::move(plain), limits);
}

OpenResult openEnvelope(const ParsedEnvelope &e, QByteArrayView contextKey32, const Hash32 &expectedContext,
                        const CodecLimits &limits) {
    if (auto err = checkSigned(e, expectedContext)) return *err;
    return finishOpen(e, decrypt(e, contextKey32), limits);
}

namespace {
OpenResult finishOpen(const ParsedEnvelope &e, std::optional<QByteArray> plain, const CodecLimits &limits) {
    const EnvelopeHeader &h = e.header;
    if (!plain)
        return reject(RejectReason::DecryptFailed,
                      QStringLiteral("delta %1 does not decrypt with this context's key").arg(h.id.toBase58()));
    const Hash32 actual = sha256(*plain);
    if (actual != h.id)
        return reject(RejectReason::IdMismatch, QStringLiteral("delta claims id %1 but its body hashes to %2")
                                                    .arg(h.id.toBase58(), actual.toBase58()));
    auto body = decodeBody(*plain, limits);
    if (!body)
        return reject(body.error().code == ErrorCode::Oversized ? RejectReason::Oversized : RejectReason::Malformed,
                      QStringLiteral("delta %1: %2").arg(h.id.toBase58(), body.error().message));
    if (const char *field = headerMismatch(h, *body))
        return reject(RejectReason::HeaderMismatch, QStringLiteral("delta %1: envelope %2 differs from the signed body")
                                                        .arg(h.id.toBase58(), QLatin1String(field)));
    if (body->parents.empty())
        return reject(RejectReason::Parentless,
                      QStringLiteral("delta %1 has no parents (a genesis delta has the single parent [0;32])")
                          .arg(h.id.toBase58()));
    return Delta{h.id, std::move(*body), std::move(*plain)};
}
}  // namespace

Result<EnvelopeHeader> peekEnvelope(QByteArrayView envelopeBytes, const CodecLimits &limits) {
    pb::DeltaEnvelope msg;
    EnvelopeHeader h;
    if (auto err = parseHeader(envelopeBytes, limits, msg, h))
        return Error{errorCodeOf(err->reason), err->message};
    return h;
}

Result<ParsedEnvelope> parseEnvelope(const QByteArray &envelopeBytes, const CodecLimits &limits) {
    pb::DeltaEnvelope msg;
    ParsedEnvelope e;
    if (auto err = parseHeader(envelopeBytes, limits, msg, e.header))
        return Error{errorCodeOf(err->reason), err->message};
    e.bytes = envelopeBytes;
    e.nonce = std::move(*msg.mutable_nonce());
    e.ciphertext = std::move(*msg.mutable_ciphertext());
    e.signature = std::move(*msg.mutable_signature());
    return e;
}

}  // namespace dn
