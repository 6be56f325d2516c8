#include "api/MemberRoutes.h"
#include "api/AdminRoutes.h"
#include "api/ApiErrors.h"
#include "api/ApiJson.h"
#include "api/NodeServices.h"
#include "api/Offload.h"
#include "context/Engine.h"
#include "crypto/PeerId.h"
#include "state/Hlc.h"
#include <QDateTime>
#include <QJsonArray>
#include <set>

namespace dn {
namespace {
using M = Router::Method;
}  // namespace

void MemberRoutes::install(Router &r) {
    r.add(M::Get, QStringLiteral("/admin-api/contexts/{id}/members"), [this](auto &req, auto &reply) { list(req, reply); });
    r.add(M::Delete, QStringLiteral("/admin-api/contexts/{id}/members/{peer}"), [this](auto &req, auto &reply) { remove(req, reply); });
    r.add(M::Put, QStringLiteral("/admin-api/contexts/{id}/members/{peer}/role"), [this](auto &req, auto &reply) { setRole(req, reply); });
    r.add(M::Get, QStringLiteral("/admin-api/contexts/{id}/invites"), [this](auto &req, auto &reply) { invites(req, reply); });
    r.add(M::Delete, QStringLiteral("/admin-api/contexts/{id}/invites/{invite}"), [this](auto &req, auto &reply) { revoke(req, reply); });
}

std::optional<Hash32> MemberRoutes::contextParam(const HttpRequest &req, const HttpReplyPtr &reply) const {
    return knownContextParam(node_, req, reply);
}

std::optional<Hash32> MemberRoutes::memberParam(const HttpRequest &req, const HttpReplyPtr &reply) const {
    const auto peer = PeerId::fromBase58(req.params.value(1));
    if (!peer) {
        reply->error(ErrorCode::InvalidId, QStringLiteral("\"%1\" is not a valid peer id").arg(req.params.value(1)));
        return std::nullopt;
    }
    return peer->publicKey();
}

std::function<void(Result<Hash32>)> MemberRoutes::answerDelta(const HttpReplyPtr &reply) {
    auto inbox = offload_.inbox();
    return [inbox, reply](Result<Hash32> r) mutable {
        auto result = std::make_shared<Result<Hash32>>(std::move(r));
        inbox->post([reply = std::move(reply), result] {
            if (!*result) return reply->error(result->error());
            reply->json(200, {{QStringLiteral("deltaId"), result->value().toBase58()}});
        });
    };
}

void MemberRoutes::list(const HttpRequest &req, const HttpReplyPtr &reply) {
    const auto id = contextParam(req, reply);
    if (!id) return;
    const auto m = node_.engine().membership(*id);
    if (!m) return reply->error(errors::contextNotFound(*id));
    std::set<PeerId> online;
    for (const PeerInfo &p : node_.peers()) online.insert(p.peerId);
    const Hash32 self = node_.engine().identity().publicKey();
    QJsonArray members;
    for (const auto &[key, member] : m->members) {
        const PeerId peer = PeerId::fromPublicKey(key);
        QJsonObject o{{QStringLiteral("peerId"), peer.toBase58()},
                      {QStringLiteral("role"), roleName(member.role)},
                      {QStringLiteral("self"), key == self},
                      {QStringLiteral("online"), key == self || online.count(peer) != 0}};
        if (!member.addedBy.isZero()) {
            o.insert(QStringLiteral("addedBy"), PeerId::fromPublicKey(member.addedBy).toBase58());
            o.insert(QStringLiteral("addedIn"), member.addedIn.toBase58());
            o.insert(QStringLiteral("addedAt"), qint64(unixMsFromNtp64(member.addedAtHlc)));
        } else {
            o.insert(QStringLiteral("addedBy"), QJsonValue::Null);  // a member from before governance
        }
        members.append(o);
    }
    reply->json(200, {{QStringLiteral("members"), members},
                      {QStringLiteral("epoch"), qint64(m->epoch)},
                      {QStringLiteral("selfRole"), m->isMember(self) ? roleName(m->find(self)->role) : QStringLiteral("none")}});
}

void MemberRoutes::remove(const HttpRequest &req, const HttpReplyPtr &reply) {
    const auto id = contextParam(req, reply);
    if (!id) return;
    const auto member = memberParam(req, reply);
    if (!member) return;
    node_.engine().removeMember(*id, *member, answerDelta(reply));
}

void MemberRoutes::setRole(const HttpRequest &req, const HttpReplyPtr &reply) {
    const auto id = contextParam(req, reply);
    if (!id) return;
    const auto member = memberParam(req, reply);
    if (!member) return;
    QString why;
    const auto body = apijson::parseObjectBody(req.body, &why);
    if (!body) return reply->error(ErrorCode::BadJson, why);
    const auto role = roleFromName(body->value(QStringLiteral("role")).toString());
    if (!role) return reply->error(ErrorCode::InvalidArgument, QStringLiteral("role must be \"admin\" or \"member\""));
    node_.engine().setRole(*id, *member, *role, answerDelta(reply));
}

void MemberRoutes::invites(const HttpRequest &req, const HttpReplyPtr &reply) {
    const auto id = contextParam(req, reply);
    if (!id) return;
    Engine *engine = &node_.engine();
    offload_.run([engine, id = *id] { return engine->invites(id); },
                 [reply](Result<std::vector<IssuedInvite>> r) {
                     if (!r) return reply->error(r.error());
                     const qint64 now = QDateTime::currentSecsSinceEpoch();
                     QJsonArray out;
                     for (const IssuedInvite &i : *r) {
                         const QString state = i.revoked ? QStringLiteral("revoked")
                                               : qint64(i.expiresAt) <= now ? QStringLiteral("expired")
                                               : i.used >= i.uses ? QStringLiteral("used_up")
                                                                  : QStringLiteral("valid");
                         out.append(QJsonObject{{QStringLiteral("inviteId"), QString::fromLatin1(i.inviteId.toHex())},
                                                {QStringLiteral("expiresAt"), qint64(i.expiresAt)},
                                                {QStringLiteral("uses"), qint64(i.uses)},
                                                {QStringLiteral("used"), qint64(i.used)},
                                                {QStringLiteral("state"), state},
                                                {QStringLiteral("issuedAt"), qint64(i.issuedAtMs)}});
                     }
                     reply->json(200, {{QStringLiteral("invites"), out}});
                 });
}

void MemberRoutes::revoke(const HttpRequest &req, const HttpReplyPtr &reply) {
    const auto id = contextParam(req, reply);
    if (!id) return;
    const QString text = req.params.value(1);
    const QByteArray inviteId = QByteArray::fromHex(text.toLatin1());
    if (text.size() != 32 || inviteId.size() != 16)
        return reply->error(ErrorCode::InvalidId, QStringLiteral("\"%1\" is not an invitation id (32 hex digits)").arg(text));
    node_.engine().revokeInvite(*id, inviteId, answerDelta(reply));
}

}  // namespace dn
