// context members|remove-member|set-role|invites|revoke-invite: who belongs
// to a context and the invitations this node issued (ARCHITECTURE §15).
#include "Commands.h"
#include "Output.h"
#include "Session.h"
#include "Validate.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace dn::ctl {
namespace {

QString contextPath(const QString &ctx, const QString &rest) { return QStringLiteral("/admin-api/contexts/") + ctx + rest; }

std::optional<QString> checkPeer(const QString &text) {
    static const QRegularExpression re(QStringLiteral("^12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$"));
    if (re.match(text).hasMatch()) return std::nullopt;
    return QStringLiteral("'%1' is not a peer id (12D3KooW…)").arg(text);
}

std::optional<QString> checkInviteId(const QString &text) {
    static const QRegularExpression re(QStringLiteral("^[0-9a-f]{32}$"));
    if (re.match(text).hasMatch()) return std::nullopt;
    return QStringLiteral("'%1' is not an invitation id (32 hex digits, as `context invites` lists them)").arg(text);
}

QString when(const QJsonValue &ms) {
    if (!ms.isDouble()) return QStringLiteral("-");
    return QDateTime::fromMSecsSinceEpoch(qint64(ms.toDouble())).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

int deltaAnswer(Session &s, const HttpReply &r, const QString &done) {
    int rc = kOk;
    const auto o = s.object(r, &rc);
    if (!o) return rc;
    if (s.printRawJson(r)) return kOk;
    printOut(done + QStringLiteral(" (delta %1)").arg(o->value(QLatin1String("deltaId")).toString()));
    return kOk;
}

}  // namespace

int cmdContextMembers(Session &s, const QStringList &args) {
    if (auto bad = checkId(QStringLiteral("context id"), args[0])) return s.usage(*bad);
    const HttpReply r = s.http().get(contextPath(args[0], QStringLiteral("/members")));
    int rc = kOk;
    const auto o = s.object(r, &rc);
    if (!o) return rc;
    if (s.printRawJson(r)) return kOk;
    const QJsonArray members = o->value(QLatin1String("members")).toArray();
    printOut(QStringLiteral("%1 members, key epoch %2, this node: %3")
                 .arg(members.size())
                 .arg(jsonText(o->value(QLatin1String("epoch"))), o->value(QLatin1String("selfRole")).toString()));
    printOut(QStringLiteral("%1 %2 %3 %4 %5").arg(QStringLiteral("PEER ID").leftJustified(52), QStringLiteral("ROLE").leftJustified(7),
                                                 QStringLiteral("ONLINE").leftJustified(7), QStringLiteral("ADDED").leftJustified(19),
                                                 QStringLiteral("ADDED BY")));
    for (const QJsonValue &v : members) {
        const QJsonObject m = v.toObject();
        QString peer = m.value(QLatin1String("peerId")).toString();
        if (m.value(QLatin1String("self")).toBool()) peer += QStringLiteral(" *");
        const QJsonValue by = m.value(QLatin1String("addedBy"));
        printOut(QStringLiteral("%1 %2 %3 %4 %5")
                     .arg(peer.leftJustified(52), m.value(QLatin1String("role")).toString().leftJustified(7),
                          (m.value(QLatin1String("online")).toBool() ? QStringLiteral("yes") : QStringLiteral("no")).leftJustified(7),
                          when(m.value(QLatin1String("addedAt"))).leftJustified(19),
                          by.isString() ? by.toString() : QStringLiteral("(before membership)")));
    }
    return kOk;
}

int cmdContextRemoveMember(Session &s, const QStringList &args) {
    if (auto bad = checkId(QStringLiteral("context id"), args[0])) return s.usage(*bad);
    if (auto bad = checkPeer(args[1])) return s.usage(*bad);
    return deltaAnswer(s, s.http().del(contextPath(args[0], QStringLiteral("/members/") + args[1])),
                       QStringLiteral("removed %1; the context key was rotated").arg(args[1]));
}

int cmdContextSetRole(Session &s, const QStringList &args) {
    if (auto bad = checkId(QStringLiteral("context id"), args[0])) return s.usage(*bad);
    if (auto bad = checkPeer(args[1])) return s.usage(*bad);
    if (args[2] != QLatin1String("admin") && args[2] != QLatin1String("member"))
        return s.usage(QStringLiteral("the role is admin or member"));
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("role"), args[2]}}).toJson(QJsonDocument::Compact);
    return deltaAnswer(s, s.http().send("PUT", contextPath(args[0], QStringLiteral("/members/") + args[1] + QStringLiteral("/role")), body,
                                        "application/json"),
                       QStringLiteral("%1 is now %2").arg(args[1], args[2]));
}

int cmdContextInvites(Session &s, const QStringList &args) {
    if (auto bad = checkId(QStringLiteral("context id"), args[0])) return s.usage(*bad);
    const HttpReply r = s.http().get(contextPath(args[0], QStringLiteral("/invites")));
    int rc = kOk;
    const auto o = s.object(r, &rc);
    if (!o) return rc;
    if (s.printRawJson(r)) return kOk;
    const QJsonArray invites = o->value(QLatin1String("invites")).toArray();
    if (invites.isEmpty()) {
        printOut(QStringLiteral("no invitations issued by this node"));
        return kOk;
    }
    printOut(QStringLiteral("%1 %2 %3 %4").arg(QStringLiteral("INVITE ID").leftJustified(32), QStringLiteral("STATE").leftJustified(8),
                                              QStringLiteral("USED").leftJustified(9), QStringLiteral("EXPIRES")));
    for (const QJsonValue &v : invites) {
        const QJsonObject i = v.toObject();
        printOut(QStringLiteral("%1 %2 %3 %4")
                     .arg(i.value(QLatin1String("inviteId")).toString().leftJustified(32),
                          i.value(QLatin1String("state")).toString().leftJustified(8),
                          QStringLiteral("%1/%2").arg(jsonText(i.value(QLatin1String("used"))), jsonText(i.value(QLatin1String("uses")))).leftJustified(9),
                          QDateTime::fromSecsSinceEpoch(qint64(i.value(QLatin1String("expiresAt")).toDouble())).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))));
    }
    return kOk;
}

int cmdContextRevokeInvite(Session &s, const QStringList &args) {
    if (auto bad = checkId(QStringLiteral("context id"), args[0])) return s.usage(*bad);
    if (auto bad = checkInviteId(args[1])) return s.usage(*bad);
    return deltaAnswer(s, s.http().del(contextPath(args[0], QStringLiteral("/invites/") + args[1])),
                       QStringLiteral("revoked invitation %1").arg(args[1]));
}

}  // namespace dn::ctl
