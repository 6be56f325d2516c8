#pragma once
// Ping (/ipfs/ping/1.0.0, libp2p/specs ping): the dialer sends 32 random
// bytes, the listener echoes them; repeated on the same stream. We answer
// peers' pings, and ping every connected peer on connect and then every
// HostConfig::pingIntervalMs, keeping one outbound ping stream per peer (as
// the spec requires). RTTs go to the PeerStore and Host::rttMeasured.
#include "crypto/PeerId.h"
#include "util/Result.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <functional>

namespace dn {

class Host;
class Stream;

class PingService : public QObject {
    Q_OBJECT
public:
    static inline const QString kProtocol = QStringLiteral("/ipfs/ping/1.0.0");
    static constexpr int kPayload = 32;
    static constexpr int kMaxInboundPerPeer = 2;  // spec: accept at most two

    explicit PingService(Host *host);
    ~PingService() override;

    void ping(const PeerId &peer, std::function<void(Result<qint64>)> callback);

private:
    struct Outbound {
        QPointer<Stream> stream;
        bool opening = false;
        bool inFlight = false;
        QByteArray payload;
        QByteArray received;
        QElapsedTimer sentAt;
        QTimer *timeout = nullptr;
        QList<std::function<void(Result<qint64>)>> waiters;
    };

    void respond(Stream *s);
    void send(const PeerId &peer);
    void onEcho(const PeerId &peer);
    void finish(const PeerId &peer, const Result<qint64> &r, bool dropStream);
    void pingAll();

    Host *host_;
    QTimer interval_;
    QHash<PeerId, Outbound> out_;
    QHash<PeerId, int> inbound_;  // open inbound ping streams per peer
};

}  // namespace dn
