#include "codec/RejectReason.h"

namespace dn {

const char *rejectReasonName(RejectReason reason) {
    switch (reason) {
    case RejectReason::Malformed: return "malformed";
    case RejectReason::Oversized: return "oversized";
    case RejectReason::BadSignature: return "bad_signature";
    case RejectReason::DecryptFailed: return "decrypt_failed";
    case RejectReason::IdMismatch: return "id_mismatch";
    case RejectReason::HeaderMismatch: return "header_mismatch";
    case RejectReason::Parentless: return "parentless";
    case RejectReason::WrongContext: return "wrong_context";
    case RejectReason::count_: break;
    }
    return "unknown";
}

}  // namespace dn
