#pragma once
// Recomputes a context's heads and root hash from what is on disk and
// compares them with its record: the check run after a crash, in tests, and
// by `deltactl dag --verify`.
#include "context/EngineTypes.h"

namespace dn {

class Store;
class ContextRuntime;

IntegrityReport verifyContext(Store &store, ContextRuntime &rt);

}  // namespace dn
