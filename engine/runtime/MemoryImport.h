#pragma once
// Rewrites a validated module so that its linear memory is imported from the
// host (as `dn.internal`.`memory`, same limits) instead of defined by the
// module. Each call still runs on a fresh instance whose memory is all zeros
// plus the data segments, but the worker can recycle one memory per app:
// zeroing it in place costs a memset, while a freshly defined memory per call
// costs mmap/munmap, page faults and TLB shootdowns (tens of µs per call).
// The rewrite is invisible to the app: index 0 is still its memory, its
// `memory` export still exports it, memory.grow and its maximum are unchanged.
#include "util/Result.h"
#include <QByteArray>

namespace dn {

inline constexpr const char *kMemoryImportModule = "dn.internal";
inline constexpr const char *kMemoryImportName = "memory";

// `bytes` must define exactly one (non-shared, 32-bit) memory and import none.
Result<QByteArray> importMemory(const QByteArray &bytes);

}  // namespace dn
