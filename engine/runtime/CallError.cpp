#include "runtime/CallError.h"

namespace dn {

const char *callErrorKindName(CallErrorKind kind) {
    switch (kind) {
    case CallErrorKind::Compilation: return "compilation_error";
    case CallErrorKind::Link: return "link_error";
    case CallErrorKind::MethodNotFound: return "method_not_found";
    case CallErrorKind::Trap: return "trap";
    case CallErrorKind::LimitExceeded: return "limit_exceeded";
    case CallErrorKind::Timeout: return "timeout";
    case CallErrorKind::AppError: return "app_error";
    case CallErrorKind::HostError: return "host_error";
    }
    return "unknown_error";
}

}  // namespace dn
