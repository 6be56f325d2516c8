#pragma once
// The governance deltas of one context and the membership they imply
// (ARCHITECTURE §15). Governance deltas form their own small DAG inside the
// context's DAG: each names, in `govParents`, the governance heads its author
// had. Every delta (app or governance) names those heads too, so the
// membership that judges a delta is a function of its own body: at(govParents).
//
// The fold (at) is order-free, so every node computes the same answer:
//   - X is a member iff some member.add(X) is in the closure and every
//     member.remove(X) in the closure is an ancestor of that add (a removal
//     concurrent with an add wins; a re-add after a removal counts).
//     Members migrated from before governance (the seed) stay until removed.
//   - X's role: of the role-giving actions on X (add, role.set) that no other
//     such action on X descends from, the lowest role (member < admin).
//   - Concurrent actions that together leave no admin: the one with the
//     highest delta id among the removals and demotions is void, repeatedly,
//     until an admin remains (each alone was valid where it was written).
//   - The epoch: the highest (next_epoch, delta id) among the removals.
//   - Revoked invitations: every invite.revoke in the closure.
//
// Not thread-safe: the context's worker owns it.
#include "codec/Delta.h"
#include "codec/RejectReason.h"
#include "trust/Membership.h"
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace dn {

struct GovEntry {
    Hash32 id;
    std::vector<Hash32> govParents;
    Hash32 author;
    uint64_t hlc = 0;
    uint32_t epoch = 0;
    Governance action;
};

class GovernanceGraph {
public:
    explicit GovernanceGraph(const Hash32 &contextId) : ctx_(contextId) {}

    // Members from before governance (migrated contexts); admins ⊆ members.
    void setSeed(std::set<Hash32> members, std::set<Hash32> admins);
    const std::set<Hash32> &seedMembers() const { return seedMembers_; }
    const std::set<Hash32> &seedAdmins() const { return seedAdmins_; }

    bool has(const Hash32 &id) const { return entries_.count(id) != 0; }
    const GovEntry *get(const Hash32 &id) const;
    size_t size() const { return entries_.size(); }
    // Adds an entry that passed check(); its governance parents are here.
    void add(GovEntry entry);
    // The governance deltas no other one descends from, sorted.
    std::vector<Hash32> heads() const { return {heads_.begin(), heads_.end()}; }
    // Membership where `frontier` (governance ids known here) stands. Cached.
    std::shared_ptr<const Membership> at(const std::vector<Hash32> &frontier) const;
    std::shared_ptr<const Membership> current() const { return at(heads()); }
    // Whether `id` is `frontier` or one of its governance ancestors.
    bool covers(const std::vector<Hash32> &frontier, const Hash32 &id) const;
    // Why `body` (delta `id`) may not stand where it says it does, if it may not.
    std::optional<OpenError> check(const Hash32 &id, const DeltaBody &body) const;
    // Every entry, governance parents before children (ties by id).
    std::vector<const GovEntry *> ordered() const;

    // What the context key signs in the genesis delta's member.add.
    static QByteArray genesisMessage(const Hash32 &contextId, const Hash32 &creator);

private:
    using IdSet = std::unordered_set<Hash32>;
    std::shared_ptr<const IdSet> closureOf(const std::vector<Hash32> &frontier) const;
    Membership fold(const IdSet &closure, const std::set<Hash32> &voided) const;
    bool ancestorOf(const Hash32 &a, const Hash32 &b) const;  // a in closure(b), a != b

    Hash32 ctx_;
    std::set<Hash32> seedMembers_, seedAdmins_;
    std::unordered_map<Hash32, GovEntry> entries_;
    std::unordered_map<Hash32, std::shared_ptr<const IdSet>> closures_;  // per entry, itself included
    std::set<Hash32> heads_;
    mutable std::map<QByteArray, std::shared_ptr<const Membership>> cache_;
};

}  // namespace dn
