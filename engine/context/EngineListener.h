#pragma once
// Notifications from the engine. Called on executor/committer threads; an
// implementation must be quick and thread-safe (the node forwards them to its
// own thread with queued signals).
#include "codec/Delta.h"
#include "util/Result.h"

namespace dn {

class EngineListener {
public:
    virtual ~EngineListener() = default;
    // A delta authored here is durable: time to publish its envelope.
    virtual void localDeltaDurable(const Hash32 &contextId, const Hash32 &deltaId, const QByteArray &envelope) {}
    // A delta (local or remote) was merged into the context's state.
    virtual void stateMutated(const Hash32 &contextId, const Delta &delta, const Hash32 &newRoot, bool local) {}
    // A received envelope was refused (counted by reason as well).
    virtual void deltaRejected(const Hash32 &contextId, const QString &reason, const QString &message) {}
    // The store failed (a LevelDB write or read error; code storage_failed):
    // the engine refuses every change from now on and the node must stop.
    // Called once, on the thread that met the error.
    virtual void storageFailed(const Error &error) {}
};

}  // namespace dn
