// Invitations this node issues and redeems (ARCHITECTURE §15). The issuing
// admin alone keeps the secret, the expiry and the use count (i/<ctx>/<id>),
// so it alone admits a joiner: expiry, uses and revocation are checked here,
// on the inviter's side, never on the joiner's word.
#include "context/Engine.h"
#include "context/EngineImpl.h"
#include "crypto/Random.h"
#include "crypto/SealedBox.h"
#include "store/Keys.h"
#include "storage.pb.h"
#include <QDateTime>
#include <QLoggingCategory>
#include <openssl/crypto.h>

Q_DECLARE_LOGGING_CATEGORY(lcEngine)

namespace dn {
namespace pb = ::deltanode::pb;

using engine_detail::waitFor;

namespace {
constexpr qint64 kDefaultExpiryS = 24 * 3600;
constexpr qint64 kMaxExpiryS = 365LL * 24 * 3600;

std::optional<pb::IssuedInvitation> readIssued(const Store &store, const Hash32 &ctx, const QByteArray &inviteId) {
    auto raw = store.get(keys::issuedInvite(ctx, inviteId));
    pb::IssuedInvitation rec;
    if (!raw || !rec.ParseFromArray(raw->constData(), int(raw->size()))) return std::nullopt;
    return rec;
}

QByteArray encode(const pb::IssuedInvitation &rec) { return QByteArray::fromStdString(rec.SerializeAsString()); }
}  // namespace

Result<InvitationData> Engine::issueInvite(const Hash32 &contextId, qint64 expiresInSeconds, uint32_t uses) {
    if (auto f = d->failure()) return *f;
    auto rt = d->find(contextId);
    if (!rt) return errors::contextNotFound(contextId);
    if (!rt->membership()->isAdmin(identity().publicKey()))
        return Error{ErrorCode::NotAnAdmin, QStringLiteral("only an admin of context %1 may invite").arg(contextId.toBase58())};
    if (uses == 0) return Error{ErrorCode::InvalidArgument, "an invitation admits at least one join"};
    if (expiresInSeconds <= 0) expiresInSeconds = kDefaultExpiryS;
    expiresInSeconds = std::min(expiresInSeconds, kMaxExpiryS);
    const ContextInfo info = rt->info();
    InvitationData inv;
    inv.contextId = contextId;
    inv.appId = info.appId;
    inv.inviteId = randomBytes(16);
    inv.secret = randomBytes(32);
    inv.uses = uses;
    inv.expiresAt = uint64_t(QDateTime::currentSecsSinceEpoch() + expiresInSeconds);
    inv.contextName = info.name;
    if (const auto app = d->apps->record(info.appId)) inv.appName = app->name;
    pb::IssuedInvitation rec;
    rec.set_secret(inv.secret.constData(), size_t(inv.secret.size()));
    rec.set_expires_at(inv.expiresAt);
    rec.set_uses(uses);
    rec.set_issued_at_ms(uint64_t(QDateTime::currentMSecsSinceEpoch()));
    Batch b;
    b.put(keys::issuedInvite(contextId, inv.inviteId), encode(rec));
    if (!d->store->commitSync(std::move(b))) return d->writeError("could not record the invitation");
    return inv;
}

Result<std::vector<IssuedInvite>> Engine::invites(const Hash32 &contextId) {
    auto rt = d->find(contextId);
    if (!rt) return errors::contextNotFound(contextId);
    const auto revoked = rt->membership()->revokedInvites;
    std::vector<IssuedInvite> out;
    const QByteArray prefix = keys::issuedInvitePrefix(contextId);
    d->store->scan(prefix, [&](const QByteArray &key, const QByteArray &value) {
        pb::IssuedInvitation rec;
        if (!rec.ParseFromArray(value.constData(), int(value.size()))) return true;
        IssuedInvite i;
        i.inviteId = key.mid(prefix.size());
        i.expiresAt = rec.expires_at();
        i.uses = rec.uses();
        i.used = rec.used();
        i.revoked = rec.revoked() || revoked.count(i.inviteId);
        i.issuedAtMs = int64_t(rec.issued_at_ms());
        out.push_back(std::move(i));
        return true;
    });
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.issuedAtMs > b.issuedAtMs; });
    return out;
}

