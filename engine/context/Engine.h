#pragma once
// The engine core (ARCHITECTURE §4–§8): apps, contexts, method calls, and deltas in
// and out. Thread-safe. Work on a context runs as the context's executor tasks,
// one at a time and in order; callbacks run on executor or committer threads.
// When the executor's queues are full, a call answers `busy` (HTTP 503).
// The *Sync helpers block the calling thread and must not be called from an
// engine callback.
#include "codec/Envelope.h"
#include "context/EngineListener.h"
#include "context/EngineMetrics.h"
#include "context/EngineTypes.h"
#include "context/Identity.h"
#include "codec/Invitation.h"
#include "codec/KeyRing.h"
#include "trust/Membership.h"
#include "dag/DagStore.h"
#include "runtime/ExecutorLimits.h"
#include "runtime/RuntimeLimits.h"
#include "store/StoreStats.h"
#include "util/Result.h"
#include <QString>
#include <functional>
#include <memory>
#include <set>

namespace dn {

class BlobStore;

class Engine {
public:
    struct Options {
        QString dataDir;
        int workers = 0;  // 0 = one per core
        RuntimeLimits limits;
        ExecutorLimits executor;  // queue bounds and when a context counts as heavy
        DagLimits dag;
        // A received delta whose clock is further ahead of ours is refused
        // (hlc_drift): nobody wins last-writer-wins forever with a huge stamp.
        int maxClockDriftS = 60;
        // The database's Env and block cache (tests inject failing Envs).
        Store::Options store;
    };
    template <typename T> using Callback = std::function<void(Result<T>)>;

    static Result<std::unique_ptr<Engine>> open(const Options &options);
    ~Engine();  // finishes queued work and makes it durable

    const Identity &identity() const;
    // Set once, before any work is submitted. Told at once if the store
    // failed already.
    void setListener(EngineListener *listener);
    // Fail-stop (ARCHITECTURE "Fail-stop storage"): the error that failed the
    // store, or nullopt. Once set, every call that would write answers it
    // (storage_failed) and nothing more is acknowledged.
    std::optional<Error> storageFailure() const;

    Result<AppRecord> installApp(const QByteArray &wasm, const QString &name);
    std::vector<AppRecord> apps() const;
    std::optional<AppRecord> app(const Hash32 &appId) const;
    std::optional<QByteArray> appBytes(const Hash32 &appId) const;

    // New context: fresh context keypair and key, `init` run if exported, genesis delta.
    void createContext(const Hash32 &appId, const QString &name, const QByteArray &initArgs,
                       Callback<ContextInfo> done);
    Result<ContextInfo> createContextSync(const Hash32 &appId, const QString &name,
                                          const QByteArray &initArgs = "{}");
    // A context created elsewhere (from an invitation): no genesis here, its
    // history arrives as envelopes. `keys` are the epoch keys the inviter
    // granted (epoch 0 among them); `seed` the members of a context migrated
    // from before governance, as the inviter knows them.
    struct JoinGrant {
        std::vector<EpochKey> keys;
        std::set<Hash32> seedMembers, seedAdmins;
    };
    Result<ContextInfo> joinContext(const Hash32 &contextId, const Hash32 &appId, const JoinGrant &grant,
                                    const QString &name);
    std::vector<ContextInfo> contexts() const;
    std::optional<ContextInfo> context(const Hash32 &contextId) const;
    // The epoch 0 key: it authenticates sync and blob requests (SyncWire::authTag).
    std::optional<QByteArray> contextKey(const Hash32 &contextId) const;
    Result<void> deleteContext(const Hash32 &contextId);

    // Calls `method` with JSON `args`. A call that writes or emits becomes one
    // delta; `done` runs once that delta is durable.
    void execute(const Hash32 &contextId, const QByteArray &method, const QByteArray &args,
                 Callback<ExecuteResult> done);
    Result<ExecuteResult> executeSync(const Hash32 &contextId, const QByteArray &method,
                                      const QByteArray &args);

    // A delta envelope from another member: verify, decrypt, add to the DAG,
    // then run the event handlers it asks for (each producing its own delta).
    void receive(const QByteArray &envelope, Callback<ReceiveResult> done);
    // The same, for an envelope the caller parsed already (the network
    // routes by its header): it is not parsed again.
    void receive(ParsedEnvelope envelope, Callback<ReceiveResult> done);
    Result<ReceiveResult> receiveSync(const QByteArray &envelope);

