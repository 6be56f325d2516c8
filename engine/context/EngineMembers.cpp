// Membership (ARCHITECTURE §15): governance deltas written here, the epoch
// keys, what snapshots carry of governance, and the migration of contexts
// written before the trust model.
#include "codec/DeltaCodec.h"
#include "context/Engine.h"
#include "context/EngineImpl.h"
#include "crypto/PeerId.h"
#include "crypto/Random.h"
#include "crypto/SealedBox.h"
#include "dag/DeltaRecord.h"
#include "store/Keys.h"
#include "deltanode.pb.h"
#include "storage.pb.h"
#include <QLoggingCategory>
#include <mutex>

Q_DECLARE_LOGGING_CATEGORY(lcEngine)

namespace dn {
namespace pb = ::deltanode::pb;

using engine_detail::waitFor;

std::shared_ptr<const Membership> Engine::membership(const Hash32 &contextId) const {
    auto rt = d->find(contextId);
    return rt ? rt->membership() : nullptr;
}

bool Engine::isMember(const Hash32 &contextId, const Hash32 &memberKey) const {
    auto m = membership(contextId);
    return m && m->isMember(memberKey);
}

void Engine::Impl::commitGovernance(const std::shared_ptr<ContextRuntime> &rt,
                                    std::function<Result<Governance>(ContextRuntime &)> make,
                                    std::function<void(Result<Hash32>)> done) {
    Impl *impl = this;
    auto posted = post(*rt, [impl, rt, make = std::move(make), done](Worker &) {
        if (auto f = impl->failure()) return done(*f);
        if (!rt->membership()->isAdmin(impl->identity->publicKey()))
            return done(Error{ErrorCode::NotAnAdmin, QStringLiteral("this node is not an admin of context %1").arg(rt->record().id.toBase58())});
        auto g = make(*rt);
        if (!g) return done(g.error());
        // The durable callback may run (committer thread) before commitLocal
        // has returned the id; whichever of the two comes second answers.
        struct Join {
            std::mutex mutex;
            std::optional<bool> durable;
            std::optional<Result<Hash32>> committed;
            bool answered = false;
        };
        auto join = std::make_shared<Join>();
        auto finish = [impl, join, done] {
            if (join->answered || !join->committed) return;
            if (!*join->committed) {
                join->answered = true;
                return done(join->committed->error());
            }
            if (!join->durable) return;
            join->answered = true;
            if (!*join->durable) return done(impl->writeError("the governance delta could not be made durable"));
            done(join->committed->value());
        };
        auto r = impl->commitLocal(*rt, rt->dag().heads(), {}, {}, impl->hlc.now(),
                                   [join, finish](bool ok) {
                                       std::lock_guard lock(join->mutex);
                                       join->durable = ok;
                                       finish();
                                   },
                                   std::move(*g));
        std::lock_guard lock(join->mutex);
        join->committed = std::move(r);
        finish();
    });
    if (!posted) done(posted.error());
}

namespace {
Error notMember(const Hash32 &key) {
    return {ErrorCode::NotAMember, QStringLiteral("%1 is not a member of the context").arg(PeerId::fromPublicKey(key).toBase58())};
}
}  // namespace

void Engine::addMember(const Hash32 &contextId, const Hash32 &memberKey, Role role, Callback<Hash32> done) {
    auto rt = d->find(contextId);
    if (!rt) return done(errors::contextNotFound(contextId));
    d->commitGovernance(rt, [memberKey, role](ContextRuntime &) -> Result<Governance> {
        Governance g;
        g.kind = Governance::Kind::MemberAdd;
        g.peer = memberKey;
        g.x25519 = x25519FromEd25519(memberKey);
        if (g.x25519.isEmpty()) return Error{ErrorCode::InvalidId, "that key is not a valid Ed25519 public key"};
        g.role = role;
        return g;
    }, std::move(done));
}

void Engine::removeMember(const Hash32 &contextId, const Hash32 &memberKey, Callback<Hash32> done) {
    auto rt = d->find(contextId);
    if (!rt) return done(errors::contextNotFound(contextId));
    d->commitGovernance(rt, [memberKey](ContextRuntime &rt) -> Result<Governance> {
        const auto m = rt.governance().current();
        const Member *target = m->find(memberKey);
        if (!target) return notMember(memberKey);
        if (target->role == Role::Admin && m->adminCount() == 1)
            return Error{ErrorCode::LastAdmin, "the last admin cannot be removed; make another member admin first"};
        // A new epoch: a fresh key, sealed to everyone who stays (ourselves
        // included, so we learn it by applying our own delta).
        const QByteArray key = randomBytes(32);
        Governance g;
        g.kind = Governance::Kind::MemberRemove;
        g.peer = memberKey;
        g.nextEpoch = m->epoch + 1;
        for (const auto &[k, member] : m->members) {
            if (k == memberKey) continue;
            const QByteArray sealed = sealTo(x25519FromEd25519(k), key);
            if (!sealed.isEmpty()) g.keys.push_back({k, sealed});
        }
        return g;
    }, std::move(done));
}

void Engine::setRole(const Hash32 &contextId, const Hash32 &memberKey, Role role, Callback<Hash32> done) {
    auto rt = d->find(contextId);
    if (!rt) return done(errors::contextNotFound(contextId));
    d->commitGovernance(rt, [memberKey, role](ContextRuntime &rt) -> Result<Governance> {
        const auto m = rt.governance().current();
        const Member *target = m->find(memberKey);
        if (!target) return notMember(memberKey);
        if (target->role == Role::Admin && role != Role::Admin && m->adminCount() == 1)
            return Error{ErrorCode::LastAdmin, "the last admin cannot be demoted; make another member admin first"};
        if (target->role == role) return Error{ErrorCode::Conflict, QStringLiteral("already %1").arg(roleName(role))};
        Governance g;
        g.kind = Governance::Kind::RoleSet;
        g.peer = memberKey;
        g.role = role;
        return g;
    }, std::move(done));
}

void Engine::revokeInvite(const Hash32 &contextId, const QByteArray &inviteId, Callback<Hash32> done) {
    auto rt = d->find(contextId);
    if (!rt) return done(errors::contextNotFound(contextId));
    if (inviteId.size() != 16) return done(Error{ErrorCode::InvalidId, "an invitation id is 16 bytes (32 hex digits)"});
    Store *store = d->store.get();
    d->commitGovernance(rt, [store, contextId, inviteId](ContextRuntime &rt) -> Result<Governance> {
        if (rt.governance().current()->revokedInvites.count(inviteId))
            return Error{ErrorCode::Conflict, "that invitation is revoked already"};
        // Ours: mark the record too, so redeeming checks one place first.
        const QByteArray key = keys::issuedInvite(contextId, inviteId);
        if (auto raw = store->get(key)) {
            pb::IssuedInvitation rec;
            if (rec.ParseFromArray(raw->constData(), int(raw->size()))) {
                rec.set_revoked(true);
                Batch b;
                b.put(key, QByteArray::fromStdString(rec.SerializeAsString()));
                store->commit(std::move(b));
            }
        }
        Governance g;
        g.kind = Governance::Kind::InviteRevoke;
        g.inviteId = inviteId;
        return g;
    }, std::move(done));
}

// Runs `body` as one of the context's tasks and waits (busy if the queues are full).
#define DN_ON_WORKER(T, contextId, body)                                                                      \
    auto rt = d->find(contextId);                                                                             \
    if (!rt) return errors::contextNotFound(contextId);                                                       \
    return waitFor<T>([&](auto cb) {                                                                          \
        if (auto p = d->post(*rt, [&, rt, cb](Worker &) { cb(body); }); !p) cb(p.error());                   \
    });

Result<std::vector<QByteArray>> Engine::removalEvidence(const Hash32 &contextId, const Hash32 &memberKey) {
    auto removals = [&]() -> Result<std::vector<Hash32>> {
        DN_ON_WORKER(std::vector<Hash32>, contextId, ([&] {
            std::vector<Hash32> ids;
            for (const GovEntry *e : rt->governance().ordered())
                if (e->action.kind == Governance::Kind::MemberRemove && e->action.peer == memberKey) ids.push_back(e->id);
            return ids;
        }()))
    }();
    if (!removals) return removals.error();
    if (removals->empty()) return std::vector<QByteArray>{};
    auto page = deltaPage(contextId, *removals, {}, 256, 1 << 20);
    if (!page) return page.error();
    return page->envelopes;
}

bool Engine::wasMember(const Hash32 &contextId, const Hash32 &memberKey) {
    if (isMember(contextId, memberKey)) return true;
    auto added = [&]() -> Result<bool> {
        DN_ON_WORKER(bool, contextId, ([&] {
            for (const GovEntry *e : rt->governance().ordered())
                if (e->action.kind == Governance::Kind::MemberAdd && e->action.peer == memberKey) return true;
            return false;
        }()))
    }();
    return added && *added;
}

Result<KeyRing> Engine::keyRing(const Hash32 &contextId) {
    DN_ON_WORKER(KeyRing, contextId, rt->keys())
}

Result<std::vector<QByteArray>> Engine::governanceEnvelopes(const Hash32 &contextId) {
    DN_ON_WORKER(std::vector<QByteArray>, contextId, ([&] {
        std::vector<QByteArray> out;
        for (const GovEntry *e : rt->governance().ordered())
            if (auto env = rt->governanceEnvelope(e->id)) out.push_back(*env);
        return out;
    }()))
}
#undef DN_ON_WORKER

void Engine::Impl::migrate(ContextRuntime::Record &rec) {
    // Every author this node knows, and everyone who wrote a membership
    // entry, becomes a member; the creator (the genesis author, or this node
    // if it holds the context secret) becomes admin, or every member when
    // the creator cannot be told.
    std::set<Hash32> authors;
    std::optional<Hash32> creator;
    const QByteArray dp = keys::deltaPrefix(rec.id);
    store->scan(dp, [&](const QByteArray &, const QByteArray &value) {
        const auto stored = decodeDeltaRecord(value);
        if (!stored || stored->body.isEmpty()) return true;
        if (auto body = decodeBody(stored->body)) {
            authors.insert(body->author);
            if (body->isGenesis()) creator = body->author;
        }
        return true;
    });
    const QByteArray mp = keys::state(rec.id, QByteArray("r\0members/", 10));
    store->scan(mp, [&](const QByteArray &key, const QByteArray &) {
        if (auto peer = PeerId::fromBase58(QString::fromUtf8(key.mid(mp.size())))) authors.insert(peer->publicKey());
        return true;
    });
    if (!creator && !rec.secret.isEmpty()) creator = identity->publicKey();
    rec.seedMembers = authors;
    if (creator) {
        rec.seedMembers.insert(*creator);
        rec.seedAdmins = {*creator};
    } else {
        rec.seedAdmins = authors;
    }
    rec.trustVersion = ContextRuntime::kTrustVersion;
    qCInfo(lcEngine) << "context" << rec.id.toBase58() << "was written before membership was enforced: migrated to epoch 0 with"
                     << rec.seedMembers.size() << "members (" << rec.seedAdmins.size() << "admin)";
}

}  // namespace dn
