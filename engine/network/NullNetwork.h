#pragma once
// The network of a node that has none: nothing is published or synced, there
// are no peers, invitations carry no addresses (one nobody listens on would
// only make the joiner wait for a timeout), and joining does the local half
// only (the context record and key; its history arrives by sync once a
// network runs, until then calls answer not_synced).
#include "network/Network.h"

namespace dn {

class Engine;

class NullNetwork : public Network {
public:
    // `listen`: the configured listen addresses, reported with our peer id.
    NullNetwork(Engine &engine, QStringList listen) : engine_(engine), listen_(std::move(listen)) {}

    void stop() override {}
    QStringList listenAddresses() const override;
    int peerCount() const override { return 0; }
    std::vector<PeerInfo> peers() const override { return {}; }
    Result<void> disconnectPeer(const PeerId &peerId) override;
    Result<void> setPeerBlocked(const PeerId &peerId, bool blocked) override;
    Result<InvitationText> invite(const Hash32 &contextId, qint64 expiresInSeconds, uint32_t uses) override;
    void join(const QString &invitation, std::function<void(Result<ContextInfo>)> done) override;
    void publishDelta(const Hash32 &, const QByteArray &) override {}
    void publishHeartbeats(const std::vector<Heartbeat> &) override {}
    void syncTick() override {}

private:
    Engine &engine_;
    QStringList listen_;
};

}  // namespace dn
