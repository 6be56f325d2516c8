#pragma once
// DeltaBody <-> protobuf bytes. The id of a delta is SHA-256 of the exact bytes
// produced here (and carried on the wire), so encoding is deterministic and
// receivers keep the bytes they were sent rather than re-encoding.
#include "codec/CodecLimits.h"
#include "codec/Delta.h"
#include "util/Result.h"

#include <QByteArray>
#include <QByteArrayView>

namespace dn {

QByteArray encodeBody(const DeltaBody &body);

// Error codes: "oversized" (a CodecLimits bound is exceeded) or "malformed"
// (not a DeltaBody protobuf, an id/key that is not 32 bytes, an action with
// no kind).
Result<DeltaBody> decodeBody(QByteArrayView bytes, const CodecLimits &limits = {});

}  // namespace dn
