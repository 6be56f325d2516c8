#include "api/AdminRoutes.h"
#include "api/ApiErrors.h"
#include "api/ApiJson.h"
#include "api/ApiLimits.h"
#include "api/NodeServices.h"
#include "api/Offload.h"
#include "blob/BlobStore.h"
#include "context/Engine.h"
#include <cmath>

namespace dn {
namespace {
using M = Router::Method;

void replyError(const HttpReplyPtr &reply, const Error &e) { reply->error(e); }

bool isWasm(const QByteArray &b) { return b.startsWith(QByteArray("\0asm", 4)); }
}  // namespace

void AdminRoutes::install(Router &r) {
    auto health = [](const HttpRequest &, const HttpReplyPtr &reply) {
        reply->json(200, {{QStringLiteral("status"), QStringLiteral("ok")}});
    };
    r.add(M::Get, QStringLiteral("/health"), health);
    r.add(M::Get, QStringLiteral("/admin-api/health"), health);
    r.add(M::Get, QStringLiteral("/admin-api/status"), [this](auto &, auto &reply) { status(reply); });
    r.add(M::Get, QStringLiteral("/admin-api/applications"), [this](auto &, auto &reply) { listApps(reply); });
    r.add(M::Post, QStringLiteral("/admin-api/applications"), [this](auto &req, auto &reply) { installApp(req, reply); });
    r.add(M::Get, QStringLiteral("/admin-api/contexts"), [this](auto &, auto &reply) { listContexts(reply); });
    r.add(M::Post, QStringLiteral("/admin-api/contexts"), [this](auto &req, auto &reply) { createContext(req, reply); });
    r.add(M::Post, QStringLiteral("/admin-api/contexts/join"), [this](auto &req, auto &reply) { join(req, reply); });
    r.add(M::Get, QStringLiteral("/admin-api/contexts/{id}"), [this](auto &req, auto &reply) { getContext(req, reply); });
    r.add(M::Delete, QStringLiteral("/admin-api/contexts/{id}"), [this](auto &req, auto &reply) { deleteContext(req, reply); });
    r.add(M::Post, QStringLiteral("/admin-api/contexts/{id}/invite"), [this](auto &req, auto &reply) { invite(req, reply); });
    r.add(M::Get, QStringLiteral("/admin-api/contexts/{id}/dag"), [this](auto &req, auto &reply) { dag(req, reply); });
    r.add(M::Get, QStringLiteral("/admin-api/contexts/{id}/state"), [this](auto &req, auto &reply) { state(req, reply); });
    r.add(M::Get, QStringLiteral("/admin-api/peers"), [this](auto &, auto &reply) {
        QJsonArray peers;
        for (const PeerInfo &p : node_.peers()) peers.append(apijson::peer(p));
        reply->json(200, {{QStringLiteral("peers"), peers}});
    });
    r.add(M::Post, QStringLiteral("/admin-api/contexts/{id}/prune"), [this](auto &req, auto &reply) { prune(req, reply); });
    r.add(M::Post, QStringLiteral("/admin-api/peers/{id}/disconnect"),
          [this](auto &req, auto &reply) { peerAction(req, reply, PeerAction::Disconnect); });
    r.add(M::Post, QStringLiteral("/admin-api/peers/{id}/block"),
          [this](auto &req, auto &reply) { peerAction(req, reply, PeerAction::Block); });
    r.add(M::Delete, QStringLiteral("/admin-api/peers/{id}/block"),
          [this](auto &req, auto &reply) { peerAction(req, reply, PeerAction::Unblock); });
}

void AdminRoutes::status(const HttpReplyPtr &reply) {
    const NodeStatus s = node_.status();
    Engine &engine = node_.engine();
    const auto contexts = engine.contexts();
    qint64 pending = 0;
    for (const auto &c : contexts) pending += qint64(c.pendingCount);
    reply->json(200, {{QStringLiteral("peerId"), s.peerId.toBase58()},
                      {QStringLiteral("addresses"), QJsonArray::fromStringList(s.addresses)},
                      {QStringLiteral("apiUrl"), s.apiUrl},
                      {QStringLiteral("version"), s.version},
                      {QStringLiteral("uptimeSeconds"), s.uptimeSeconds},
                      {QStringLiteral("contexts"), qint64(contexts.size())},
                      {QStringLiteral("applications"), qint64(engine.apps().size())},
                      {QStringLiteral("peers"), s.peers},
                      {QStringLiteral("deltasApplied"), qint64(engine.metrics().deltasApplied.load())},
                      {QStringLiteral("pendingDeltas"), pending}});
}

void AdminRoutes::listApps(const HttpReplyPtr &reply) {
    QJsonArray out;
    for (const auto &a : node_.engine().apps()) out.append(apijson::app(a));
    reply->json(200, {{QStringLiteral("applications"), out}});
}

void AdminRoutes::installApp(const HttpRequest &req, const HttpReplyPtr &reply) {
    QString name = req.queryValue(QStringLiteral("name"));
    std::optional<Hash32> blobId;
    if (!isWasm(req.body)) {
        // Not a module: the other accepted form is {blobId, name} naming an uploaded blob.
        if (!req.body.trimmed().startsWith('{'))
            return reply->error(ErrorCode::InvalidWasm,
                                QStringLiteral("the body is neither a WebAssembly module (it must start with \\0asm) "
                                               "nor a JSON object {blobId, name}"));
        QString why;
        const auto body = apijson::parseObjectBody(req.body, &why);
        if (!body) return reply->error(ErrorCode::BadJson, why);
        blobId = apijson::parseId(body->value(QStringLiteral("blobId")).toString());
        if (!blobId) return reply->error(ErrorCode::InvalidId, QStringLiteral("blobId is missing or not a valid id"));
        if (body->contains(QStringLiteral("name"))) name = body->value(QStringLiteral("name")).toString();
    }
    if (name.isEmpty()) name = QStringLiteral("unnamed");
    if (name.size() > 256) return reply->error(ErrorCode::InvalidName, QStringLiteral("the name is longer than 256 characters"));
    Engine *engine = &node_.engine();
    BlobStore *blobs = &node_.blobs();
    offload_.run(
        [engine, blobs, blobId, name, wasm = req.body]() -> Result<AppRecord> {
            QByteArray bytes = wasm;
            if (blobId) {
                auto b = blobs->get(*blobId);
                if (!b) return errors::blobNotFound(*blobId);
                if (!isWasm(*b)) return Error{ErrorCode::InvalidWasm, QStringLiteral("blob %1 is not a WebAssembly module").arg(blobId->toBase58())};
                bytes = *b;
            }
            return engine->installApp(bytes, name);
        },
        [reply](Result<AppRecord> r) {
            if (!r) return replyError(reply, r.error());
            reply->json(201, {{QStringLiteral("application"), apijson::app(*r)}});
        });
}

void AdminRoutes::listContexts(const HttpReplyPtr &reply) {
    QJsonArray out;
    for (const auto &c : node_.engine().contexts()) out.append(apijson::context(c));
    reply->json(200, {{QStringLiteral("contexts"), out}});
}

void AdminRoutes::createContext(const HttpRequest &req, const HttpReplyPtr &reply) {
    QString why;
    const auto body = apijson::parseObjectBody(req.body, &why);
    if (!body) return reply->error(ErrorCode::BadJson, why);
    const auto appId = apijson::parseId(body->value(QStringLiteral("applicationId")).toString());
    if (!appId) return reply->error(ErrorCode::InvalidId, QStringLiteral("applicationId is missing or not a valid id"));
    if (!node_.engine().app(*appId))
        return reply->error(errors::appNotFound(*appId));
    const auto args = apijson::argsBytes(body->value(QStringLiteral("initArgs")), QStringLiteral("initArgs"), &why);
    if (!args) return reply->error(ErrorCode::InvalidArgs, why);
    const QString name = body->value(QStringLiteral("name")).toString();
    auto inbox = offload_.inbox();
    node_.engine().createContext(*appId, name, *args, [inbox, reply](Result<ContextInfo> r) mutable {
        auto result = std::make_shared<Result<ContextInfo>>(std::move(r));
        inbox->post([reply = std::move(reply), result] {
            if (!*result) return replyError(reply, result->error());
            reply->json(201, {{QStringLiteral("context"), apijson::context(result->value())}});
        });
    });
}

std::optional<Hash32> AdminRoutes::contextParam(const HttpRequest &req, const HttpReplyPtr &reply) const {
    return knownContextParam(node_, req, reply);
}

std::optional<Hash32> knownContextParam(NodeServices &node, const HttpRequest &req, const HttpReplyPtr &reply) {
    const auto id = apijson::parseId(req.params.value(0));
    if (!id) {
        reply->error(ErrorCode::InvalidId, QStringLiteral("\"%1\" is not a valid context id (base58 of 32 bytes)").arg(req.params.value(0)));
        return std::nullopt;
    }
    if (!node.engine().context(*id)) {
        reply->error(errors::contextNotFound(*id));
        return std::nullopt;
    }
    return id;
}

void AdminRoutes::getContext(const HttpRequest &req, const HttpReplyPtr &reply) {
    const auto id = contextParam(req, reply);
    if (!id) return;
    if (auto info = node_.engine().context(*id)) reply->json(200, {{QStringLiteral("context"), apijson::context(*info)}});
    else reply->error(errors::contextNotFound(*id));
}

void AdminRoutes::deleteContext(const HttpRequest &req, const HttpReplyPtr &reply) {
    const auto id = contextParam(req, reply);
    if (!id) return;
    Engine *engine = &node_.engine();
    offload_.run([engine, id = *id] { return engine->deleteContext(id); },
                 [reply](Result<void> r) {
                     if (!r) return replyError(reply, r.error());
                     reply->json(200, {{QStringLiteral("deleted"), true}});
                 });
}

void AdminRoutes::invite(const HttpRequest &req, const HttpReplyPtr &reply) {
    const auto id = contextParam(req, reply);
    if (!id) return;
    QString why;
    const auto body = apijson::parseObjectBody(req.body, &why);
    if (!body) return reply->error(ErrorCode::BadJson, why);
    const QJsonValue exp = body->value(QStringLiteral("expiresInSeconds"));
    qint64 expires = 24 * 3600;  // a day unless asked otherwise
    if (!exp.isUndefined()) {
        if (!exp.isDouble() || exp.toDouble() <= 0 || exp.toDouble() > 365.0 * 24 * 3600)
            return reply->error(ErrorCode::InvalidArgument, QStringLiteral("expiresInSeconds must be a number of seconds between 1 and one year"));
        expires = qint64(exp.toDouble());
    }
    const QJsonValue usesValue = body->value(QStringLiteral("uses"));
    uint32_t uses = 1;  // one join unless asked otherwise
    if (!usesValue.isUndefined()) {
        if (!usesValue.isDouble() || usesValue.toDouble() < 1 || usesValue.toDouble() > kMaxInvitationUses ||
            usesValue.toDouble() != std::floor(usesValue.toDouble()))
            return reply->error(ErrorCode::InvalidArgument, QStringLiteral("uses must be a whole number from 1 to %1").arg(kMaxInvitationUses));
        uses = uint32_t(usesValue.toDouble());
    }
    auto r = node_.invite(*id, expires, uses);
    if (!r) return replyError(reply, r.error());
    reply->json(200, {{QStringLiteral("invitation"), r->text},
                      {QStringLiteral("inviteId"), QString::fromLatin1(r->inviteId.toHex())},
                      {QStringLiteral("uses"), qint64(r->uses)},
                      {QStringLiteral("expiresAt"), qint64(r->expiresAt)}});
}

void AdminRoutes::join(const HttpRequest &req, const HttpReplyPtr &reply) {
    QString why;
    const auto body = apijson::parseObjectBody(req.body, &why);
    if (!body) return reply->error(ErrorCode::BadJson, why);
    const QString invitation = body->value(QStringLiteral("invitation")).toString();
    if (invitation.isEmpty()) return reply->error(ErrorCode::InvalidArgument, QStringLiteral("invitation is missing"));
    if (invitation.size() > 64 * 1024) return reply->error(ErrorCode::InvalidArgument, QStringLiteral("the invitation is too long"));
    // The node may answer later (it dials the inviter); hop through the inbox either way.
    auto inbox = offload_.inbox();
    node_.join(invitation, [inbox, reply](Result<ContextInfo> r) mutable {
        auto result = std::make_shared<Result<ContextInfo>>(std::move(r));
        inbox->post([reply = std::move(reply), result] {
            if (!*result) return replyError(reply, result->error());
            reply->json(200, {{QStringLiteral("context"), apijson::context(result->value())}});
        });
    });
}

void AdminRoutes::dag(const HttpRequest &req, const HttpReplyPtr &reply) {
    const auto id = contextParam(req, reply);
    if (!id) return;
    Engine *engine = &node_.engine();
    offload_.run([engine, id = *id] { return engine->missingParents(id); },
                 [engine, id = *id, reply](Result<std::vector<Hash32>> missing) {
                     const auto info = engine->context(id);
                     if (!info) return reply->error(errors::contextNotFound(id));
                     if (!missing) return replyError(reply, missing.error());
                     reply->json(200, {{QStringLiteral("contextId"), id.toBase58()},
                                       {QStringLiteral("heads"), apijson::ids(info->heads)},
                                       {QStringLiteral("rootHash"), info->rootHash.toBase58()},
                                       {QStringLiteral("appliedCount"), qint64(info->appliedCount)},
                                       {QStringLiteral("pendingCount"), qint64(info->pendingCount)},
                                       {QStringLiteral("missingParents"), apijson::ids(*missing)}});
                 });
}

void AdminRoutes::state(const HttpRequest &req, const HttpReplyPtr &reply) {
    const auto id = contextParam(req, reply);
    if (!id) return;
    QByteArray prefix = req.queryValue(QStringLiteral("prefix")).toUtf8();
    if (req.hasQuery(QStringLiteral("prefixBase64"))) {
        auto decoded = QByteArray::fromBase64Encoding(req.queryValue(QStringLiteral("prefixBase64")).toLatin1());
        if (!decoded) return reply->error(ErrorCode::InvalidArgument, QStringLiteral("prefixBase64 is not base64"));
        prefix = *decoded;
    }
    int limit = api::kDefaultStateLimit;
    if (req.hasQuery(QStringLiteral("limit"))) {
        bool ok = false;
        limit = req.queryValue(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1 || limit > api::kMaxStateLimit)
            return reply->error(ErrorCode::InvalidArgument, QStringLiteral("limit must be a number from 1 to %1").arg(api::kMaxStateLimit));
    }
    Engine *engine = &node_.engine();
    offload_.run([engine, id = *id, prefix, limit] { return engine->stateItems(id, prefix, size_t(limit)); },
                 [reply](Result<std::vector<StateItem>> items) {
                     if (!items) return replyError(reply, items.error());
                     QJsonArray out;
                     for (const auto &it : *items) out.append(apijson::stateItem(it));
                     reply->json(200, {{QStringLiteral("entries"), out}});
                 });
}

void AdminRoutes::prune(const HttpRequest &req, const HttpReplyPtr &reply) {
    const auto id = contextParam(req, reply);
    if (!id) return;
    QString why;
    const auto body = apijson::parseObjectBody(req.body, &why);
    if (!body) return reply->error(ErrorCode::BadJson, why);
    const QJsonValue retain = body->value(QStringLiteral("retain"));
    if (!retain.isDouble() || retain.toDouble() < 0 || retain.toDouble() > 1e9)
        return reply->error(ErrorCode::InvalidArgument, QStringLiteral("retain must be a number of deltas to keep (0 or more)"));
    // Deltas younger than this stay whatever `retain` says: peers may still
    // be fetching them as parents. Default: the DAG's pending max age.
    const QJsonValue minAge = body->value(QStringLiteral("minAgeSeconds"));
    qint64 minAgeMs = 300 * 1000;
    if (!minAge.isUndefined()) {
        if (!minAge.isDouble() || minAge.toDouble() < 0 || minAge.toDouble() > 365.0 * 24 * 3600)
            return reply->error(ErrorCode::InvalidArgument, QStringLiteral("minAgeSeconds must be a number of seconds"));
        minAgeMs = qint64(minAge.toDouble() * 1000);
    }
    Engine *engine = &node_.engine();
    offload_.run([engine, id = *id, keep = size_t(retain.toDouble()), minAgeMs] { return engine->prune(id, keep, minAgeMs); },
                 [reply](Result<size_t> r) {
                     if (!r) return replyError(reply, r.error());
                     reply->json(200, {{QStringLiteral("pruned"), qint64(*r)}});
                 });
}

void AdminRoutes::peerAction(const HttpRequest &req, const HttpReplyPtr &reply, PeerAction action) {
    const QString peer = req.params.value(0);
    const auto id = parsePeerId(peer);
    if (!id) return replyError(reply, id.error());
    Result<void> r = action == PeerAction::Disconnect ? node_.disconnectPeer(*id)
                                                      : node_.setPeerBlocked(*id, action == PeerAction::Block);
    if (!r) return replyError(reply, r.error());
    const char *what = action == PeerAction::Disconnect ? "disconnected" : action == PeerAction::Block ? "blocked" : "unblocked";
    reply->json(200, {{QStringLiteral("peerId"), peer}, {QString::fromLatin1(what), true}});
}

}  // namespace dn
