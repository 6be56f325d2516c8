#pragma once
// Every kind of failure the engine reports, in one place. An error crosses
// process boundaries (REST, JSON-RPC, WebSocket, the sync and blob peer
// protocols) as its wire string; clients and tests match that string, so a
// wire string never changes meaning once published. The HTTP status and the
// JSON-RPC code of each kind live in the same row, so the API answers every
// kind the same way wherever it comes from. docs/API.md lists the table.
#include <QString>
#include <QStringView>
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace dn {

// JSON-RPC 2.0 error codes (docs/API.md): the protocol's own and ours.
namespace jsonrpc {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternal = -32603;
inline constexpr int kUnknownContext = -32001;
inline constexpr int kUnknownAppMethod = -32002;
inline constexpr int kCallFailed = -32003;
inline constexpr int kAppError = -32004;
}  // namespace jsonrpc

// Grouped as in docs/API.md. Values are positions in kErrorCodes below.
enum class ErrorCode : unsigned char {
    // The request itself
    InvalidArgument, InvalidId, InvalidArgs, InvalidName, InvalidWasm, BadJson, BadPath, Unsupported,
    Unauthorized, NotFound, MethodNotAllowed, Conflict, AlreadyMember, TooLarge, UpgradeRequired,
    TooManyUploads, HeadersTooLarge, OutOfRange, BadFraming, LengthRequired, HostNotAllowed, OriginNotAllowed,
    RequestTimeout, Busy,
    // Something named does not exist here
    ContextNotFound, AppNotFound, BlobNotFound, UploadNotFound, PeerNotFound, MethodNotFound,
    // The node's own fault
    Internal, StorageError, StorageFailed, Io, Corrupt, Identity, StoreIo, StoreOpen, StoreSchema, StoreLocked,
    BadConfig, BadTokenFile, AlreadyListening, ListenFailed,
    // WASM calls and modules (runtime CallErrorKind)
    CompilationError, LinkError, Trap, LimitExceeded, Timeout, AppError, HostError,
    // Deltas and their envelopes (codec RejectReason and the engine)
    Malformed, Oversized, BadSignature, DecryptFailed, IdMismatch, HeaderMismatch, Parentless, WrongContext,
    Rejected, NotSynced,
    // The trust model (ARCHITECTURE §15)
    UnknownEpoch, HlcDrift, NotAMember, NotAnAdmin, InvalidGovernance, LastAdmin, SnapshotRefused,
    InvitationUsedUp, InvitationRevoked, InvitationUnknown, BadProof,
    // Invitations and joining
    InvalidInvitation, Forged, InvitationExpired, InviterUnreachable, AppFetchFailed, AppMismatch, SyncFailed,
    // Blobs and their transfer between peers
    BlobWriterClosed, PeerUnreachable, TransferFailed, BadTransfer, BlobMismatch,
    // The p2p transport
    BadMultiaddr, BadPeerId, SelfDial, Blocked, DnsFailed, DialFailed, NotConnected, ConnectionClosed,
    StreamClosed, StreamLimit, ProtocolNegotiation, IdentifyMalformed, PingMalformed, InvalidTopic,
    count_
};

struct ErrorCodeInfo {
    ErrorCode code;
    const char *wire;  // stable snake_case string seen by clients and peers
    int httpStatus;    // REST answer
    int jsonRpc;       // JSON-RPC error.code (the wire string goes in error.data.code)
};

namespace errorcode_detail {
using jsonrpc::kAppError, jsonrpc::kCallFailed, jsonrpc::kInternal, jsonrpc::kUnknownAppMethod,
    jsonrpc::kUnknownContext;
using C = ErrorCode;
}  // namespace errorcode_detail

inline constexpr std::array<ErrorCodeInfo, size_t(ErrorCode::count_)> kErrorCodes = [] {
    using namespace errorcode_detail;
    return std::array<ErrorCodeInfo, size_t(ErrorCode::count_)>{{
        {C::InvalidArgument, "invalid_argument", 400, kCallFailed},
        {C::InvalidId, "invalid_id", 400, kCallFailed},
        {C::InvalidArgs, "invalid_args", 400, kCallFailed},
        {C::InvalidName, "invalid_name", 400, kCallFailed},
        {C::InvalidWasm, "invalid_wasm", 400, kCallFailed},
        {C::BadJson, "bad_json", 400, kCallFailed},
        {C::BadPath, "bad_path", 400, kCallFailed},
        {C::Unsupported, "unsupported", 400, kCallFailed},
        {C::Unauthorized, "unauthorized", 401, kCallFailed},
        {C::NotFound, "not_found", 404, kCallFailed},
        {C::MethodNotAllowed, "method_not_allowed", 405, kCallFailed},
        {C::Conflict, "conflict", 409, kCallFailed},
        {C::AlreadyMember, "already_member", 409, kCallFailed},
        {C::TooLarge, "too_large", 413, kCallFailed},
        {C::UpgradeRequired, "upgrade_required", 426, kCallFailed},
        {C::TooManyUploads, "too_many_uploads", 429, kCallFailed},
        {C::HeadersTooLarge, "headers_too_large", 431, kCallFailed},
        {C::OutOfRange, "out_of_range", 400, kCallFailed},
        {C::BadFraming, "bad_framing", 400, kCallFailed},
        {C::LengthRequired, "length_required", 411, kCallFailed},
        {C::HostNotAllowed, "host_not_allowed", 421, kCallFailed},
        {C::OriginNotAllowed, "origin_not_allowed", 403, kCallFailed},
        {C::RequestTimeout, "request_timeout", 408, kCallFailed},
        {C::Busy, "busy", 503, kCallFailed},
        {C::ContextNotFound, "context_not_found", 404, kUnknownContext},
        {C::AppNotFound, "app_not_found", 404, kCallFailed},
        {C::BlobNotFound, "blob_not_found", 404, kCallFailed},
        {C::UploadNotFound, "upload_not_found", 404, kCallFailed},
        {C::PeerNotFound, "peer_not_found", 404, kCallFailed},
        {C::MethodNotFound, "method_not_found", 404, kUnknownAppMethod},
        {C::Internal, "internal", 500, kInternal},
        {C::StorageError, "storage_error", 500, kInternal},
        {C::StorageFailed, "storage_failed", 503, kInternal},
        {C::Io, "io", 500, kCallFailed},
        {C::Corrupt, "corrupt", 500, kCallFailed},
        {C::Identity, "identity", 500, kCallFailed},
        {C::StoreIo, "store_io", 500, kCallFailed},
        {C::StoreOpen, "store_open", 500, kCallFailed},
        {C::StoreSchema, "store_schema", 500, kCallFailed},
        {C::StoreLocked, "store_locked", 500, kCallFailed},
        {C::BadConfig, "bad_config", 400, kCallFailed},
        {C::BadTokenFile, "bad_token_file", 500, kCallFailed},
        {C::AlreadyListening, "already_listening", 400, kCallFailed},
        {C::ListenFailed, "listen_failed", 400, kCallFailed},
        {C::CompilationError, "compilation_error", 400, kCallFailed},
        {C::LinkError, "link_error", 400, kCallFailed},
        {C::Trap, "trap", 400, kCallFailed},
        {C::LimitExceeded, "limit_exceeded", 400, kCallFailed},
        {C::Timeout, "timeout", 400, kCallFailed},
        {C::AppError, "app_error", 400, kAppError},
        {C::HostError, "host_error", 400, kCallFailed},
        {C::Malformed, "malformed", 400, kCallFailed},
        {C::Oversized, "oversized", 400, kCallFailed},
        {C::BadSignature, "bad_signature", 400, kCallFailed},
        {C::DecryptFailed, "decrypt_failed", 400, kCallFailed},
        {C::IdMismatch, "id_mismatch", 400, kCallFailed},
        {C::HeaderMismatch, "header_mismatch", 400, kCallFailed},
        {C::Parentless, "parentless", 400, kCallFailed},
        {C::WrongContext, "wrong_context", 400, kCallFailed},
        {C::Rejected, "rejected", 400, kCallFailed},
        {C::NotSynced, "not_synced", 400, kCallFailed},
        {C::UnknownEpoch, "unknown_epoch", 400, kCallFailed},
        {C::HlcDrift, "hlc_drift", 400, kCallFailed},
        {C::NotAMember, "not_a_member", 403, kCallFailed},
        {C::NotAnAdmin, "not_an_admin", 403, kCallFailed},
        {C::InvalidGovernance, "invalid_governance", 400, kCallFailed},
        {C::LastAdmin, "last_admin", 409, kCallFailed},
        {C::SnapshotRefused, "snapshot_refused", 400, kCallFailed},
        {C::InvitationUsedUp, "invitation_used_up", 400, kCallFailed},
        {C::InvitationRevoked, "invitation_revoked", 400, kCallFailed},
        {C::InvitationUnknown, "invitation_unknown", 400, kCallFailed},
        {C::BadProof, "bad_proof", 400, kCallFailed},
        {C::InvalidInvitation, "invalid_invitation", 400, kCallFailed},
        {C::Forged, "forged", 400, kCallFailed},
        {C::InvitationExpired, "invitation_expired", 400, kCallFailed},
        {C::InviterUnreachable, "inviter_unreachable", 400, kCallFailed},
        {C::AppFetchFailed, "app_fetch_failed", 400, kCallFailed},
        {C::AppMismatch, "app_mismatch", 400, kCallFailed},
        {C::SyncFailed, "sync_failed", 400, kCallFailed},
        {C::BlobWriterClosed, "blob_writer_closed", 400, kCallFailed},
        {C::PeerUnreachable, "peer_unreachable", 400, kCallFailed},
        {C::TransferFailed, "transfer_failed", 400, kCallFailed},
        {C::BadTransfer, "bad_transfer", 400, kCallFailed},
        {C::BlobMismatch, "blob_mismatch", 400, kCallFailed},
        {C::BadMultiaddr, "bad_multiaddr", 400, kCallFailed},
        {C::BadPeerId, "bad_peer_id", 400, kCallFailed},
        {C::SelfDial, "self_dial", 400, kCallFailed},
        {C::Blocked, "blocked", 400, kCallFailed},
        {C::DnsFailed, "dns_failed", 400, kCallFailed},
        {C::DialFailed, "dial_failed", 400, kCallFailed},
        {C::NotConnected, "not_connected", 400, kCallFailed},
        {C::ConnectionClosed, "connection_closed", 400, kCallFailed},
        {C::StreamClosed, "stream_closed", 400, kCallFailed},
        {C::StreamLimit, "stream_limit", 400, kCallFailed},
        {C::ProtocolNegotiation, "protocol_negotiation", 400, kCallFailed},
        {C::IdentifyMalformed, "identify_malformed", 400, kCallFailed},
        {C::PingMalformed, "ping_malformed", 400, kCallFailed},
        {C::InvalidTopic, "invalid_topic", 400, kCallFailed},
    }};
}();

// Row i describes ErrorCode i: a row added out of order fails the build here.
static_assert([] {
    for (size_t i = 0; i < kErrorCodes.size(); ++i)
        if (size_t(kErrorCodes[i].code) != i) return false;
    return true;
}());

constexpr const ErrorCodeInfo &errorInfo(ErrorCode code) { return kErrorCodes[size_t(code)]; }
inline QLatin1String wireName(ErrorCode code) { return QLatin1String(errorInfo(code).wire); }

// Former synonyms, now one code each: still understood when read back (a
// refusal from a peer running an older version), never sent.
struct ErrorCodeAlias {
    const char *wire;
    ErrorCode code;
};
inline constexpr ErrorCodeAlias kErrorCodeAliases[] = {
    {"unknown_context", ErrorCode::ContextNotFound},
    {"app_not_installed", ErrorCode::AppNotFound},
    {"app_missing", ErrorCode::AppNotFound},
    {"bad_argument", ErrorCode::InvalidArgument},
    {"bad_request", ErrorCode::InvalidArgument},
};

// The code a wire string names (its own or a former synonym); nullopt for
// a string no version of this node sends.
inline std::optional<ErrorCode> errorCodeFromWire(QStringView wire) {
    for (const ErrorCodeInfo &i : kErrorCodes)
        if (wire == QLatin1String(i.wire)) return i.code;
    for (const ErrorCodeAlias &a : kErrorCodeAliases)
        if (wire == QLatin1String(a.wire)) return a.code;
    return std::nullopt;
}

}  // namespace dn