    // Queries (run on the context's worker, wait for it).
    Result<std::vector<QByteArray>> envelopes(const Hash32 &contextId, const std::vector<Hash32> &ids);
    Result<std::vector<StateItem>> stateItems(const Hash32 &contextId, const QByteArray &prefix, size_t limit);
    Result<std::vector<Hash32>> missingParents(const Hash32 &contextId);
    // Up to `limit` stored deltas (applied and pending), newest first by HLC.
    // Reads the store directly; safe from any thread, may take a moment for
    // large histories.
    Result<std::vector<DeltaSummary>> deltas(const Hash32 &contextId, size_t limit);
    Result<IntegrityReport> verify(const Hash32 &contextId);
    // ---- What the network layer needs (EngineSync.cpp). Blocking, like the
    // queries above; call them off the node thread.
    // Of `ids`, those this node has never seen (neither applied, pending nor pruned).
    Result<std::vector<Hash32>> unknownDeltas(const Hash32 &contextId, const std::vector<Hash32> &ids);
    // Envelopes of `ids` and of their ancestors, breadth first, skipping what
    // the asker has: the ancestors of `have` (its heads) found within a bounded
    // walk. At most `maxCount` envelopes and about `maxBytes`.
    Result<DeltaPage> deltaPage(const Hash32 &contextId, const std::vector<Hash32> &ids,
                                const std::vector<Hash32> &have, size_t maxCount, size_t maxBytes);
    Result<ContextSnapshot> exportSnapshot(const Hash32 &contextId);
    // Merges a peer's snapshot (state-based join) and adopts its history as a
    // checkpoint: every covered id counts as applied from now on, so a covered
    // delta arriving later is a duplicate; the snapshot's heads become heads.
    // One step on the context's worker, so no delta applies in between.
    // Its governance is adopted first; then it is refused (snapshot_refused)
    // unless `servedBy` is a member and signed it (trust/SnapshotProof.h).
    Result<ContextInfo> importSnapshot(const Hash32 &contextId, const ContextSnapshot &snapshot);
    // Keeps the heads and about `retain` deltas behind them; older history
    // becomes pruned markers. Deltas younger than `minAgeMs` are kept.
    Result<size_t> prune(const Hash32 &contextId, size_t retain, int64_t minAgeMs);

    // ---- Membership (ARCHITECTURE §15; EngineMembers.cpp, EngineInvites.cpp).
    // The membership at the current heads; nullptr for an unknown context. Thread-safe.
    std::shared_ptr<const Membership> membership(const Hash32 &contextId) const;
    bool isMember(const Hash32 &contextId, const Hash32 &memberKey) const;
    // Ever added to the context (a member now, or removed since): a removed
    // member may still hold deltas concurrent with its removal, so its
    // history is worth pulling, though nothing it says is taken on trust.
    bool wasMember(const Hash32 &contextId, const Hash32 &memberKey);
    // Governance deltas written here; `done` once durable. Only an admin may.
    void addMember(const Hash32 &contextId, const Hash32 &memberKey, Role role, Callback<Hash32> done);
    // Starts a new epoch: its key is sealed to every remaining member.
    void removeMember(const Hash32 &contextId, const Hash32 &memberKey, Callback<Hash32> done);
    void setRole(const Hash32 &contextId, const Hash32 &memberKey, Role role, Callback<Hash32> done);
    // Revokes an invitation issued by any admin (an invite.revoke delta), and
    // marks it revoked here if this node issued it.
    void revokeInvite(const Hash32 &contextId, const QByteArray &inviteId, Callback<Hash32> done);
    // The removals of `memberKey` and the history behind them (newest first,
    // bounded): shown to a removed member that still asks to sync. Blocking.
    Result<std::vector<QByteArray>> removalEvidence(const Hash32 &contextId, const Hash32 &memberKey);
    // The epoch keys held for a context. Thread-safe copy.
    Result<KeyRing> keyRing(const Hash32 &contextId);
    // Governance envelopes, parents first (snapshots carry them).
    Result<std::vector<QByteArray>> governanceEnvelopes(const Hash32 &contextId);

    // Invitations this node issues and redeems (it alone counts their uses).
    Result<InvitationData> issueInvite(const Hash32 &contextId, qint64 expiresInSeconds, uint32_t uses);
    Result<std::vector<IssuedInvite>> invites(const Hash32 &contextId);
    // A joiner proved an invitation's secret over an authenticated stream:
    // checks expiry, uses and revocation, adds the joiner (if it is not a
    // member already) and returns every epoch key sealed to it. Blocking.
    Result<JoinTicket> redeemInvite(const Hash32 &contextId, const QByteArray &inviteId, const QByteArray &proof,
                                    const PeerId &joiner, const PeerId &inviter);

    // Periodic maintenance (the node's timers call these).
    size_t cleanupPending();
    size_t gcTombstones(int64_t retentionMs);

    void flush();  // waits until all queued work is done and durable
    // From now on app calls that have not started answer `busy` ("the node is
    // shutting down") instead of running: a client may have queued thousands
    // of calls that each run up to the time limit, and a stop must not wait
    // for them. Work that changes state (received deltas, governance) still
    // runs; flush() after this is bounded by one call's time limit.
    void beginShutdown();
    EngineMetrics &metrics();
    const RejectCounters &rejects() const;
    // Counts a refusal found outside the engine (a snapshot the sync layer refused).
    void countRejected(RejectReason reason);
    // The database's write counters (for metrics); the database itself stays
    // inside the engine.
    StoreStats storeStats() const;
    // The content-addressed blobs (thread-safe).
    BlobStore &blobs();

private:
    Engine();
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace dn
