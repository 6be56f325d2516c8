#pragma once
// Per-call resource limits of the WASM runtime (ARCHITECTURE §7, reference §4.3).
// Exceeding any of them aborts the call with CallErrorKind::LimitExceeded and
// nothing of the call is committed.
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace dn {

struct RuntimeLimits {
    uint32_t maxMemoryPages = 1024;           // 64 KiB pages → 64 MiB; memory.grow past it returns -1
    size_t maxModuleBytes = 20 << 20;
    size_t maxKey = 1 << 20;
    size_t maxValue = 10 << 20;
    size_t maxReturn = 16 << 20;
    size_t maxLogLines = 1024;
    size_t maxLogLine = 16 << 10;
    size_t maxEvents = 100;
    size_t maxEventKind = 100;
    size_t maxEventData = 16 << 10;
    size_t maxRegisters = 100;                // distinct register ids alive in one call
    size_t maxRegisterBytes = 100 << 20;      // per register
    size_t maxMethodName = 256;
    size_t maxWrites = 100000;                // storage_write/remove/counter_add per call
    size_t maxWrittenBytes = 128 << 20;       // key + value bytes written per call
    size_t maxScanEntries = 10000;            // storage_scan stops here ...
    size_t maxScanBytes = 16 << 20;           // ... or here (encoded size)
    std::chrono::milliseconds timeout{1000};  // wall time per call (watchdog)
};

}  // namespace dn
