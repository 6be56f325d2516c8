#pragma once
// Bounds of the client API (docs/API.md). Every size a client controls is
// checked against one of these before the node spends memory on it.
#include <QtGlobal>

namespace dn::api {

inline constexpr qint64 kMiB = 1 << 20;
// Arguments of one call (JSON-RPC argsJson, context initArgs).
inline constexpr qint64 kMaxArgsBytes = 10 * kMiB;
// A single-shot blob upload (PUT /admin-api/blobs); larger blobs use upload sessions.
inline constexpr qint64 kMaxBlobPutBytes = 16 * kMiB;
// One part of a chunked upload session.
inline constexpr qint64 kMaxUploadPartBytes = kMiB;
// Any request, headers included: the largest legitimate body plus slack. The
// HTTP layer buffers a whole request, so this also bounds memory per connection.
inline constexpr qint64 kMaxRequestBytes = kMaxBlobPutBytes + kMiB;
// Request line and headers.
inline constexpr qint64 kMaxHeaderBytes = 16 * 1024;
// A WebSocket client with more unsent data than this is dropped.
inline constexpr qint64 kMaxWebSocketBacklog = 8 * kMiB;
// Largest WebSocket message a client may send (an execute with maximal args).
inline constexpr qint64 kMaxWebSocketMessage = kMaxArgsBytes + kMiB;
// Upload sessions without activity for this long are dropped.
inline constexpr qint64 kUploadIdleMs = 10 * 60 * 1000;
// Upload sessions open at once (each may buffer up to one chunk).
inline constexpr int kMaxUploadSessions = 64;
// A blob download writes the next chunk once fewer bytes than this are unsent.
inline constexpr qint64 kStreamLowWater = kMiB;
// State listing.
inline constexpr int kDefaultStateLimit = 100;
inline constexpr int kMaxStateLimit = 10000;
// JSON-RPC batch requests.
inline constexpr int kMaxBatch = 1000;

}  // namespace dn::api
