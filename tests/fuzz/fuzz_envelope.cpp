// The delta decoders a remote peer controls: DeltaEnvelope (gossip payloads
// and sync pages), the DeltaBody inside it, and invitation text. The first
// input byte picks the decoder; the seeds are real sealed envelopes and a real
// invitation, so mutations reach the cryptographic checks. Whatever the input,
// nothing may crash, and anything accepted must be self-consistent: an opened
// envelope's id is the SHA-256 of its body bytes, which decode to the same
// body; a decoded invitation carries a 32-byte key.
#include "FuzzTarget.h"

#include "codec/DeltaCodec.h"
#include "codec/Envelope.h"
#include "codec/Invitation.h"
#include "crypto/Sha256.h"

#include <cstdlib>
#include <google/protobuf/stubs/logging.h>
#include <variant>

using namespace dn;

namespace {

// Fixed keys: the seeds must open with them for mutations to go deep.
const Ed25519Key &author() {
    static const Ed25519Key k = *Ed25519Key::fromSeed(QByteArray(32, '\x11'));
    return k;
}
const QByteArray &contextKey() {
    static const QByteArray k(32, '\x22');
    return k;
}
Hash32 contextId() {
    return *Hash32::fromBytes(QByteArray(32, '\x33'));
}

DeltaBody sampleBody(int n) {
    DeltaBody b;
    b.contextId = contextId();
    b.parents = {n == 0 ? Hash32::zero() : *Hash32::fromBytes(QByteArray(32, char(n)))};
    b.actions = {Action::put("kv/k" + QByteArray::number(n), "value"), Action::counterAdd("hits", n),
                 Action::remove("kv/old")};
    b.events = {Event{"Inserted", "{\"key\":\"k\"}", n % 2 ? "on_insert" : ""}};
    b.hlc = 0x1234'5678'0000ull + uint64_t(n);
    b.author = author().publicKey();
    return b;
}

void fuzzEnvelope(QByteArrayView in) {
    (void)peekEnvelope(in);
    const OpenResult r = openEnvelope(in, contextKey(), contextId());
    if (const Delta *d = std::get_if<Delta>(&r)) {
        if (sha256(d->bodyBytes) != d->id) std::abort();
        auto again = decodeBody(d->bodyBytes);
        if (!again || !(*again == d->body)) std::abort();
        if (d->body.parents.empty()) std::abort();
    }
    // The receive path parses once and opens the parsed form: it must accept
    // exactly what the one-step open accepts, with the same delta.
    const QByteArray bytes = in.toByteArray();
    auto parsed = parseEnvelope(bytes);
    const Delta *direct = std::get_if<Delta>(&r);
    if (!parsed) {
        if (direct) std::abort();
        return;
    }
    const OpenResult viaParsed = openEnvelope(*parsed, contextKey(), contextId());
    const Delta *d2 = std::get_if<Delta>(&viaParsed);
    if (bool(direct) != bool(d2)) std::abort();
    if (direct && (d2->id != direct->id || d2->bodyBytes != direct->bodyBytes)) std::abort();
}

void fuzzBody(QByteArrayView in) {
    auto body = decodeBody(in);
    if (!body) return;
    // What decodes re-encodes to something that decodes the same.
    auto back = decodeBody(encodeBody(*body));
    if (!back || !(*back == *body)) std::abort();
}

void fuzzInvitation(QByteArrayView in) {
    const QString text = QString::fromUtf8(in);
    auto inv = decodeInvitation(text, 1'000);
    if (inv && (inv->secret.size() != 32 || inv->inviteId.size() != 16)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    // libprotobuf logs every refused string field; the fuzzer would drown in it.
    static const bool quiet = (google::protobuf::SetLogHandler(nullptr), true);
    (void)quiet;
    if (size < 1) return 0;
    const QByteArrayView in(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    switch (data[0] % 3) {
    case 0: fuzzEnvelope(in); break;
    case 1: fuzzBody(in); break;
    default: fuzzInvitation(in); break;
    }
    return 0;
}

std::vector<std::string> dnFuzzSeeds() {
    std::vector<std::string> seeds;
    for (int n = 0; n < 3; ++n) {
        const SealedDelta s = sealDelta(sampleBody(n), author(), contextKey());
        seeds.push_back(std::string(1, '\x00') + s.envelopeBytes.toStdString());
        seeds.push_back(std::string(1, '\x01') + encodeBody(sampleBody(n)).toStdString());
    }
    InvitationData inv;
    inv.contextId = contextId();
    inv.appId = *Hash32::fromBytes(QByteArray(32, '\x44'));
    inv.inviteId = QByteArray(16, '\x07');
    inv.secret = contextKey();
    inv.uses = 3;
    inv.inviterAddrs = {QStringLiteral("/ip4/127.0.0.1/tcp/4001")};
    inv.expiresAt = 2'000;
    seeds.push_back(std::string(1, '\x02') + encodeInvitation(inv, author()).toStdString());
    return seeds;
}
