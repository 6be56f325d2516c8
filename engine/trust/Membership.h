#pragma once
// Who belongs to a context at one point of its history (ARCHITECTURE §15):
// the result of folding the governance deltas among that point's causal
// ancestors (GovernanceGraph). A plain value, safe to share across threads.
#include "codec/Delta.h"
#include "crypto/Hash32.h"
#include <QByteArray>
#include <QString>
#include <map>
#include <optional>
#include <set>

namespace dn {

struct Member {
    Hash32 key;           // Ed25519 public key (its peer id derives from it)
    Role role = Role::Member;
    Hash32 addedBy;       // zero: a member from before governance (migrated)
    Hash32 addedIn;       // the member.add delta; zero when migrated
    uint64_t addedAtHlc = 0;
};

struct Membership {
    std::map<Hash32, Member> members;
    uint32_t epoch = 0;      // the newest key epoch here
    Hash32 epochSource;      // the removal that started it (zero: epoch 0)
    std::set<QByteArray> revokedInvites;

    const Member *find(const Hash32 &key) const {
        auto it = members.find(key);
        return it == members.end() ? nullptr : &it->second;
    }
    bool isMember(const Hash32 &key) const { return find(key) != nullptr; }
    bool isAdmin(const Hash32 &key) const {
        const Member *m = find(key);
        return m && m->role == Role::Admin;
    }
    size_t adminCount() const {
        size_t n = 0;
        for (const auto &[k, m] : members) n += m.role == Role::Admin;
        return n;
    }
};

// "admin", "member"; roleFromName refuses anything else.
QString roleName(Role role);
std::optional<Role> roleFromName(const QString &name);
// "member.add", ...
const char *governanceKindName(Governance::Kind kind);

}  // namespace dn
