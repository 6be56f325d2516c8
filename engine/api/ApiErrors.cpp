#include "api/ApiErrors.h"

namespace dn::apierr {

int httpStatus(const Error &e) {
    const QString &c = e.code;
    if (c == QLatin1String("not_found") || c.endsWith(QLatin1String("_not_found"))) return 404;
    if (c == QLatin1String("already_member") || c == QLatin1String("conflict")) return 409;
    if (c == QLatin1String("too_large")) return 413;
    if (c == QLatin1String("storage_error") || c == QLatin1String("internal") || c == QLatin1String("io") ||
        c == QLatin1String("corrupt") || c == QLatin1String("identity"))
        return 500;
    if (c == QLatin1String("not_available")) return 503;
    return 400;  // the request was refused for what it asked: invalid input, failed init, bad invitation…
}

int jsonRpcCode(const Error &e) {
    const QString &c = e.code;
    if (c == QLatin1String("context_not_found")) return kUnknownContext;
    if (c == QLatin1String("method_not_found")) return kUnknownAppMethod;
    if (c == QLatin1String("app_error")) return kAppError;
    if (c == QLatin1String("storage_error") || c == QLatin1String("internal")) return kInternal;
    return kCallFailed;  // trap, timeout, limit_exceeded, host_error, not_synced, app_not_found…
}

}  // namespace dn::apierr
