#include "node/ProcessLimits.h"
#include <algorithm>
#include <sys/resource.h>

namespace dn {

FileLimit raiseFileLimit() {
    FileLimit out;
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return out;
    constexpr rlim_t kCeiling = rlim_t(1) << 20;
    out.before = uint64_t(rl.rlim_cur);
    out.hard = rl.rlim_max == RLIM_INFINITY ? UINT64_MAX : uint64_t(rl.rlim_max);
    const rlim_t target = rl.rlim_max == RLIM_INFINITY ? kCeiling : std::min(rl.rlim_max, std::max(kCeiling, rl.rlim_cur));
    if (target > rl.rlim_cur) {
        rlimit raised = rl;
        raised.rlim_cur = target;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
    }
    out.soft = uint64_t(rl.rlim_cur);
    return out;
}

}  // namespace dn
