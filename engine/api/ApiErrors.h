#pragma once
// How engine and node errors map onto the client API's answers: the HTTP
// status for REST and the JSON-RPC error code, both from the one table in
// util/ErrorCode.h.
#include "util/Result.h"

namespace dn::apierr {

// JSON-RPC 2.0 codes (docs/API.md).
using jsonrpc::kAppError;
using jsonrpc::kCallFailed;
using jsonrpc::kInternal;
using jsonrpc::kInvalidParams;
using jsonrpc::kInvalidRequest;
using jsonrpc::kMethodNotFound;
using jsonrpc::kParseError;
using jsonrpc::kUnknownAppMethod;
using jsonrpc::kUnknownContext;

int httpStatus(const Error &e);
int jsonRpcCode(const Error &e);

}  // namespace dn::apierr
