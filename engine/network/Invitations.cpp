#include "network/Invitations.h"
#include "context/Engine.h"
#include <QDateTime>

namespace dn {

Result<InvitationText> issueInvitation(Engine &engine, const Hash32 &contextId, qint64 expiresInSeconds, uint32_t uses,
                                       const QStringList &addrs) {
    if (uses == 0 || uses > kMaxInvitationUses)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("an invitation admits 1 to %1 joins").arg(kMaxInvitationUses)};
    if (const auto info = engine.context(contextId); info && info->heads.empty())
        return Error{ErrorCode::NotSynced, QStringLiteral("context %1 has no history here yet; it cannot be shared before it syncs")
                                       .arg(contextId.toBase58())};
    auto terms = engine.issueInvite(contextId, expiresInSeconds, uses);
    if (!terms) return terms.error();
    terms->inviterPeerId = engine.identity().peerId().toBase58();
    terms->inviterAddrs = addrs;
    InvitationText out;
    out.text = encodeInvitation(*terms, engine.identity().key());
    out.inviteId = terms->inviteId;
    out.uses = terms->uses;
    out.expiresAt = terms->expiresAt;
    return out;
}

Result<InvitationData> readInvitation(const QString &text) {
    auto inv = decodeInvitation(text, uint64_t(QDateTime::currentSecsSinceEpoch()));
    if (inv) return inv;
    const ErrorCode code =
        inv.error().code == ErrorCode::InvitationExpired ? ErrorCode::InvitationExpired : ErrorCode::InvalidInvitation;
    return Error{code, inv.error().message};
}

}  // namespace dn
