#include "codec/DeltaCodec.h"

#include "codec/PbBytes.h"
#include "deltanode.pb.h"

namespace dn {
namespace {

namespace pb = ::deltanode::pb;
using namespace pb_bytes;

Error oversized(const QString &what) { return {ErrorCode::Oversized, what}; }
Error malformed(const QString &what) { return {ErrorCode::Malformed, what}; }

void toPb(const Action &a, pb::Action &out) {
    switch (a.kind) {
    case Action::Kind::Put: {
        auto *p = out.mutable_put();
        p->set_key(a.key.constData(), a.key.size());
        p->set_value(a.value.constData(), a.value.size());
        break;
    }
    case Action::Kind::Remove:
        out.mutable_remove()->set_key(a.key.constData(), a.key.size());
        break;
    case Action::Kind::CounterAdd: {
        auto *c = out.mutable_counter_add();
        c->set_key(a.key.constData(), a.key.size());
        c->set_amount(a.amount);
        break;
    }
    }
}

// Converts one action, checking the per-key/value bounds.
std::optional<Error> fromPb(const pb::Action &in, int index, const CodecLimits &limits, Action &out) {
    const std::string *key = nullptr;
    switch (in.kind_case()) {
    case pb::Action::kPut:
        key = &in.put().key();
        if (static_cast<qsizetype>(in.put().value().size()) > limits.maxValueBytes)
            return oversized(QStringLiteral("action %1: value of %2 bytes exceeds the limit of %3")
                                 .arg(index).arg(in.put().value().size()).arg(limits.maxValueBytes));
        out.kind = Action::Kind::Put;
        out.value = toQt(in.put().value());
        break;
    case pb::Action::kRemove:
        key = &in.remove().key();
        out.kind = Action::Kind::Remove;
        break;
    case pb::Action::kCounterAdd:
        key = &in.counter_add().key();
        out.kind = Action::Kind::CounterAdd;
        out.amount = in.counter_add().amount();
        break;
    case pb::Action::KIND_NOT_SET:
        return malformed(QStringLiteral("action %1 has no kind (not a put, remove or counter add)").arg(index));
    }
    if (static_cast<qsizetype>(key->size()) > limits.maxKeyBytes)
        return oversized(QStringLiteral("action %1: key of %2 bytes exceeds the limit of %3")
                             .arg(index).arg(key->size()).arg(limits.maxKeyBytes));
    out.key = toQt(*key);
    return std::nullopt;
}

std::optional<Error> fromPb(const pb::Event &in, int index, const CodecLimits &limits, Event &out) {
    auto check = [&](const std::string &field, qsizetype max, const char *name) -> std::optional<Error> {
        if (static_cast<qsizetype>(field.size()) <= max) return std::nullopt;
        return oversized(QStringLiteral("event %1: %2 of %3 bytes exceeds the limit of %4")
                             .arg(index).arg(QLatin1String(name)).arg(field.size()).arg(max));
    };
    if (auto e = check(in.kind(), limits.maxEventKindBytes, "kind")) return e;
    if (auto e = check(in.data(), limits.maxEventDataBytes, "data")) return e;
    if (auto e = check(in.handler(), limits.maxHandlerNameBytes, "handler name")) return e;
    out.kind = toQt(in.kind());
    out.data = toQt(in.data());
    out.handler = toQt(in.handler());
    return std::nullopt;
}

}  // namespace

QByteArray encodeBody(const DeltaBody &body) {
    pb::DeltaBody msg;
    msg.set_context_id(body.contextId.data(), 32);
    for (const Hash32 &p : body.parents) msg.add_parents(p.data(), 32);
    msg.mutable_actions()->Reserve(static_cast<int>(body.actions.size()));
    for (const Action &a : body.actions) toPb(a, *msg.add_actions());
    msg.set_hlc(body.hlc);
    msg.set_author(body.author.data(), 32);
    for (const Event &e : body.events) {
        auto *pe = msg.add_events();
        pe->set_kind(e.kind.constData(), e.kind.size());
        pe->set_data(e.data.constData(), e.data.size());
        pe->set_handler(e.handler.constData(), e.handler.size());
    }
    if (body.governance) {
        const Governance &g = *body.governance;
        auto *pg = msg.mutable_governance();
        pg->set_kind(uint32_t(g.kind));
        if (!g.peer.isZero()) pg->set_peer(g.peer.data(), 32);
        pg->set_x25519(g.x25519.constData(), size_t(g.x25519.size()));
        pg->set_role(uint32_t(g.role));
        pg->set_next_epoch(g.nextEpoch);
        for (const SealedKey &k : g.keys) {
            auto *pk = pg->add_keys();
            pk->set_member(k.member.data(), 32);
            pk->set_sealed(k.sealed.constData(), size_t(k.sealed.size()));
        }
        pg->set_invite_id(g.inviteId.constData(), size_t(g.inviteId.size()));
        pg->set_context_signature(g.contextSignature.constData(), size_t(g.contextSignature.size()));
    }
    msg.set_epoch(body.epoch);
    for (const Hash32 &p : body.govParents) msg.add_gov_parents(p.data(), 32);
    return serialize(msg);
}

namespace {
// The bounds of a governance action: fixed sizes, and at most
// kMaxSealedKeys copies of an epoch key (one per remaining member).
constexpr int kMaxSealedKeys = 4096;
constexpr int kMaxGovParents = 64;

std::optional<Error> governanceFromPb(const pb::Governance &in, Governance &out) {
    if (in.kind() < 1 || in.kind() > 4) return malformed(QStringLiteral("governance action of unknown kind %1").arg(in.kind()));
    out.kind = Governance::Kind(in.kind());
    if (!in.peer().empty() && !toHash(in.peer(), out.peer)) return malformed("governance peer key is not 32 bytes");
    if (!in.x25519().empty() && in.x25519().size() != 32) return malformed("governance x25519 key is not 32 bytes");
    out.x25519 = toQt(in.x25519());
    if (in.role() > 2) return malformed(QStringLiteral("governance role %1 is unknown").arg(in.role()));
    out.role = Role(in.role());
    out.nextEpoch = in.next_epoch();
    if (in.keys_size() > kMaxSealedKeys)
        return oversized(QStringLiteral("governance action carries %1 sealed keys, the limit is %2").arg(in.keys_size()).arg(kMaxSealedKeys));
    out.keys.resize(size_t(in.keys_size()));
    for (int i = 0; i < in.keys_size(); ++i) {
        if (!toHash(in.keys(i).member(), out.keys[size_t(i)].member) || in.keys(i).sealed().size() != 80)
            return malformed(QStringLiteral("sealed key %1 is malformed").arg(i));
        out.keys[size_t(i)].sealed = toQt(in.keys(i).sealed());
    }
    if (in.invite_id().size() > 32) return malformed("invite id is longer than 32 bytes");
    out.inviteId = toQt(in.invite_id());
    if (!in.context_signature().empty() && in.context_signature().size() != 64)
        return malformed("context signature is not 64 bytes");
    out.contextSignature = toQt(in.context_signature());
    return std::nullopt;
}
}  // namespace

Result<DeltaBody> decodeBody(QByteArrayView bytes, const CodecLimits &limits) {
    if (bytes.size() > limits.maxBodyBytes)
        return oversized(QStringLiteral("delta body of %1 bytes exceeds the limit of %2")
                             .arg(bytes.size()).arg(limits.maxBodyBytes));
    pb::DeltaBody msg;
    if (!msg.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
        return malformed(QStringLiteral("delta body is not a valid protobuf DeltaBody"));

    // Counts first: cheap, and they bound the work of the loops below.
    if (msg.parents_size() > limits.maxParents)
        return oversized(QStringLiteral("delta has %1 parents, the limit is %2").arg(msg.parents_size()).arg(limits.maxParents));
    if (msg.actions_size() > limits.maxActions)
        return oversized(QStringLiteral("delta has %1 actions, the limit is %2").arg(msg.actions_size()).arg(limits.maxActions));
    if (msg.events_size() > limits.maxEvents)
        return oversized(QStringLiteral("delta has %1 events, the limit is %2").arg(msg.events_size()).arg(limits.maxEvents));

    DeltaBody body;
    if (!toHash(msg.context_id(), body.contextId))
        return malformed(QStringLiteral("delta context id is %1 bytes, expected 32").arg(msg.context_id().size()));
    if (!toHash(msg.author(), body.author))
        return malformed(QStringLiteral("delta author key is %1 bytes, expected 32").arg(msg.author().size()));
    body.hlc = msg.hlc();
    body.parents.resize(static_cast<size_t>(msg.parents_size()));
    for (int i = 0; i < msg.parents_size(); ++i)
        if (!toHash(msg.parents(i), body.parents[static_cast<size_t>(i)]))
            return malformed(QStringLiteral("delta parent %1 is %2 bytes, expected 32").arg(i).arg(msg.parents(i).size()));
    body.actions.resize(static_cast<size_t>(msg.actions_size()));
    for (int i = 0; i < msg.actions_size(); ++i)
        if (auto e = fromPb(msg.actions(i), i, limits, body.actions[static_cast<size_t>(i)])) return *e;
    body.events.resize(static_cast<size_t>(msg.events_size()));
    for (int i = 0; i < msg.events_size(); ++i)
        if (auto e = fromPb(msg.events(i), i, limits, body.events[static_cast<size_t>(i)])) return *e;
    if (msg.has_governance()) {
        Governance g;
        if (auto e = governanceFromPb(msg.governance(), g)) return *e;
        body.governance = std::move(g);
    }
    body.epoch = msg.epoch();
    if (msg.gov_parents_size() > kMaxGovParents)
        return oversized(QStringLiteral("delta names %1 governance parents, the limit is %2").arg(msg.gov_parents_size()).arg(kMaxGovParents));
    body.govParents.resize(size_t(msg.gov_parents_size()));
    for (int i = 0; i < msg.gov_parents_size(); ++i)
        if (!toHash(msg.gov_parents(i), body.govParents[size_t(i)]))
            return malformed(QStringLiteral("governance parent %1 is not 32 bytes").arg(i));
    return body;
}

}  // namespace dn
