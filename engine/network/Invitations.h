#pragma once
// Writing and reading invitations: the same with or without a running
// network (NetworkService adds the inviter's peer id and addresses, a node
// without a network sends none).
#include "codec/Invitation.h"
#include "crypto/Hash32.h"
#include "util/Result.h"

namespace dn {

class Engine;

// The terms of an invitation to `contextId` as this node knows the context:
// app, key, names, and an expiry `expiresInSeconds` from now (≤ 0: one day;
// at most a year). Fails with context_not_found.
Result<InvitationData> invitationTerms(const Engine &engine, const Hash32 &contextId, qint64 expiresInSeconds);

// Decodes and checks an invitation text now: an expired one fails with
// invitation_expired, anything else wrong with invalid_invitation.
Result<InvitationData> readInvitation(const QString &text);

}  // namespace dn
