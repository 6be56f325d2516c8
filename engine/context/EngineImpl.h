#pragma once
#include <atomic>
// Engine's private state, shared by the files that implement Engine
// (Engine.cpp: apps, contexts, calls; EngineQueries.cpp: queries and periodic
// maintenance; EngineSync.cpp: what the network layer needs to serve and
// import history). Not for use outside engine/context.
#include "blob/BlobStore.h"
#include "context/AppCatalog.h"
#include "context/ContextRuntime.h"
#include "context/Engine.h"
#include "runtime/ExecutorPool.h"
#include "state/Hlc.h"
#include "store/Store.h"
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <unordered_map>

namespace dn {

namespace engine_detail {
// Runs an async engine call and waits for its callback.
template <typename T, typename Start>
Result<T> waitFor(Start &&start) {
    auto promise = std::make_shared<std::promise<Result<T>>>();
    auto future = promise->get_future();
    start([promise](Result<T> r) { promise->set_value(std::move(r)); });
    return future.get();
}
}  // namespace engine_detail

struct Engine::Impl {
    Options options;
    std::unique_ptr<Store> store;
    std::optional<Identity> identity;
    std::unique_ptr<BlobStore> blobs;
    std::unique_ptr<ExecutorPool> pool;
    std::unique_ptr<AppCatalog> apps;
    Hlc hlc;
    EngineMetrics metrics;
    RejectCounters rejects;
    EngineListener *listener = nullptr;

    std::mutex inviteMutex;  // one redemption at a time: uses are counted exactly
    mutable std::shared_mutex mutex;  // guards `contexts` (the map, not the runtimes)
    std::unordered_map<Hash32, std::shared_ptr<ContextRuntime>> contexts;

    // Fail-stop (store/Store.h): once the store failed, every call that
    // could write answers this (storage_failed) instead of doing anything.
    std::optional<Error> failure() const { return store->failure(); }
    std::atomic<bool> stopping{false};  // beginShutdown()
    static Error shuttingDown() { return Error{ErrorCode::Busy, QStringLiteral("the node is shutting down")}; }
    // What a write that could not be made durable answers: the store's
    // failure when it failed (the usual case), else `fallback`.
    Error writeError(const char *fallback) const {
        if (auto f = store->failure()) return *f;
        return Error{ErrorCode::StorageError, QString::fromUtf8(fallback)};
    }
    std::shared_ptr<ContextRuntime> find(const Hash32 &id) const {
        std::shared_lock lock(mutex);
        auto it = contexts.find(id);
        return it == contexts.end() ? nullptr : it->second;
    }
    Result<void> loadContexts();
    std::shared_ptr<ContextRuntime> makeRuntime(ContextRuntime::Record rec, const Hash32 &root) {
        return std::make_shared<ContextRuntime>(*store, std::move(rec), root, identity->key(), metrics, rejects,
                                                listener, options.dag);
    }
    // Queues `task` behind the context's earlier work (ExecutorPool::post):
    // everything that touches a ContextRuntime runs this way. Error `busy`
    // when a Refusable task meets full queues; the task is then not run.
    Result<void> post(const ContextRuntime &rt, ExecutorPool::Task task, Admission admission = Admission::Refusable) {
        return pool->post(rt.record().id, std::move(task), admission);
    }
    // Seals and applies a delta authored here; `durable` runs once it is on disk.
    // Refused like a received one would be (not_a_member, not_an_admin, ...)
    // before anything is written.
    Result<Hash32> commitLocal(ContextRuntime &rt, std::vector<Hash32> parents, std::vector<Action> actions,
                               std::vector<Event> events, uint64_t time, std::function<void(bool)> durable,
                               std::optional<Governance> governance = std::nullopt);
    // Governance delta authored here, on the context's worker; `done` once durable.
    void commitGovernance(const std::shared_ptr<ContextRuntime> &rt,
                          std::function<Result<Governance>(ContextRuntime &)> make,
                          std::function<void(Result<Hash32>)> done);
    // Contexts written before the trust model get a seed membership (EngineMembers.cpp).
    void migrate(ContextRuntime::Record &rec);
    void runHandlers(Worker &w, ContextRuntime &rt);
    CallInput callInput(const ContextRuntime &rt, QByteArray method, QByteArray input, uint64_t time) {
        CallInput in;
        in.method = std::move(method);
        in.input = std::move(input);
        in.contextId = rt.record().id;
        in.executorId = identity->publicKey();
        in.time = time;
        return in;
    }
};

}  // namespace dn
