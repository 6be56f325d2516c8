// Engine's read-only queries (run on the context's worker or straight off the
// store) and the periodic maintenance the node's timers trigger. Apart from
// Engine.cpp, which keeps apps, contexts, calls and received deltas.
#include "context/Engine.h"
#include "context/EngineImpl.h"
#include "context/Integrity.h"
#include "codec/DeltaCodec.h"
#include "dag/DeltaRecord.h"
#include "state/Hlc.h"
#include "store/Keys.h"
#include "store/Store.h"
#include <QDateTime>
#include <algorithm>
#include <shared_mutex>

namespace dn {

using engine_detail::waitFor;

namespace {
int64_t nowMs() { return QDateTime::currentMSecsSinceEpoch(); }
}  // namespace

// ---- queries ----

// Runs `body` as one of the context's tasks and waits for its value. A read
// that failed meanwhile (fail-stop) makes the answer storage_failed: the value
// may have been built on "not stored" where the store could not say. Busy
// when the executor's queues are full.
#define DN_ON_CONTEXT(T, contextId, body)                                                                      \
    auto rt = d->find(contextId);                                                                             \
    if (!rt) return errors::contextNotFound(contextId);   \
    return waitFor<T>([&](auto cb) {                                                                          \
        auto posted = d->post(*rt, [&, rt, cb](Worker &) {                                                    \
            auto value = body;                                                                                \
            if (auto f = d->failure()) return cb(*f);                                                         \
            cb(std::move(value));                                                                             \
        });                                                                                                   \
        if (!posted) cb(posted.error());                                                                      \
    });

Result<std::vector<QByteArray>> Engine::envelopes(const Hash32 &contextId, const std::vector<Hash32> &ids) {
    DN_ON_CONTEXT(std::vector<QByteArray>, contextId, (rt->dag().envelopes(ids, d->options.dag.maxQuery)))
}

Result<std::vector<Hash32>> Engine::missingParents(const Hash32 &contextId) {
    DN_ON_CONTEXT(std::vector<Hash32>, contextId, (rt->dag().missingParents()))
}

Result<std::vector<StateItem>> Engine::stateItems(const Hash32 &contextId, const QByteArray &prefix, size_t limit) {
    DN_ON_CONTEXT(std::vector<StateItem>, contextId, ([&] {
        std::vector<StateItem> items;
        rt->state().forEach(prefix, [&](const StateEntry &e) {
            items.push_back({e.key, e.isCounter, e.value, e.counter});
            return items.size() < limit;
        });
        return items;
    }()))
}

Result<IntegrityReport> Engine::verify(const Hash32 &contextId) {
    DN_ON_CONTEXT(IntegrityReport, contextId, (verifyContext(*d->store, *rt)))
}
#undef DN_ON_CONTEXT

Result<std::vector<DeltaSummary>> Engine::deltas(const Hash32 &contextId, size_t limit) {
    if (!d->find(contextId))
        return errors::contextNotFound(contextId);
    std::vector<DeltaSummary> out;
    const QByteArray prefix = keys::deltaPrefix(contextId);
    const Hash32 self = d->identity->publicKey();
    d->store->scan(prefix, [&](const QByteArray &key, const QByteArray &value) {
        auto rec = decodeDeltaRecord(value);
        auto id = Hash32::fromBytes(key.mid(prefix.size()));
        if (!rec || !id || rec->pruned) return true;
        auto body = decodeBody(rec->body);
        if (!body) return true;
        DeltaSummary s;
        s.id = *id;
        s.parents = std::move(body->parents);
        s.author = body->author;
        s.hlc = body->hlc;
        s.applied = rec->applied;
        s.local = body->author == self;
        s.receivedAtMs = rec->receivedAtMs;
        s.actions = std::move(body->actions);
        s.events = std::move(body->events);
        out.push_back(std::move(s));
        return true;
    });
    if (auto f = d->failure()) return *f;  // the scan may have stopped short
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.hlc > b.hlc; });
    if (out.size() > limit) out.resize(limit);
    return out;
}

size_t Engine::cleanupPending() {
    if (d->failure()) return 0;
    size_t dropped = 0;
    std::vector<std::shared_ptr<ContextRuntime>> all;
    {
        std::shared_lock lock(d->mutex);
        for (auto &[id, rt] : d->contexts) all.push_back(rt);
    }
    for (auto &rt : all) {
        auto r = waitFor<size_t>([&](auto cb) {
            // Refusable: maintenance comes round again; a busy context skips a turn.
            if (auto p = d->post(*rt, [rt, cb](Worker &) {
                    size_t n = rt->dag().cleanupStale(nowMs());
                    rt->publishInfo();
                    cb(n);
                });
                !p)
                cb(p.error());
        });
        if (r) dropped += *r;
    }
    return dropped;
}

size_t Engine::gcTombstones(int64_t retentionMs) {
    if (d->failure()) return 0;
    size_t removed = 0;
    std::vector<std::shared_ptr<ContextRuntime>> all;
    {
        std::shared_lock lock(d->mutex);
        for (auto &[id, rt] : d->contexts) all.push_back(rt);
    }
    const uint64_t cutoff = ntp64FromUnixMs(nowMs() - retentionMs);
    Store *store = d->store.get();
    for (auto &rt : all) {
        auto r = waitFor<size_t>([&](auto cb) {
            if (auto p = d->post(*rt, [rt, cb, cutoff, store](Worker &) {
                    Batch b;
                    size_t n = rt->state().gcTombstones(cutoff, 10000, b);
                    if (!b.empty()) store->commit(std::move(b));
                    cb(n);
                });
                !p)
                cb(p.error());
        });
        if (r) removed += *r;
    }
    return removed;
}

}  // namespace dn
