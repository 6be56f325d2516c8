#pragma once
// What a member signs when it serves a snapshot (ARCHITECTURE §15):
// "deltanode/snapshot/1" ‖ context ‖ epoch ‖ heads ‖ root ‖ SHA-256(covered
// ids, in the order sent). The importer checks it against the Noise peer that
// served the snapshot, so a snapshot is always some member's word, on record.
#include "crypto/Hash32.h"
#include <QByteArray>
#include <vector>

namespace dn {

QByteArray snapshotMessage(const Hash32 &contextId, uint32_t epoch, const std::vector<Hash32> &heads,
                           const Hash32 &root, const std::vector<Hash32> &covered);

}  // namespace dn
