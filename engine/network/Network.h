#pragma once
// What the node asks of its p2p network (node thread). NetworkService is the
// real one; NullNetwork stands in while the node runs without one (before
// start(), or embedded without networking), so Node never branches on it.
#include "api/NodeServices.h"
#include "context/EngineTypes.h"
#include "network/HeartbeatTracker.h"
#include "util/Result.h"
#include <QStringList>
#include <functional>
#include <vector>

namespace dn {

class Network {
public:
    virtual ~Network() = default;

    virtual void stop() = 0;
    virtual QStringList listenAddresses() const = 0;  // with /p2p/<our id>
    virtual int peerCount() const = 0;
    virtual std::vector<PeerInfo> peers() const = 0;
    virtual Result<void> disconnectPeer(const PeerId &peerId) = 0;
    virtual Result<void> setPeerBlocked(const PeerId &peerId, bool blocked) = 0;

    virtual Result<InvitationText> invite(const Hash32 &contextId, qint64 expiresInSeconds, uint32_t uses) = 0;
    virtual void join(const QString &invitation, std::function<void(Result<ContextInfo>)> done) = 0;

    virtual void publishDelta(const Hash32 &contextId, const QByteArray &envelope) = 0;
    virtual void publishHeartbeats(const std::vector<Heartbeat> &beats) = 0;
    virtual void syncTick() = 0;
};

}  // namespace dn
