#pragma once
// multistream-select 1.0 (libp2p/specs connections, multiformats/
// multistream-select): how the two ends of a raw connection or of a new
// stream agree on a protocol. Every message is <uvarint length><text>\n.
//
// A pure state machine over bytes, with no socket: the connection feeds it
// what arrived and sends what it appends to `out`. That keeps it testable and
// fuzzable, and lets the same code negotiate /noise on TCP, /yamux/1.0.0 on
// the secure channel and application protocols on yamux streams.
//
// Both sides send the header at start() without waiting (the spec allows
// it); the dialer sends its first proposal along with it (as go and js do).
// The listener echoes a proposal it supports or says "na". Bytes that follow the final message in the same read belong
// to the negotiated protocol (peers may send data optimistically) and are
// handed back by takeRemainder().
#include "net/NetReject.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <functional>

namespace dn {

class MultistreamSelect {
public:
    enum class Status { Pending, Done, Failed };
    enum class Failure {
        None,
        Malformed,         // bad varint, missing '\n', header not first, unexpected answer
        Oversized,         // a message longer than kMaxMessage
        NoCommonProtocol,  // the dialer ran out of proposals
        TooManyAttempts,   // a listener got more than kMaxProposals proposals
    };

    static constexpr int kMaxMessage = 1024;  // bytes incl. '\n', as go-multistream
    static constexpr int kMaxProposals = 32;
    static inline const QString kHeader = QStringLiteral("/multistream/1.0.0");

    // `protocols` in order of preference; at least one.
    static MultistreamSelect dialer(QStringList protocols);
    // Accepts a proposal when `supports` says so; answers "ls" with `advertised`.
    static MultistreamSelect listener(std::function<bool(const QString &)> supports,
                                      QStringList advertised = {});

    // What to send first (header, plus the dialer's first proposal).
    QByteArray start();
    // Consumes `in`, appending any reply to `out`. Once Done or Failed,
    // further input is kept aside (Done) or ignored (Failed).
    Status feed(QByteArrayView in, QByteArray &out);

    Status status() const { return status_; }
    bool isDialer() const { return dialer_; }
    QString protocol() const { return protocol_; }  // the agreed protocol when Done
    Failure failure() const { return failure_; }
    QString failureMessage() const { return failureMessage_; }
    // The failure as a counted refusal (multistream_* reasons).
    NetError netError() const;
    // Bytes received after the last negotiation message.
    QByteArray takeRemainder();

    static QByteArray encodeMessage(const QString &text);

private:
    MultistreamSelect() = default;
    Status fail(Failure f, QString message);
    Status handleMessage(const QString &msg, QByteArray &out);
    Status handleAsDialer(const QString &msg, QByteArray &out);
    Status handleAsListener(const QString &msg, QByteArray &out);

    bool dialer_ = false;
    QStringList proposals_;  // dialer: protocols not yet refused, current first
    std::function<bool(const QString &)> supports_;
    QStringList advertised_;
    bool headerSeen_ = false;
    int proposalsSeen_ = 0;
    QByteArray buf_;
    Status status_ = Status::Pending;
    Failure failure_ = Failure::None;
    QString failureMessage_;
    QString protocol_;
};

}  // namespace dn
