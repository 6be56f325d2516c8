#pragma once
// Writing and reading invitations: the same with or without a running
// network (NetworkService adds the inviter's peer id and addresses, a node
// without a network sends none).
#include "codec/Invitation.h"
#include "crypto/Hash32.h"
#include "util/Result.h"

namespace dn {

class Engine;

// Issues an invitation to `contextId` (Engine::issueInvite: this node must be
// an admin; it records the secret, expiry and uses) and signs it with the
// inviter's peer id and `addrs`. Expiry `expiresInSeconds` from now (≤ 0: one
// day; at most a year).
Result<InvitationText> issueInvitation(Engine &engine, const Hash32 &contextId, qint64 expiresInSeconds, uint32_t uses,
                                       const QStringList &addrs);

// Decodes and checks an invitation text now: an expired one fails with
// invitation_expired, anything else wrong with invalid_invitation.
Result<InvitationData> readInvitation(const QString &text);

}  // namespace dn