Result<JoinTicket> Engine::redeemInvite(const Hash32 &contextId, const QByteArray &inviteId, const QByteArray &proof,
                                        const PeerId &joiner, const PeerId &inviter) {
    if (auto f = d->failure()) return *f;
    auto rt = d->find(contextId);
    if (!rt) return errors::contextNotFound(contextId);
    std::lock_guard lock(d->inviteMutex);
    auto rec = readIssued(*d->store, contextId, inviteId);
    if (!rec) return Error{ErrorCode::InvitationUnknown, "the inviter has no record of this invitation"};
    const QByteArray want = joinProof(QByteArray::fromStdString(rec->secret()), contextId, inviteId, joiner.bytes(), inviter.bytes());
    if (proof.size() != want.size() || CRYPTO_memcmp(proof.constData(), want.constData(), size_t(want.size())) != 0)
        return Error{ErrorCode::BadProof, "the joiner did not prove the invitation's secret"};
    const auto members = rt->membership();
    if (rec->revoked() || members->revokedInvites.count(inviteId))
        return Error{ErrorCode::InvitationRevoked, "an admin revoked this invitation"};
    if (uint64_t(QDateTime::currentSecsSinceEpoch()) >= rec->expires_at())
        return Error{ErrorCode::InvitationExpired,
                     QStringLiteral("the invitation expired at %1")
                         .arg(QDateTime::fromSecsSinceEpoch(qint64(rec->expires_at()), Qt::UTC).toString(Qt::ISODate))};
    const Hash32 joinerKey = joiner.publicKey();
    if (!members->isMember(joinerKey)) {
        if (rec->used() >= rec->uses())
            return Error{ErrorCode::InvitationUsedUp,
                         QStringLiteral("the invitation was already used %1 time%2, all it allows").arg(rec->used()).arg(rec->uses() == 1 ? "" : "s")};
        auto added = waitFor<Hash32>([&](auto cb) { addMember(contextId, joinerKey, Role::Member, cb); });
        if (!added) return added.error();
        rec->set_used(rec->used() + 1);
        Batch b;
        b.put(keys::issuedInvite(contextId, inviteId), encode(*rec));
        if (!d->store->commitSync(std::move(b))) return d->writeError("could not count the invitation's use");
        qCInfo(lcEngine) << "invitation" << inviteId.toHex() << "admitted" << joiner.toBase58() << "to" << contextId.toBase58()
                         << "(" << rec->used() << "of" << rec->uses() << "uses)";
    }
    auto ring = keyRing(contextId);
    if (!ring) return ring.error();
    JoinTicket t;
    t.appId = rt->record().appId;
    const QByteArray x = x25519FromEd25519(joinerKey);
    for (const EpochKey &k : ring->all()) t.sealedKeys.push_back({k.epoch, k.source, sealTo(x, k.key)});
    auto seed = waitFor<std::pair<std::vector<Hash32>, std::vector<Hash32>>>([&](auto cb) {
        auto posted = d->post(*rt, [rt, cb](Worker &) {
            const auto &gov = rt->governance();
            cb(std::make_pair(std::vector<Hash32>(gov.seedMembers().begin(), gov.seedMembers().end()),
                              std::vector<Hash32>(gov.seedAdmins().begin(), gov.seedAdmins().end())));
        });
        if (!posted) cb(posted.error());
    });
    // A ticket without the seed would let the joiner judge its history wrongly.
    if (!seed) return seed.error();
    t.seedMembers = seed->first;
    t.seedAdmins = seed->second;
    return t;
}

}  // namespace dn
