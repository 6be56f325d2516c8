#pragma once
// Uploading a file as a blob without ever holding it in memory: 1 MiB parts
// read one at a time and sent in order over the chunked upload API
// (POST blobs/uploads, PUT …/{n}, POST …/finish). Used by `blob put` and by
// `app install` for modules over the raw-body limit.
#include "HttpClient.h"

class QFile;

namespace dn::ctl {

class ProgressBar;

inline constexpr qint64 kUploadPartBytes = 1 << 20;    // the API's part limit
inline constexpr qint64 kRawBodyLimit = 16 << 20;       // PUT blobs / POST applications

// The final answer ({blobId, size}) on success; otherwise the reply that
// failed. `file` must be open for reading at position 0.
HttpReply uploadChunked(HttpClient &http, QFile &file, ProgressBar *progress);

// Small files in one request (PUT blobs), larger ones chunked.
HttpReply uploadBlob(HttpClient &http, QFile &file, ProgressBar *progress);

}  // namespace dn::ctl
