#pragma once
// Small value types shared by the gossipsub router, its codec and its adapter.
#include "crypto/PeerId.h"

#include <QByteArray>
#include <QString>
#include <functional>

namespace dn {

// Protocol ids we speak, best first (we do not implement v1.2's IDONTWANT
// sending, so we do not claim /meshsub/1.2.0).
inline const QString kMeshsubV11 = QStringLiteral("/meshsub/1.1.0");
inline const QString kMeshsubV10 = QStringLiteral("/meshsub/1.0.0");

// One pubsub message as the router sees it (decoded, not yet trusted unless it
// came out of verification).
struct GossipMessage {
    PeerId from;      // the author (on the wire: its peer id bytes)
    QByteArray seqno; // 8 bytes big endian
    QString topic;
    QByteArray data;
};

// Message id function: all peers of a topic should agree on it.
using MessageIdFn = std::function<QByteArray(const GossipMessage &)>;
// The default, from ‖ seqno (go-libp2p-pubsub's DefaultMsgIdFn).
inline QByteArray defaultMessageId(const GossipMessage &m) { return m.from.bytes() + m.seqno; }
// js-libp2p gossipsub's StrictSign id: the author's PublicKey protobuf ‖ seqno,
// i.e. `from` without its 2-byte identity-multihash header (every PeerId is
// an Ed25519 identity multihash). Ids only meet on the wire in IHAVE/IWANT, so
// mixing the two functions costs some redundant IWANTs (answered, then
// dropped as duplicates), not messages.
inline QByteArray publicKeyMessageId(const GossipMessage &m) { return m.from.bytes().mid(2) + m.seqno; }

// A validator's verdict on a message (gossipsub v1.1 "extended validators"):
// Accept delivers and forwards it; Reject drops it and penalises the peer that
// sent it (P4); Ignore drops it without a penalty (it may be valid, but not
// for us now, e.g. its author's membership has not reached us yet).
enum class ValidationResult { Accept, Reject, Ignore };

// Monotonic counters, exported as Prometheus counters by the node.
struct GossipCounters {
    quint64 published = 0;          // messages we authored
    quint64 delivered = 0;          // first copies handed to the local subscriber
    quint64 duplicates = 0;         // copies of messages already seen
    quint64 invalidSignature = 0;   // StrictSign failures (bad/missing signature, bad from)
    quint64 badSeqno = 0;           // seqno other than 8 bytes (rejected)
    quint64 rejected = 0;           // refused by the validator (peer penalised)
    quint64 ignored = 0;            // dropped by the validator without a penalty
    quint64 validationThrottled = 0; // dropped: too many messages waiting for a signature check
    quint64 graylistedRpcs = 0;     // RPCs of graylisted peers, dropped unread
    quint64 penalties = 0;          // invalid-message penalties given (P4)
    quint64 tooLarge = 0;           // RPCs over maxMessageSize
    quint64 decodeErrors = 0;       // RPCs that were not a valid protobuf
    quint64 unsubscribedTopic = 0;  // messages for topics we do not subscribe to (dropped)
    quint64 graftSent = 0;
    quint64 graftReceived = 0;
    quint64 pruneSent = 0;
    quint64 pruneReceived = 0;
    quint64 ihaveSent = 0;          // IHAVE control messages
    quint64 ihaveReceived = 0;
    quint64 iwantSent = 0;          // message ids asked for
    quint64 iwantReceived = 0;      // message ids asked of us
    quint64 iwantServed = 0;        // messages sent in answer to IWANT
    quint64 droppedRpcs = 0;        // RPCs the transport refused (queue full)
    quint64 unknownPeerRpcs = 0;    // RPCs from a peer the router was not told about
};

}  // namespace dn
