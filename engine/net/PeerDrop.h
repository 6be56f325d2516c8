#pragma once
// Why the resource limits (ARCHITECTURE §16, "P2P resource limits") cut a
// peer off: a connection closed, or one of its streams reset, because it
// took more than its share. One value per limit so that metrics, logs and
// the Peers page say which limit was hit; unlike NetReject these are about
// how much a peer uses, not about malformed input.
#include "crypto/PeerId.h"
#include "net/Multiaddr.h"

#include <QDateTime>
#include <QString>
#include <cstddef>

namespace dn {

enum class DropReason {
    PendingOutputOverCap,  // the peer stopped reading and our queued output passed the cap
    TooManyStreams,        // kept opening streams past the per-connection cap
    Idle,                  // a protocol stream went silent past its idle timeout
    HandshakeTimeout,      // Noise / multistream never finished (peer unknown when inbound)
    TooManyConnections,    // per peer, per IP or global inbound cap
    TooManySessions,       // a protocol's per-peer slots (sync, blob, join) were all taken
    OversizeRequest,       // a request frame over the bound before (or after) authentication
    count_
};

inline constexpr size_t kDropReasonCount = static_cast<size_t>(DropReason::count_);

// snake_case, e.g. "pending_output_over_cap": the metrics label and the
// text the API and the Peers page show.
const char *dropReasonName(DropReason reason);

// One entry of Host::drops(). `peer` is null for a connection that never
// finished its handshake (then `remote` is all that is known).
struct DropRecord {
    PeerId peer;
    DropReason reason = DropReason::Idle;
    bool connectionClosed = false;  // false: only a stream was reset or refused
    Multiaddr remote;
    QString detail;                 // one readable sentence
    QDateTime at;
};

}  // namespace dn
