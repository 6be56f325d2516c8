#include "net/NetCounters.h"

namespace dn {

const char *netRejectName(NetReject reason) {
    switch (reason) {
    case NetReject::MultistreamMalformed: return "multistream_malformed";
    case NetReject::MultistreamOversized: return "multistream_oversized";
    case NetReject::MultistreamUnsupported: return "multistream_unsupported";
    case NetReject::NoiseBadFrame: return "noise_bad_frame";
    case NetReject::NoiseBadHandshake: return "noise_bad_handshake";
    case NetReject::NoiseBadPayload: return "noise_bad_payload";
    case NetReject::NoiseUnsupportedKey: return "noise_unsupported_key";
    case NetReject::NoiseBadSignature: return "noise_bad_signature";
    case NetReject::NoisePeerMismatch: return "noise_peer_mismatch";
    case NetReject::NoiseMuxerMismatch: return "noise_muxer_mismatch";
    case NetReject::NoiseDecryptFailed: return "noise_decrypt_failed";
    case NetReject::YamuxProtocolError: return "yamux_protocol_error";
    case NetReject::YamuxWindowExceeded: return "yamux_window_exceeded";
    case NetReject::YamuxTooManyStreams: return "yamux_too_many_streams";
    case NetReject::IdentifyMalformed: return "identify_malformed";
    case NetReject::PingMalformed: return "ping_malformed";
    case NetReject::HandshakeTimeout: return "handshake_timeout";
    case NetReject::BlockedPeer: return "blocked_peer";
    case NetReject::ConnectionLimit: return "connection_limit";
    case NetReject::count_: break;
    }
    return "unknown";
}

const char *dropReasonName(DropReason reason) {
    switch (reason) {
    case DropReason::PendingOutputOverCap: return "pending_output_over_cap";
    case DropReason::TooManyStreams: return "too_many_streams";
    case DropReason::Idle: return "idle";
    case DropReason::HandshakeTimeout: return "handshake_timeout";
    case DropReason::TooManyConnections: return "too_many_connections";
    case DropReason::TooManySessions: return "too_many_sessions";
    case DropReason::OversizeRequest: return "oversize_request";
    case DropReason::count_: break;
    }
    return "unknown";
}

uint64_t NetCounters::rejectedTotal() const {
    uint64_t t = 0;
    for (const auto &c : rejects_) t += c.load(std::memory_order_relaxed);
    return t;
}

QMap<QString, uint64_t> NetCounters::rejectSnapshot() const {
    QMap<QString, uint64_t> m;
    for (size_t i = 0; i < kNetRejectCount; ++i)
        m.insert(QString::fromLatin1(netRejectName(NetReject(i))),
                 rejects_[i].load(std::memory_order_relaxed));
    return m;
}

QMap<QString, uint64_t> NetCounters::dropSnapshot() const {
    QMap<QString, uint64_t> m;
    for (size_t i = 0; i < kDropReasonCount; ++i)
        m.insert(QString::fromLatin1(dropReasonName(DropReason(i))), drops_[i].load(std::memory_order_relaxed));
    return m;
}

}  // namespace dn
