#pragma once
// Why a received delta envelope was refused. One value per check of
// openEnvelope(), so metrics and logs say exactly which check failed.
#include "util/ErrorCode.h"
#include <QString>
#include <cstddef>

namespace dn {

enum class RejectReason {
    Malformed,       // not a DeltaEnvelope/DeltaBody, or a field of the wrong size
    Oversized,       // a CodecLimits bound is exceeded
    BadSignature,    // the author's signature over (context, id) does not verify
    DecryptFailed,   // the AEAD tag does not verify under our context key
    IdMismatch,      // id != SHA-256(decrypted body bytes)
    HeaderMismatch,  // envelope header (context, author, hlc, parents) != body
    Parentless,      // no parents (genesis has the single parent [0;32])
    WrongContext,    // the envelope names another context than expected
    UnknownEpoch,    // sealed with an epoch key this node was not given
    NotAMember,      // the author is not a member where the delta stands (ARCHITECTURE §15)
    NotAnAdmin,      // a governance delta whose author is not an admin there
    InvalidGovernance,  // a governance action that breaks a rule (last admin, bad epoch, ...)
    HlcDrift,        // the delta's clock is too far ahead of ours
    SnapshotRefused, // a snapshot not signed by a member, not adding up, or disagreeing with another member
    count_
};

inline constexpr size_t kRejectReasonCount = static_cast<size_t>(RejectReason::count_);

// The dn::Error code of each reason, and its wire string for metrics labels,
// e.g. "bad_signature".
ErrorCode errorCodeOf(RejectReason reason);
const char *rejectReasonName(RejectReason reason);

struct OpenError {
    RejectReason reason;
    QString message;  // one readable sentence
};

}  // namespace dn
