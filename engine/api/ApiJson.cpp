#include "api/ApiJson.h"
#include "api/ApiLimits.h"
#include "crypto/Base58.h"
#include <QJsonDocument>
#include <QJsonParseError>
#include <QStringDecoder>

namespace dn::apijson {

QByteArray compact(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }

QJsonObject errorBody(ErrorCode code, const QString &message) {
    return {{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), wireName(code)}, {QStringLiteral("message"), message}}}};
}

std::optional<Hash32> parseId(const QString &text) {
    // 32 bytes are at most 44 base58 characters; the bound also keeps the
    // quadratic decoder cheap on hostile input.
    if (text.isEmpty() || text.size() > 44) return std::nullopt;
    auto bytes = base58Decode(text, 44);
    if (!bytes) return std::nullopt;
    auto h = Hash32::fromBytes(*bytes);
    // Reject non-canonical spellings (leading '1's that decode to extra zero bytes are
    // caught by the length check; this also catches any other alias).
    if (!h || h->toBase58() != text) return std::nullopt;
    return h;
}

std::optional<QJsonValue> parseValue(const QByteArray &text) {
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray("[") + text + ']', &err);
    if (err.error != QJsonParseError::NoError || !doc.isArray() || doc.array().size() != 1) return std::nullopt;
    return doc.array().at(0);
}

std::optional<QJsonObject> parseObjectBody(const QByteArray &body, QString *error) {
    if (body.trimmed().isEmpty()) return QJsonObject{};
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError) {
        *error = QStringLiteral("the body is not valid JSON: %1 at offset %2").arg(err.errorString()).arg(err.offset);
        return std::nullopt;
    }
    if (!doc.isObject()) {
        *error = QStringLiteral("the body must be a JSON object");
        return std::nullopt;
    }
    return doc.object();
}

std::optional<QByteArray> argsBytes(const QJsonValue &args, const QString &field, QString *error) {
    QByteArray bytes;
    if (args.isUndefined()) {
        bytes = "{}";
    } else if (args.isString()) {
        bytes = args.toString().toUtf8();
        if (bytes.size() <= api::kMaxArgsBytes && !parseValue(bytes)) {
            *error = QStringLiteral("%1 is a string but does not hold JSON text").arg(field);
            return std::nullopt;
        }
    } else if (args.isObject()) {
        bytes = QJsonDocument(args.toObject()).toJson(QJsonDocument::Compact);
    } else if (args.isArray()) {
        bytes = QJsonDocument(args.toArray()).toJson(QJsonDocument::Compact);
    } else {  // number, bool, null: serialize inside an array and strip the brackets
        bytes = QJsonDocument(QJsonArray{args}).toJson(QJsonDocument::Compact);
        bytes = bytes.mid(1, bytes.size() - 2);
    }
    if (bytes.size() > api::kMaxArgsBytes) {
        *error = QStringLiteral("%1 is %2 bytes; the limit is %3 bytes (10 MiB)")
                     .arg(field).arg(bytes.size()).arg(api::kMaxArgsBytes);
        return std::nullopt;
    }
    return bytes;
}

QJsonValue valueOrText(const QByteArray &bytes) {
    if (bytes.isEmpty()) return QJsonValue::Null;
    if (auto v = parseValue(bytes)) return *v;
    return QString::fromUtf8(bytes);
}

void putBytes(QJsonObject &o, const QString &field, const QByteArray &bytes) {
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder(bytes);
    if (!decoder.hasError())
        o.insert(field, text);
    else
        o.insert(field + QStringLiteral("Base64"), QString::fromLatin1(bytes.toBase64()));
}

QJsonArray ids(const std::vector<Hash32> &hashes) {
    QJsonArray a;
    for (const auto &h : hashes) a.append(h.toBase58());
    return a;
}

QJsonObject app(const AppRecord &a) {
    return {{QStringLiteral("applicationId"), a.id.toBase58()},
            {QStringLiteral("name"), a.name},
            {QStringLiteral("size"), qint64(a.size)},
            {QStringLiteral("methods"), QJsonArray::fromStringList(a.methods)},
            {QStringLiteral("hasInit"), a.hasInit},
            {QStringLiteral("installedAt"), qint64(a.installedAtMs)}};
}

