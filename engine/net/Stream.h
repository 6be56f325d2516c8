#pragma once
// One application stream: a yamux stream whose protocol was agreed with
// multistream-select. What protocol handlers (identify, ping, gossipsub,
// sync, blob) read and write.
//
// Lifetime: owned by its Connection. After `closed()` has been emitted (both
// halves closed, a reset, or the connection going away) the stream deletes
// itself on the next event-loop turn, so hold it in a QPointer if you keep
// it beyond a handler. Signals are emitted on the node thread; handlers may
// call any method, including reset(), from them.
//
// Flow control follows the reader: the peer may only send what fits in the
// window, and the window reopens as readAll()/read() take data.
#include "crypto/PeerId.h"
#include "net/Direction.h"
#include "net/NetReject.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <memory>

namespace dn {

class Connection;
class MultistreamSelect;

class Stream : public QObject {
    Q_OBJECT
public:
    ~Stream() override;

    QString protocol() const { return protocol_; }
    const PeerId &remotePeer() const { return remotePeer_; }
    Direction direction() const { return direction_; }
    uint32_t id() const { return id_; }
    Connection *connection() const;

    // Queues bytes; returns their count, or -1 when the write side is closed.
    qint64 write(const QByteArray &data);
    QByteArray readAll();
    QByteArray read(qsizetype max);
    qsizetype bytesAvailable() const;
    qsizetype bytesToWrite() const;  // queued, waiting for the peer's window
    // The peer half-closed and everything it sent has been read.
    bool atEnd() const;
    bool isReadFinished() const { return remoteFin_; }
    bool isWriteClosed() const { return writeClosed_; }
    bool isClosed() const { return state_ == State::Closed; }

    // Half-close: we send no more (FIN); reading continues.
    void closeWrite();
    // Abort both directions at once (RST); buffered data is dropped.
    void reset();

    quint64 bytesRead() const { return bytesIn_; }
    quint64 bytesWrittenTotal() const { return bytesOut_; }

signals:
    void readyRead();
    void readFinished();            // the peer half-closed (EOF after its data)
    void bytesWritten(qint64 n);    // n queued bytes went out to the connection
    void wasReset(const QString &reason);  // the peer or the connection aborted it
    void closed();                  // final; emitted once

private:
    friend class Connection;
    enum class State { Negotiating, Open, Closed };

    Stream(Connection *conn, uint32_t id, Direction dir, const PeerId &remotePeer);
    // Connection → stream.
    void startNegotiation(std::unique_ptr<MultistreamSelect> mss, int timeoutMs);
    void onReadable();
    void onRemoteFin();
    void onRemoteReset(const QString &reason);
    void onWritten(qint64 n);
    void finishNegotiation();
    void failNegotiation(const NetError &e);
    void maybeClose(bool deferred);
    void finish(bool deferred);

    QPointer<Connection> conn_;
    uint32_t id_;
    Direction direction_;
    PeerId remotePeer_;
    QString protocol_;
    State state_ = State::Negotiating;
    std::unique_ptr<MultistreamSelect> mss_;
    QTimer negotiationTimer_;
    QByteArray early_;  // data that arrived with the last negotiation message
    bool remoteFin_ = false;
    bool writeClosed_ = false;
    bool finSignalled_ = false;
    bool closeQueued_ = false;
    quint64 bytesIn_ = 0;
    quint64 bytesOut_ = 0;
};

}  // namespace dn
