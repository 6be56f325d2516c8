#include "network/HeartbeatTracker.h"
#include "crypto/Sha256.h"
#include "deltanode.pb.h"
#include <algorithm>

namespace dn {

QByteArray HeartbeatTracker::encode(const ContextInfo &info) {
    ::deltanode::pb::HashHeartbeat hb;
    hb.set_context_id(info.id.data(), 32);
    hb.set_root_hash(info.rootHash.data(), 32);
    std::vector<Hash32> heads = info.heads;
    std::sort(heads.begin(), heads.end());  // one encoding per set of heads
    for (const Hash32 &h : heads) hb.add_heads(h.data(), 32);
    std::string bytes;
    hb.SerializeToString(&bytes);
    return QByteArray::fromStdString(bytes);
}

std::vector<HeartbeatTracker::Beat> HeartbeatTracker::due(const std::vector<ContextInfo> &contexts) {
    std::vector<Beat> out;
    std::unordered_map<Hash32, Hash32> seen;
    for (const ContextInfo &info : contexts) {
        QByteArray message = encode(info);
        const Hash32 digest = sha256(message);
        seen.emplace(info.id, digest);
        auto last = lastDigest_.find(info.id);
        const bool changed = last == lastDigest_.end() || last->second != digest;
        if (changed || requested_.count(info.id)) {
            out.push_back({info.id, std::move(message)});
            ++sent_;
        } else {
            ++skipped_;
        }
    }
    lastDigest_ = std::move(seen);
    requested_.clear();
    return out;
}

}  // namespace dn

