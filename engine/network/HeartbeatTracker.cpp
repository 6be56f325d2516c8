#include "network/HeartbeatTracker.h"
#include <algorithm>

namespace dn {

Heartbeat HeartbeatTracker::of(const ContextInfo &info) {
    Heartbeat hb{info.id, info.rootHash, info.heads};
    std::sort(hb.heads.begin(), hb.heads.end());
    return hb;
}

std::vector<Heartbeat> HeartbeatTracker::due(const std::vector<ContextInfo> &contexts) {
    std::vector<Heartbeat> out;
    std::unordered_map<Hash32, Heartbeat> seen;
    for (const ContextInfo &info : contexts) {
        Heartbeat hb = of(info);
        auto last = last_.find(info.id);
        const bool changed = last == last_.end() || last->second != hb;
        if (changed || requested_.count(info.id)) {
            out.push_back(hb);
            ++sent_;
        } else {
            ++skipped_;
        }
        seen.emplace(info.id, std::move(hb));
    }
    last_ = std::move(seen);
    requested_.clear();
    return out;
}

}  // namespace dn
