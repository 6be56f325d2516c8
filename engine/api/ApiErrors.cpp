#include "api/ApiErrors.h"

namespace dn::apierr {

int httpStatus(const Error &e) { return errorInfo(e.code).httpStatus; }

int jsonRpcCode(const Error &e) { return errorInfo(e.code).jsonRpc; }

}  // namespace dn::apierr
