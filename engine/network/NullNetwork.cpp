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

Result<QString> NullNetwork::invite(const Hash32 &contextId, qint64 expiresInSeconds) {
    auto terms = invitationTerms(engine_, contextId, expiresInSeconds);
    if (!terms) return terms.error();
    return encodeInvitation(*terms, engine_.identity().key());
}

void NullNetwork::join(const QString &invitation, std::function<void(Result<ContextInfo>)> done) {
    auto inv = readInvitation(invitation);
    if (!inv) return done(inv.error());
    if (auto existing = engine_.context(inv->contextId)) return done(*existing);
    // Without the network the app cannot be fetched from the inviter.
    if (!engine_.app(inv->appId))
        return done(Error{ErrorCode::AppNotFound, QStringLiteral("the invitation is valid, but application %1 is not installed "
                                                              "here and this node cannot fetch it yet (no p2p network); "
                                                              "install it, then join again").arg(inv->appId.toBase58())});
    auto joined = engine_.joinContext(inv->contextId, inv->appId, inv->contextKey, QString());
    if (!joined) return done(joined.error());
    done(*joined);
}

}  // namespace dn
