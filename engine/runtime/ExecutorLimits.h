#pragma once
// How the executor shares its workers between contexts (ARCHITECTURE §3).
// Unlike RuntimeLimits, which bound one call, these bound the queues in front
// of the workers and say when a context counts as heavy.
#include <chrono>
#include <cstddef>

namespace dn {

struct ExecutorLimits {
    // Tasks one context may have waiting; a refusable post beyond it answers
    // `busy`. Above one sync page (kMaxEnvelopesPerPage = 1000) with room, so
    // a page is refused only for a context that is already backed up.
    size_t maxQueuedPerContext = 2048;
    // Tasks all contexts together may have waiting (bounds memory: a task
    // holds its arguments, e.g. a delta envelope).
    size_t maxQueued = 16384;
    // A context is heavy while its current task has run longer than this, or
    // while the running average of its recent tasks' durations is above it.
    std::chrono::microseconds heavyAfter{20000};
};

}  // namespace dn
