#pragma once
// Why the transport closed a connection or a stream on bad input. One value
// per decoder check, so metrics and logs say which layer refused what
// (issue 4, acceptance 6: bad input is closed cleanly *and counted*).
#include <cstddef>

namespace dn {

enum class NetReject {
    MultistreamMalformed,   // bad varint, no newline, header not first, odd answer
    MultistreamOversized,   // message longer than the bound
    MultistreamUnsupported, // no protocol in common / too many proposals
    NoiseBadFrame,          // a frame too short or too long for its role
    NoiseBadHandshake,      // a handshake message that does not decrypt or DH fails
    NoiseBadPayload,        // handshake payload is not a NoiseHandshakePayload
    NoiseUnsupportedKey,    // identity key type other than Ed25519
    NoiseBadSignature,      // identity signature over the static key does not verify
    NoisePeerMismatch,      // authenticated peer is not the one the dialer asked for
    NoiseMuxerMismatch,     // early muxer negotiation found nothing in common
    NoiseDecryptFailed,     // a transport frame does not decrypt
    YamuxProtocolError,     // bad version/type/flags/stream id
    YamuxWindowExceeded,    // peer sent more than the receive window
    YamuxTooManyStreams,    // stream refused (reset), connection kept
    IdentifyMalformed,      // identify message oversized or not a protobuf
    PingMalformed,          // ping stream sent something other than 32-byte payloads
    HandshakeTimeout,       // upgrade did not finish in time
    BlockedPeer,            // a blocked peer connected
    ConnectionLimit,        // too many connections or pending upgrades
    count_
};

inline constexpr size_t kNetRejectCount = static_cast<size_t>(NetReject::count_);

// snake_case name for metrics labels, e.g. "noise_bad_signature".
const char *netRejectName(NetReject reason);

}  // namespace dn

#include <QString>

namespace dn {

// A refusal with its reason and one readable sentence.
struct NetError {
    NetReject reason;
    QString message;
};

}  // namespace dn
