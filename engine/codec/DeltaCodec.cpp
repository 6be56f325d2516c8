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
    return serialize(msg);
}

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
    return body;
}

}  // namespace dn
