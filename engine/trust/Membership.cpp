#include "trust/Membership.h"

namespace dn {

QString roleName(Role role) {
    switch (role) {
    case Role::Admin: return QStringLiteral("admin");
    case Role::Member: return QStringLiteral("member");
    case Role::None: break;
    }
    return QStringLiteral("none");
}

std::optional<Role> roleFromName(const QString &name) {
    if (name == QLatin1String("admin")) return Role::Admin;
    if (name == QLatin1String("member")) return Role::Member;
    return std::nullopt;
}

const char *governanceKindName(Governance::Kind kind) {
    switch (kind) {
    case Governance::Kind::MemberAdd: return "member.add";
    case Governance::Kind::MemberRemove: return "member.remove";
    case Governance::Kind::RoleSet: return "role.set";
    case Governance::Kind::InviteRevoke: return "invite.revoke";
    case Governance::Kind::None: break;
    }
    return "none";
}

}  // namespace dn
