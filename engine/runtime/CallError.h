#pragma once
// Why a WASM call (or a module compilation) failed. Mirrors the reference
// system's FunctionCallError kinds so clients see familiar categories.
#include "util/ErrorCode.h"
#include <QString>

namespace dn {

enum class CallErrorKind {
    Compilation,     // not a valid module
    Link,            // bad imports/exports (unknown import, missing memory, wrong signature)
    MethodNotFound,  // no export of that name with type () -> ()
    Trap,            // wasm trap, panic_utf8, out-of-bounds host access, bad UTF-8
    LimitExceeded,   // a RuntimeLimits bound was hit
    Timeout,         // the watchdog terminated the call
    AppError,        // the app returned value_return with tag 1 (Err)
    HostError,       // the app misused a host function (reserved key, missing register, ...)
};

// The dn::Error code of each kind, and its wire string ("trap", "timeout", …).
ErrorCode errorCodeOf(CallErrorKind kind);
const char *callErrorKindName(CallErrorKind kind);

struct CallError {
    CallErrorKind kind;
    QString message;
};

}  // namespace dn
