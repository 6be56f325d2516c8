#pragma once
// Making one engine a member of another's context without the network
// (ARCHITECTURE §15): the admin writes member.add, the new member records the
// context with the admin's epoch keys — what the join protocol does.
#include "context/Engine.h"
#include <future>

namespace dn::test {

template <typename T, typename Start>
Result<T> await(Start &&start) {
    auto promise = std::make_shared<std::promise<Result<T>>>();
    auto future = promise->get_future();
    start([promise](Result<T> r) { promise->set_value(std::move(r)); });
    return future.get();
}

inline Result<Hash32> addMember(Engine &admin, const Hash32 &ctx, const Hash32 &memberKey, Role role = Role::Member) {
    return await<Hash32>([&](auto cb) { admin.addMember(ctx, memberKey, role, cb); });
}

inline Result<Hash32> removeMember(Engine &admin, const Hash32 &ctx, const Hash32 &memberKey) {
    return await<Hash32>([&](auto cb) { admin.removeMember(ctx, memberKey, cb); });
}

// `member` joins `ctx` (already added by the caller, or `add` it now) with
// every epoch key `admin` holds. The context's history still has to reach it.
inline Result<ContextInfo> joinWithKeysOf(Engine &admin, Engine &member, const Hash32 &ctx, const Hash32 &appId,
                                          bool add = true, Role role = Role::Member) {
    if (add)
        if (auto r = addMember(admin, ctx, member.identity().publicKey(), role); !r) return r.error();
    auto ring = admin.keyRing(ctx);
    if (!ring) return ring.error();
    Engine::JoinGrant grant;
    grant.keys = ring->all();
    return member.joinContext(ctx, appId, grant, QStringLiteral("joined"));
}

}  // namespace dn::test
