#pragma once
// Latency per pipeline phase (ARCHITECTURE §13) and engine counters. Lock-free, so
// every thread records directly.
#include "metrics/Histogram.h"
#include <atomic>

namespace dn {

struct EngineMetrics {
    Histogram transaction;    // WASM + CRDT + persist, until durable
    Histogram reception;      // decode + verify + decrypt + DAG lookup
    Histogram application;    // merge of one delta into state
    Histogram eventHandlers;  // one handler call incl. its own delta
    Histogram wasmCall;       // the WASM call alone
    std::atomic<uint64_t> transactions{0};
    std::atomic<uint64_t> failedCalls{0};
    std::atomic<uint64_t> deltasApplied{0};
    std::atomic<uint64_t> deltasPending{0};
    std::atomic<uint64_t> deltasDuplicate{0};
    std::atomic<uint64_t> handlersRun{0};
};

}  // namespace dn
