#pragma once
// How engine and node errors (dn::Error codes) map onto the client API's
// answers: HTTP statuses for REST, JSON-RPC error codes for calls.
#include "util/Result.h"

namespace dn::apierr {

// JSON-RPC 2.0 codes (docs/API.md).
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternal = -32603;
inline constexpr int kUnknownContext = -32001;
inline constexpr int kUnknownAppMethod = -32002;
inline constexpr int kCallFailed = -32003;
inline constexpr int kAppError = -32004;

int httpStatus(const Error &e);
int jsonRpcCode(const Error &e);

}  // namespace dn::apierr
