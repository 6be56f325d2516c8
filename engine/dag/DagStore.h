#pragma once
// The causal DAG of one context (ARCHITECTURE §6; semantics of Calimero's DagStore).
//
// A delta applies once every parent is applied (or is the genesis sentinel,
// or was pruned); until then it waits as pending, indexed by the parents it
// misses. Applying a delta releases its pending children with an explicit
// worklist, so a long chain delivered backwards applies in one call with no
// recursion. Every change is mirrored into the Store in the same batch as the
// state changes it causes, so after a crash DAG, heads and state agree.
//
// In memory: the heads, the pending deltas and a bounded set of recent ids;
// older history is read from the store on demand.
//
// Not thread-safe: the engine drives one context from one thread.
#include "codec/Delta.h"
#include "dag/DagHost.h"
#include "dag/DagTypes.h"
#include "dag/PendingSet.h"
#include "dag/RecentIds.h"
#include "store/Store.h"
#include "util/Result.h"
#include <QByteArray>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace dn {

class DagStore {
public:
    struct Counters {
        uint64_t applied = 0, pending = 0, duplicate = 0, rejected = 0, evicted = 0, stale = 0;
    };

    DagStore(Store &store, const Hash32 &contextId, DagHost &host, DagLimits limits = {});

    // Restores the DAG: `heads` as recorded in the context meta, pending
    // deltas from p/ + d/. A pending delta whose parents are all applied by
    // now (a crash between a parent's batch and its child's) is applied
    // here, so the host must be ready to apply.
    Result<void> load(std::vector<Hash32> heads);

    // `envelope`: the exact wire bytes, kept to serve peers (may be empty).
    // `durable` runs on the store's committer thread once every batch this
    // call queued is durable: ok=true for Applied/Pending/Duplicate when the
    // writes succeeded, ok=false for Rejected, Failed or a failed write.
    // Failed: the store is failed (before the call, or by a read error met
    // during it, which is never taken for "not stored").
    AddResult add(const Delta &delta, const QByteArray &envelope, Store::DoneFn durable = {});

    const std::vector<Hash32> &heads() const { return heads_; }  // sorted
    bool isApplied(const Hash32 &id) const;  // applied, genesis (zero) or pruned
    bool has(const Hash32 &id) const;        // applied, pending or pruned
    // Parents that pending deltas wait for and nobody here has: ask peers.
    std::vector<Hash32> missingParents(size_t limit = 0) const;  // 0 -> maxQuery
    size_t pendingCount() const { return pending_.size(); }
    // Drops pending deltas received more than pendingMaxAgeMs before `nowMs`.
    size_t cleanupStale(int64_t nowMs);
    // Keeps the heads plus about `retain` deltas reached by BFS from them;
    // older applied deltas become 'pruned' markers that still satisfy
    // children. Deltas received within pendingMaxAgeMs of `nowMs` are kept
    // whatever their depth: a peer may still be waiting for them as parents.
    size_t prune(size_t retain, int64_t nowMs);
    // Snapshot sync (checkpoint semantics, DagSnapshot.cpp): every id in
    // `covered` counts as applied from now on (a pruned marker where we had
    // nothing; a pending copy is dropped: its effect came with the snapshot),
    // the heads become `heads` plus our heads that are not covered, and the
    // pending deltas this releases apply. `record` adds the context record
    // for the new heads to the batch that commits them. Returns the ids
    // applied by the cascade.
    std::vector<Hash32> adoptSnapshot(const std::vector<Hash32> &covered, const std::vector<Hash32> &heads,
                                      const std::function<void(const std::vector<Hash32> &, Batch &)> &record);
    std::optional<StoredDeltaInfo> get(const Hash32 &id) const;
    // Envelopes of the given ids that are stored and not pruned, at most
    // `limit` (0 or more than maxQuery -> maxQuery).
    std::vector<QByteArray> envelopes(const std::vector<Hash32> &ids, size_t limit) const;
    Counters counters() const { return counters_; }

    // Source of "now" for receive times (tests inject a fake clock).
    void setClock(std::function<int64_t()> nowMs) { clock_ = std::move(nowMs); }

private:
    // Why a parent list is unacceptable, or empty if it is fine.
    QString validate(const Delta &delta) const;
    // True (and `r` set to Failed) once the store has failed.
    bool storeFailed(AddResult *r) const;
    std::optional<StoredDeltaInfo> stored(const Hash32 &id) const;
    std::vector<Hash32> unsatisfiedParents(const Delta &delta) const;
    // Applies one delta whose parents are all satisfied; false if the host refused.
    bool applyOne(const Delta &delta, const QByteArray &envelope, int64_t receivedAtMs, bool wasPending,
                  bool cascaded, QString *error);
    // Applies the pending children `id` releases, and theirs, iteratively.
    void cascadeFrom(const Hash32 &id, std::vector<Hash32> *applied);
    void makePending(const Delta &delta, const QByteArray &envelope, std::vector<Hash32> missing);
    void dropPending(const Hash32 &id);  // from memory and store
    void enforcePendingCap();
    void queue(Batch batch);
    void finishCall(const Store::DoneFn &durable, bool success);

    Store &store_;
    Hash32 ctx_;
    DagHost &host_;
    DagLimits limits_;
    std::vector<Hash32> heads_;
    PendingSet pending_;
    RecentIds recent_;
    Counters counters_;
    std::function<int64_t()> clock_;
    // Set while an add() with a `durable` callback runs: cleared by any of its
    // batches that fails to write.
    std::shared_ptr<std::atomic<bool>> callOk_;
};

}  // namespace dn
