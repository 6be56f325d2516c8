#include "codec/RejectReason.h"

namespace dn {

ErrorCode errorCodeOf(RejectReason reason) {
    switch (reason) {
    case RejectReason::Malformed: return ErrorCode::Malformed;
    case RejectReason::Oversized: return ErrorCode::Oversized;
    case RejectReason::BadSignature: return ErrorCode::BadSignature;
    case RejectReason::DecryptFailed: return ErrorCode::DecryptFailed;
    case RejectReason::IdMismatch: return ErrorCode::IdMismatch;
    case RejectReason::HeaderMismatch: return ErrorCode::HeaderMismatch;
    case RejectReason::Parentless: return ErrorCode::Parentless;
    case RejectReason::WrongContext: return ErrorCode::WrongContext;
    case RejectReason::UnknownEpoch: return ErrorCode::UnknownEpoch;
    case RejectReason::NotAMember: return ErrorCode::NotAMember;
    case RejectReason::NotAnAdmin: return ErrorCode::NotAnAdmin;
    case RejectReason::InvalidGovernance: return ErrorCode::InvalidGovernance;
    case RejectReason::HlcDrift: return ErrorCode::HlcDrift;
    case RejectReason::SnapshotRefused: return ErrorCode::SnapshotRefused;
    case RejectReason::count_: break;
    }
    return ErrorCode::Malformed;
}

const char *rejectReasonName(RejectReason reason) { return errorInfo(errorCodeOf(reason)).wire; }

}  // namespace dn
