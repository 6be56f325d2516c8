#include "runtime/CallError.h"

namespace dn {

ErrorCode errorCodeOf(CallErrorKind kind) {
    switch (kind) {
    case CallErrorKind::Compilation: return ErrorCode::CompilationError;
    case CallErrorKind::Link: return ErrorCode::LinkError;
    case CallErrorKind::MethodNotFound: return ErrorCode::MethodNotFound;
    case CallErrorKind::Trap: return ErrorCode::Trap;
    case CallErrorKind::LimitExceeded: return ErrorCode::LimitExceeded;
    case CallErrorKind::Timeout: return ErrorCode::Timeout;
    case CallErrorKind::AppError: return ErrorCode::AppError;
    case CallErrorKind::HostError: return ErrorCode::HostError;
    }
    return ErrorCode::Internal;
}

const char *callErrorKindName(CallErrorKind kind) { return errorInfo(errorCodeOf(kind)).wire; }

}  // namespace dn
