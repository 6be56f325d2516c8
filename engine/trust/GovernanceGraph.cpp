#include "trust/GovernanceGraph.h"
#include "crypto/Ed25519.h"
#include "crypto/SealedBox.h"
#include <algorithm>

namespace dn {

namespace {
constexpr size_t kCacheEntries = 256;

QByteArray frontierKey(std::vector<Hash32> frontier) {
    std::sort(frontier.begin(), frontier.end());
    frontier.erase(std::unique(frontier.begin(), frontier.end()), frontier.end());
    QByteArray key;
    key.reserve(qsizetype(frontier.size() * 32));
    for (const Hash32 &h : frontier) key.append(reinterpret_cast<const char *>(h.data()), 32);
    return key;
}

OpenError refuse(RejectReason r, QString message) { return {r, std::move(message)}; }

bool demotes(const Governance &g) {
    return g.kind == Governance::Kind::MemberRemove || (g.kind == Governance::Kind::RoleSet && g.role != Role::Admin);
}
}  // namespace

QByteArray GovernanceGraph::genesisMessage(const Hash32 &contextId, const Hash32 &creator) {
    QByteArray m("deltanode/genesis/1");
    m.append(reinterpret_cast<const char *>(contextId.data()), 32);
    m.append(reinterpret_cast<const char *>(creator.data()), 32);
    return m;
}

void GovernanceGraph::setSeed(std::set<Hash32> members, std::set<Hash32> admins) {
    seedMembers_ = std::move(members);
    seedAdmins_ = std::move(admins);
    cache_.clear();
}

const GovEntry *GovernanceGraph::get(const Hash32 &id) const {
    auto it = entries_.find(id);
    return it == entries_.end() ? nullptr : &it->second;
}

void GovernanceGraph::add(GovEntry entry) {
    if (has(entry.id)) return;
    auto closure = std::make_shared<IdSet>();
    closure->insert(entry.id);
    for (const Hash32 &p : entry.govParents) {
        auto it = closures_.find(p);
        if (it != closures_.end()) closure->insert(it->second->begin(), it->second->end());
        heads_.erase(p);
    }
    heads_.insert(entry.id);
    closures_[entry.id] = std::move(closure);
    entries_.emplace(entry.id, std::move(entry));
    cache_.clear();  // a cached frontier never changes meaning, but keep the map small and simple
}

bool GovernanceGraph::ancestorOf(const Hash32 &a, const Hash32 &b) const {
    if (a == b) return false;
    auto it = closures_.find(b);
    return it != closures_.end() && it->second->count(a);
}

bool GovernanceGraph::covers(const std::vector<Hash32> &frontier, const Hash32 &id) const {
    for (const Hash32 &f : frontier) {
        auto it = closures_.find(f);
        if (it != closures_.end() && it->second->count(id)) return true;
    }
    return false;
}

std::shared_ptr<const GovernanceGraph::IdSet> GovernanceGraph::closureOf(const std::vector<Hash32> &frontier) const {
    if (frontier.size() == 1) {
        auto it = closures_.find(frontier.front());
        if (it != closures_.end()) return it->second;
    }
    auto out = std::make_shared<IdSet>();
    for (const Hash32 &f : frontier) {
        auto it = closures_.find(f);
        if (it != closures_.end()) out->insert(it->second->begin(), it->second->end());
    }
    return out;
}

std::shared_ptr<const Membership> GovernanceGraph::at(const std::vector<Hash32> &frontier) const {
    const QByteArray key = frontierKey(frontier);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    const auto closure = closureOf(frontier);
    std::set<Hash32> voided;
    Membership m = fold(*closure, voided);
    // Concurrent removals/demotions that together leave no admin: void the
    // one with the highest id until an admin remains (or none is left to void).
    while (m.adminCount() == 0) {
        std::optional<Hash32> last;
        for (const Hash32 &id : *closure) {
            const GovEntry &e = entries_.at(id);
            if (demotes(e.action) && !voided.count(id) && (!last || *last < id)) last = id;
        }
        if (!last) break;
        voided.insert(*last);
        m = fold(*closure, voided);
    }
    auto shared = std::make_shared<const Membership>(std::move(m));
    if (cache_.size() >= kCacheEntries) cache_.clear();
    cache_.emplace(key, shared);
    return shared;
}

Membership GovernanceGraph::fold(const IdSet &closure, const std::set<Hash32> &voided) const {
    Membership m;
    std::map<Hash32, std::vector<const GovEntry *>> adds, removes, roles;
    std::set<Hash32> peers(seedMembers_.begin(), seedMembers_.end());
    for (const Hash32 &id : closure) {
        const GovEntry &e = entries_.at(id);
        const Governance &g = e.action;
        if (g.kind == Governance::Kind::MemberRemove && std::make_pair(g.nextEpoch, e.id) > std::make_pair(m.epoch, m.epochSource)) {
            m.epoch = g.nextEpoch;
            m.epochSource = e.id;
        }
        if (voided.count(id)) continue;
        switch (g.kind) {
        case Governance::Kind::MemberAdd:
            adds[g.peer].push_back(&e);
            roles[g.peer].push_back(&e);
            peers.insert(g.peer);
            break;
        case Governance::Kind::MemberRemove: removes[g.peer].push_back(&e); break;
        case Governance::Kind::RoleSet: roles[g.peer].push_back(&e); break;
        case Governance::Kind::InviteRevoke: m.revokedInvites.insert(g.inviteId); break;
        case Governance::Kind::None: break;
        }
    }
    for (const Hash32 &peer : peers) {
        const auto &rm = removes[peer];
        const GovEntry *standing = nullptr;  // the newest add that every removal precedes
        for (const GovEntry *a : adds[peer]) {
            const bool survives = std::all_of(rm.begin(), rm.end(), [&](const GovEntry *r) { return ancestorOf(r->id, a->id); });
            if (survives && (!standing || ancestorOf(standing->id, a->id) ||
                             (!ancestorOf(a->id, standing->id) && standing->id < a->id)))
                standing = a;
        }
        const bool seeded = seedMembers_.count(peer) && rm.empty();
        if (!standing && !seeded) continue;
        Member mem;
        mem.key = peer;
        if (standing) {
            mem.addedBy = standing->author;
            mem.addedIn = standing->id;
            mem.addedAtHlc = standing->hlc;
        }
        // Role: the lowest among the role-giving actions nothing descends from.
        std::optional<Role> role;
        const auto &ra = roles[peer];
        for (const GovEntry *r : ra) {
            const bool maximal = std::none_of(ra.begin(), ra.end(), [&](const GovEntry *o) { return ancestorOf(r->id, o->id); });
            if (maximal && (!role || r->action.role < *role)) role = r->action.role;
        }
        if (!role) role = seedAdmins_.count(peer) ? Role::Admin : Role::Member;
        mem.role = *role == Role::None ? Role::Member : *role;
        m.members.emplace(peer, mem);
    }
    return m;
}

std::optional<OpenError> GovernanceGraph::check(const Hash32 &id, const DeltaBody &body) const {
    const QString d = id.toBase58();
    if (body.isGenesis()) {
        if (!body.governance) {
            // A genesis from before governance: its author must be a seed member.
            if (seedMembers_.count(body.author)) return std::nullopt;
            return refuse(RejectReason::NotAMember, QStringLiteral("genesis %1 carries no membership and its author is not a member").arg(d));
        }
        const Governance &g = *body.governance;
        if (g.kind != Governance::Kind::MemberAdd || g.peer != body.author || g.role != Role::Admin ||
            !body.govParents.empty() || body.epoch != 0 ||
            !ed25519Verify(ctx_, genesisMessage(ctx_, body.author), g.contextSignature))
            return refuse(RejectReason::InvalidGovernance,
                          QStringLiteral("genesis %1 does not make its author the first admin under the context key's signature").arg(d));
        return std::nullopt;
    }
    for (const Hash32 &p : body.govParents)
        if (!has(p))
            return refuse(RejectReason::InvalidGovernance,
                          QStringLiteral("delta %1 builds on governance delta %2, which is not among its ancestors here").arg(d, p.toBase58()));
    const auto m = at(body.govParents);
    if (body.epoch > m->epoch)
        return refuse(RejectReason::InvalidGovernance,
                      QStringLiteral("delta %1 is sealed in epoch %2, which had not started where it stands").arg(d).arg(body.epoch));
    if (!body.governance) {
        if (!m->isMember(body.author))
            return refuse(RejectReason::NotAMember, QStringLiteral("author %1 of delta %2 is not a member there").arg(body.author.toBase58(), d));
        return std::nullopt;
    }
    const Governance &g = *body.governance;
    if (!m->isAdmin(body.author))
        return refuse(RejectReason::NotAnAdmin,
                      QStringLiteral("author %1 of %2 %3 is not an admin there").arg(body.author.toBase58(), QLatin1String(governanceKindName(g.kind)), d));
    if (!body.actions.empty() || !body.events.empty())
        return refuse(RejectReason::InvalidGovernance, QStringLiteral("governance delta %1 also carries app actions").arg(d));
    const Member *target = m->find(g.peer);
    auto invalid = [&](const QString &why) { return refuse(RejectReason::InvalidGovernance, QStringLiteral("%1 %2: %3").arg(QLatin1String(governanceKindName(g.kind)), d, why)); };
    switch (g.kind) {
    case Governance::Kind::MemberAdd:
        if (g.peer.isZero() || g.role == Role::None) return invalid(QStringLiteral("no member or role"));
        if (g.x25519 != x25519FromEd25519(g.peer)) return invalid(QStringLiteral("the key-agreement key is not the member's"));
        return std::nullopt;
    case Governance::Kind::MemberRemove:
        if (!target) return invalid(QStringLiteral("%1 is not a member").arg(g.peer.toBase58()));
        if (target->role == Role::Admin && m->adminCount() == 1) return invalid(QStringLiteral("the last admin cannot be removed"));
        if (g.nextEpoch != m->epoch + 1) return invalid(QStringLiteral("starts epoch %1, expected %2").arg(g.nextEpoch).arg(m->epoch + 1));
        return std::nullopt;
    case Governance::Kind::RoleSet:
        if (!target || g.role == Role::None) return invalid(QStringLiteral("%1 is not a member").arg(g.peer.toBase58()));
        if (target->role == Role::Admin && g.role != Role::Admin && m->adminCount() == 1)
            return invalid(QStringLiteral("the last admin cannot be demoted"));
        return std::nullopt;
    case Governance::Kind::InviteRevoke:
        if (g.inviteId.isEmpty()) return invalid(QStringLiteral("no invitation named"));
        return std::nullopt;
    case Governance::Kind::None: break;
    }
    return invalid(QStringLiteral("unknown action"));
}

std::vector<const GovEntry *> GovernanceGraph::ordered() const {
    std::vector<const GovEntry *> out;
    out.reserve(entries_.size());
    for (const auto &[id, e] : entries_) out.push_back(&e);
    // Closure size strictly grows from parent to child: a topological order.
    std::sort(out.begin(), out.end(), [&](const GovEntry *a, const GovEntry *b) {
        const size_t ca = closures_.at(a->id)->size(), cb = closures_.at(b->id)->size();
        return ca != cb ? ca < cb : a->id < b->id;
    });
    return out;
}

}  // namespace dn
