#pragma once
// The result of one method call. If `error` is set nothing of the call may be
// committed: `actions` and `events` are then empty (logs are kept, they help
// the person debugging the app).
#include "codec/Delta.h"
#include "runtime/CallError.h"
#include <QByteArray>
#include <QStringList>
#include <optional>
#include <vector>

namespace dn {

struct CallOutcome {
    std::optional<CallError> error;
    // value_return bytes. Tag 0: the result. Tag 1: error is AppError with
    // message = these bytes as UTF-8, and the raw bytes stay here too.
    QByteArray returnValue;
    QStringList logs;
    std::vector<Event> events;
    std::vector<Action> actions;   // in call order
    int64_t elapsedUs = 0;

    bool ok() const { return !error.has_value(); }
};

}  // namespace dn
