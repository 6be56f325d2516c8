#pragma once
// The d/<ctx>/<id> record (pb::StoredDelta) <-> StoredDeltaInfo.
#include "dag/DagTypes.h"
#include <QByteArray>
#include <optional>

namespace dn {

QByteArray encodeDeltaRecord(const StoredDeltaInfo &info);
// nullopt if the bytes are not a StoredDelta.
std::optional<StoredDeltaInfo> decodeDeltaRecord(const QByteArray &bytes);

}  // namespace dn
