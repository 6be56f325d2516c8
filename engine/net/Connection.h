#pragma once
// One libp2p connection to one peer: a TCP socket upgraded with
// multistream-select, Noise and yamux (see ConnectionUpgrade), carrying
// application streams. Created and owned by Host; all of it runs on the node
// thread, driven by socket signals.
//
// Closing is never synchronous destruction: close() ends the TCP
// connection, resets the streams, emits closed() and deletes the object on
// the next event-loop turn, so it is safe from any signal handler.
#include "crypto/Ed25519.h"
#include "crypto/PeerId.h"
#include "net/ConnectionUpgrade.h"
#include "net/Direction.h"
#include "net/Multiaddr.h"
#include "net/NetCounters.h"
#include "net/PeerDrop.h"
#include "net/YamuxSession.h"
#include "util/Result.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>
#include <functional>
#include <memory>
#include <optional>

namespace dn {

class Stream;
using StreamCallback = std::function<void(Result<Stream *>)>;

struct ConnectionConfig {
    Ed25519Key identity;
    bool inlineMuxers = true;      // offer yamux inside the Noise handshake
    int upgradeTimeoutMs = 10000;  // TCP connect + security + muxer
    int streamNegotiationTimeoutMs = 10000;
    YamuxConfig yamux;
    qint64 socketReadBuffer = 1 << 20;  // Qt stops reading the socket beyond this
    // Output we hold for a peer that does not read (stream send buffers
    // waiting for its window plus the socket's unsent bytes). Over it the
    // connection is dropped: above one 20 MiB sync frame, so a slow but
    // reading peer is never cut off by a legitimate large answer.
    qint64 maxPendingOutput = 32LL * 1024 * 1024;
    // Inbound streams refused (over YamuxConfig::maxInboundStreams) before
    // the connection is dropped: a peer that keeps opening past the cap.
    int maxStreamRefusals = 64;
};

class Connection : public QObject {
    Q_OBJECT
public:
    // Takes the socket (connected for inbound, connecting for outbound).
    // `expectedPeer`: the identity the dialer asked for (from /p2p/).
    Connection(QTcpSocket *socket, Direction dir, const ConnectionConfig &config,
               NetCounters *counters, std::optional<Hash32> expectedPeer = std::nullopt,
               QObject *parent = nullptr);
    ~Connection() override;

    // Which protocols inbound streams may negotiate (the host's handlers).
    void setProtocolMatcher(std::function<bool(const QString &)> supports,
                            std::function<QStringList()> advertised);
    // Begins the upgrade (outbound: once TCP is connected).
    void start();

    bool isEstablished() const { return established_; }
    bool isClosed() const { return closed_; }
    const PeerId &remotePeer() const { return remotePeer_; }  // null until established
    Hash32 remotePublicKey() const { return remoteKey_; }
    Multiaddr remoteAddress() const { return remoteAddr_; }
    Multiaddr localAddress() const { return localAddr_; }
    Direction direction() const { return direction_; }
    QDateTime openedAt() const { return openedAt_; }
    quint64 bytesIn() const { return bytesIn_; }
    quint64 bytesOut() const { return bytesOut_; }
    QList<Stream *> streams() const;
    QString closeReason() const { return closeReason_; }
    // Bytes queued for the peer and not yet handed to the kernel.
    qint64 pendingOutput() const;
    // Set when a resource limit closed (or is closing) this connection.
    std::optional<DropReason> dropReason() const { return dropReason_; }

    // Opens a stream and negotiates the first of `protocols` the peer
    // supports. The callback runs exactly once, later (never inside this call).
    void openStream(const QStringList &protocols, StreamCallback callback);
    // Yamux-level ping; the RTT arrives in muxerRtt().
    void pingMuxer();
    // Ends the connection (GoAway, TCP close). Idempotent.
    void close(const QString &reason = QStringLiteral("closed locally"));
    // close() because a resource limit was hit; the host records why.
    void drop(DropReason why, const QString &reason);

signals:
    void established();
    void inboundStream(dn::Stream *stream);  // negotiated, ready for its handler
    void muxerRtt(qint64 micros);
    // Emitted once; `reason` explains an upgrade failure or the end.
    void closed(const QString &reason);
    // Application bytes through a stream, for per-protocol accounting.
    void protocolBytes(const QString &protocol, quint64 in, quint64 out);

private:
    friend class Stream;
    void onConnected();
    void onReadyRead();
    void onSocketError();
    void onUpgradeTimeout();
    void feedUpgrade(const QByteArray &raw);
    void becomeEstablished();
    void feedMuxer(const QByteArray &plain);
    void flushMuxer();
    void dispatchEvents();
    void scheduleDispatch();
    void fail(const NetError &e);
    void writeRaw(const QByteArray &bytes);
    Stream *createStream(uint32_t id, Direction dir);

    // Stream → connection.
    bool streamWrite(uint32_t id, const QByteArray &data);
    QByteArray streamRead(uint32_t id, qsizetype max);
    qsizetype streamAvailable(uint32_t id) const;
    qsizetype streamToWrite(uint32_t id) const;
    void streamCloseWrite(uint32_t id);
    void streamReset(uint32_t id);
    void streamNegotiated(Stream *s);
    void streamNegotiationFailed(Stream *s, const NetError &e);
    void streamFinished(Stream *s);

    QTcpSocket *socket_;
    Direction direction_;
    ConnectionConfig config_;
    NetCounters *counters_;
    std::optional<Hash32> expectedPeer_;
    std::unique_ptr<ConnectionUpgrade> upgrade_;
    std::unique_ptr<YamuxSession> yamux_;
    QHash<uint32_t, QPointer<Stream>> streams_;
    QHash<uint32_t, StreamCallback> pendingOpens_;
    std::function<bool(const QString &)> supports_;
    std::function<QStringList()> advertised_;
    QTimer upgradeTimer_;
    bool started_ = false;
    bool established_ = false;
    bool closed_ = false;
    bool dispatchQueued_ = false;
    PeerId remotePeer_;
    Hash32 remoteKey_;
    Multiaddr remoteAddr_;
    Multiaddr localAddr_;
    QDateTime openedAt_;
    quint64 bytesIn_ = 0;
    quint64 bytesOut_ = 0;
    QString closeReason_;
    std::optional<DropReason> dropReason_;
    int refusedStreams_ = 0;
};

}  // namespace dn