QJsonObject context(const ContextInfo &c) {
    return {{QStringLiteral("contextId"), c.id.toBase58()},
            {QStringLiteral("applicationId"), c.appId.toBase58()},
            {QStringLiteral("name"), c.name},
            {QStringLiteral("heads"), ids(c.heads)},
            {QStringLiteral("rootHash"), c.rootHash.toBase58()},
            {QStringLiteral("appliedCount"), qint64(c.appliedCount)},
            {QStringLiteral("pendingCount"), qint64(c.pendingCount)},
            {QStringLiteral("createdAt"), qint64(c.createdAtMs)},
            {QStringLiteral("isOwner"), c.isOwner},
            {QStringLiteral("members"), qint64(c.memberCount)},
            {QStringLiteral("epoch"), qint64(c.epoch)},
            {QStringLiteral("role"), c.isAdmin ? QStringLiteral("admin") : c.isMember ? QStringLiteral("member") : QStringLiteral("none")}};
}

QJsonArray events(const std::vector<Event> &events) {
    QJsonArray out;
    for (const auto &e : events) {
        QJsonObject o{{QStringLiteral("kind"), QString::fromUtf8(e.kind)},
                      {QStringLiteral("data"), valueOrText(e.data)}};
        if (!e.handler.isEmpty()) o.insert(QStringLiteral("handler"), QString::fromUtf8(e.handler));
        out.append(o);
    }
    return out;
}

QJsonArray pushedEvents(const std::vector<Event> &events) {
    QJsonArray out;
    for (const auto &e : events)
        out.append(QJsonObject{{QStringLiteral("kind"), QString::fromUtf8(e.kind)},
                               {QStringLiteral("data"), e.data.isEmpty() ? QJsonValue(QString()) : valueOrText(e.data)}});
    return out;
}

QJsonObject peer(const PeerInfo &p) {
    if (p.blocked)
        return {{QStringLiteral("peerId"), p.peerId.toBase58()},
                {QStringLiteral("address"), QString()},
                {QStringLiteral("direction"), QString()},
                {QStringLiteral("rttMs"), -1},
                {QStringLiteral("protocols"), QJsonArray()},
                {QStringLiteral("topics"), QJsonArray()},
                {QStringLiteral("mesh"), QJsonArray()},
                {QStringLiteral("bytesIn"), 0},
                {QStringLiteral("bytesOut"), 0},
                {QStringLiteral("blocked"), true}};
    return {{QStringLiteral("peerId"), p.peerId.toBase58()},
            {QStringLiteral("address"), p.address},
            {QStringLiteral("addresses"), QJsonArray::fromStringList(p.addresses)},
            {QStringLiteral("direction"), p.direction},
            {QStringLiteral("connections"), p.connections},
            {QStringLiteral("rttMs"), p.rttMicros < 0 ? QJsonValue(-1) : QJsonValue(double(p.rttMicros) / 1000.0)},
            {QStringLiteral("agentVersion"), p.agentVersion},
            {QStringLiteral("protocols"), QJsonArray::fromStringList(p.protocols)},
            {QStringLiteral("topics"), QJsonArray::fromStringList(p.topics)},
            {QStringLiteral("mesh"), QJsonArray::fromStringList(p.meshTopics)},
            {QStringLiteral("bytesIn"), qint64(p.bytesIn)},
            {QStringLiteral("bytesOut"), qint64(p.bytesOut)},
            {QStringLiteral("score"), p.gossipScore},
            {QStringLiteral("graylisted"), p.graylisted},
            {QStringLiteral("scoreReason"), p.scoreReason},
            {QStringLiteral("lastDrop"), p.lastDrop},
            {QStringLiteral("blocked"), false}};
}

QJsonObject executeResult(const ExecuteResult &r) {
    return {{QStringLiteral("output"), valueOrText(r.output)},
            {QStringLiteral("logs"), QJsonArray::fromStringList(r.logs)},
            {QStringLiteral("events"), events(r.events)},
            {QStringLiteral("deltaId"), r.deltaId ? QJsonValue(r.deltaId->toBase58()) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("rootHash"), r.rootHash.toBase58()}};
}

QJsonObject stateItem(const StateItem &item) {
    QJsonObject o;
    putBytes(o, QStringLiteral("key"), item.key);
    if (item.isCounter)
        o.insert(QStringLiteral("counter"), qint64(item.counter));
    else
        putBytes(o, QStringLiteral("value"), item.value);
    return o;
}

}  // namespace dn::apijson
