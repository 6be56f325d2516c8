#pragma once
// A yamux session (/yamux/1.0.0) over the decrypted byte stream of a secure
// channel: many logical streams, per-stream flow control, ping, go-away.
//
// Pure and non-reentrant: it never calls out. feed() and every API call
// append frames to an outbox (takeOutput) and notable things to an event
// list (takeEvents); the connection drains both after each call. This keeps
// stream objects free to reset or close from any handler, and lets the fuzz
// target drive the decoder with nothing else around it.
//
// Flow control: each stream starts with the spec's 256 KiB window in both
// directions. We grant more (WindowUpdate) only as the application reads,
// so a stream's receive buffer never exceeds the window; a peer sending
// past it breaks the protocol and the session ends.
#include "net/NetReject.h"
#include "net/YamuxFrame.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <optional>
#include <vector>

namespace dn {

struct YamuxConfig {
    static constexpr uint32_t kInitialWindow = 256 * 1024;  // both sides assume it (spec)
    uint32_t window = kInitialWindow;  // our receive window per stream, >= kInitialWindow
    int maxStreams = 512;          // open streams per session, both directions
    // Of those, opened by the peer: a peer cannot take every slot and leave
    // none for the streams we open (resource limits, ARCHITECTURE §16).
    int maxInboundStreams = 256;
    int maxFrameData = 65535 - 16 - YamuxHeader::kSize;  // one noise frame per data frame
};

struct YamuxEvent {
    enum Kind {
        Opened,      // the peer opened `stream` (SYN accepted, ACK sent)
        Readable,    // data arrived on `stream`
        RemoteFin,   // the peer half-closed `stream` (after its data)
        Reset,       // the peer reset `stream`
        Writable,    // `stream`'s send buffer drained by `value` bytes
        Refused,     // an inbound stream was refused (too many); already reset
        PingRtt,     // our ping came back after `value` microseconds
        GoAway,      // the peer is going away with code `value`
    };
    Kind kind;
    uint32_t stream = 0;
    qint64 value = 0;
};

class YamuxSession {
public:
    YamuxSession(bool client, YamuxConfig config = {});

    // Decrypted bytes from the peer. False once the session has failed
    // (error() says why; a GoAway was queued); the connection then closes.
    bool feed(QByteArrayView in);

    // 0 when no stream can be opened (go-away either way, stream limit).
    uint32_t openStream();
    // Queue data; sent as the peer's window allows. False if the stream is
    // unknown or its write side is closed.
    bool write(uint32_t id, QByteArrayView data);
    // Up to `max` buffered bytes (all when negative); grants window back.
    QByteArray read(uint32_t id, qsizetype max = -1);
    void closeWrite(uint32_t id);
    void reset(uint32_t id);
    void ping();
    void goAway(uint32_t code = YamuxHeader::Normal);

    bool contains(uint32_t id) const { return streams_.contains(id); }
    qsizetype bytesAvailable(uint32_t id) const;
    qsizetype bytesToWrite(uint32_t id) const;
    bool remoteClosed(uint32_t id) const;
    int streamCount() const { return int(streams_.size()); }
    int inboundStreamCount() const { return inbound_; }
    // Application bytes accepted by write() and not yet framed (waiting for
    // the peer's window), over all streams: what a peer that stops reading
    // makes us hold.
    qint64 queuedBytes() const { return queued_; }
    bool remoteGoneAway() const { return remoteGoAway_; }

    QByteArray takeOutput();
    std::vector<YamuxEvent> takeEvents();
    bool hasFailed() const { return error_.has_value(); }
    const std::optional<NetError> &error() const { return error_; }

private:
    struct Stream {
        int64_t sendWindow = 0;  // bytes the peer lets us send
        int64_t recvCredit = 0;  // bytes the peer may still send us
        QByteArray recvBuf;
        QByteArray sendBuf;
        bool localFin = false;      // closeWrite() called
        bool finSent = false;
        bool remoteFin = false;
    };

    bool fail(NetReject reason, const QString &message);
    bool handleFrame(const YamuxHeader &h, QByteArrayView payload);
    bool handleStreamFrame(const YamuxHeader &h, QByteArrayView payload);
    void handlePing(const YamuxHeader &h);
    void sendFrame(uint8_t type, uint16_t flags, uint32_t id, uint32_t length, QByteArrayView data = {});
    void flushStream(uint32_t id, Stream &s);
    void maybeGrantWindow(uint32_t id, Stream &s);
    void maybeForget(uint32_t id);
    void erase(QHash<uint32_t, Stream>::iterator it);
    bool isInbound(uint32_t id) const { return ((id % 2) == 1) != client_; }

    bool client_;
    YamuxConfig config_;
    uint32_t nextId_;
    QHash<uint32_t, Stream> streams_;
    int inbound_ = 0;     // streams_ entries the peer opened
    qint64 queued_ = 0;   // sum of sendBuf sizes
    QByteArray in_;
    QByteArray out_;
    std::vector<YamuxEvent> events_;
    std::optional<NetError> error_;
    bool localGoAway_ = false;
    bool remoteGoAway_ = false;
    uint32_t pingId_ = 0;
    bool pingOutstanding_ = false;
    QElapsedTimer pingTimer_;
};

}  // namespace dn
