#include "network/NullNetwork.h"
#include "network/Invitations.h"
#include "context/Engine.h"
#include <QDateTime>

namespace dn {

namespace {
Error noNetwork() { return Error{ErrorCode::Unsupported, QStringLiteral("this node has no p2p network")}; }
}  // namespace

QStringList NullNetwork::listenAddresses() const {
    QStringList out;
    const QString self = engine_.identity().peerId().toBase58();
    for (const QString &a : listen_) out << a + QStringLiteral("/p2p/") + self;
    return out;
}

Result<void> NullNetwork::disconnectPeer(const PeerId &) { return noNetwork(); }

Result<void> NullNetwork::setPeerBlocked(const PeerId &, bool) { return noNetwork(); }

Result<InvitationText> NullNetwork::invite(const Hash32 &contextId, qint64 expiresInSeconds, uint32_t uses) {
    return issueInvitation(engine_, contextId, expiresInSeconds, uses, {});
}

void NullNetwork::join(const QString &invitation, std::function<void(Result<ContextInfo>)> done) {
    auto inv = readInvitation(invitation);
    if (!inv) return done(inv.error());
    if (auto existing = engine_.context(inv->contextId)) return done(*existing);
    // Joining means proving the invitation to the inviter, over the network.
    done(Error{ErrorCode::InviterUnreachable, QStringLiteral("the invitation is valid, but this node has no p2p network to reach "
                                                           "the inviter %1 with").arg(inv->inviterPeerId)});
}

}  // namespace dn
