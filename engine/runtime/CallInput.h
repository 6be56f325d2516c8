#pragma once
// Everything one method call needs besides the module itself.
#include "crypto/Hash32.h"
#include <QByteArray>
#include <cstdint>

namespace dn {

class StorageView;

struct CallInput {
    QByteArray method;             // export name
    QByteArray input;              // what `input(reg)` yields: JSON args, or the event data for handlers
    Hash32 contextId;
    Hash32 executorId;
    uint64_t time = 0;             // the transaction's HLC time; what time_now returns
    StorageView *storage = nullptr;  // committed state; nullptr = empty state
};

}  // namespace dn
