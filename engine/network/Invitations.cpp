#include "network/Invitations.h"
#include "context/Engine.h"
#include <QDateTime>
#include <algorithm>

namespace dn {

Result<InvitationData> invitationTerms(const Engine &engine, const Hash32 &contextId, qint64 expiresInSeconds) {
    const auto info = engine.context(contextId);
    const auto key = engine.contextKey(contextId);
    if (!info || !key) return errors::contextNotFound(contextId);
    if (expiresInSeconds <= 0) expiresInSeconds = 24 * 3600;
    expiresInSeconds = std::min<qint64>(expiresInSeconds, 365LL * 24 * 3600);
    InvitationData d;
    d.contextId = contextId;
    d.appId = info->appId;
    d.contextKey = *key;
    d.expiresAt = uint64_t(QDateTime::currentSecsSinceEpoch() + expiresInSeconds);
    d.contextName = info->name;
    if (const auto app = engine.app(info->appId)) d.appName = app->name;
    return d;
}

Result<InvitationData> readInvitation(const QString &text) {
    auto inv = decodeInvitation(text, uint64_t(QDateTime::currentSecsSinceEpoch()));
    if (inv) return inv;
    const ErrorCode code =
        inv.error().code == ErrorCode::InvitationExpired ? ErrorCode::InvitationExpired : ErrorCode::InvalidInvitation;
    return Error{code, inv.error().message};
}

}  // namespace dn
