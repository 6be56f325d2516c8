#pragma once
// One open context: its DAG, its CRDT state and its record. Everything here
// is touched only from the context's executor tasks, which run one at a time
// and in order (runtime/FairQueue.h), though not always on the same worker,
// so no locks are needed on the hot path; other threads read the published
// ContextInfo.
#include "codec/CodecLimits.h"
#include "codec/KeyRing.h"
#include "codec/RejectCounters.h"
#include "context/EngineTypes.h"
#include "crypto/Ed25519.h"
#include "trust/GovernanceGraph.h"
#include "dag/DagStore.h"
#include "runtime/StorageView.h"
#include "state/ContextState.h"
#include "store/Store.h"
#include <QByteArray>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>

namespace dn {

struct EngineMetrics;
class EngineListener;

class ContextRuntime final : public DagHost, public StorageView {
public:
    struct Record {
        Hash32 id, appId;
        QString name;
        QByteArray key;      // 32-byte context key
        QByteArray secret;   // context keypair seed; empty on joined contexts
        int64_t createdAtMs = 0;
        uint64_t appliedCount = 0;
        // Trust model (ARCHITECTURE §15).
        std::vector<EpochKey> epochKeys;       // keys of epochs after 0 that this node holds
        std::set<Hash32> seedMembers, seedAdmins;  // migrated contexts only
        uint32_t trustVersion = kTrustVersion;
    };
    // 0: a record written before the trust model (migrated on open).
    static constexpr uint32_t kTrustVersion = 1;
    // A handler an incoming delta asked for, run after the DAG call returns.
    struct HandlerJob {
        QByteArray method;
        QByteArray data;
    };

    ContextRuntime(Store &store, Record record, const Hash32 &root, const Ed25519Key &self,
                   EngineMetrics &metrics, RejectCounters &rejects, EngineListener *listener, DagLimits limits);
    // Governance from g/ first (it judges the pending deltas the DAG may apply), then the DAG.
    Result<void> load(std::vector<Hash32> heads);

    const Record &record() const { return record_; }
    DagStore &dag() { return *dag_; }
    ContextState &state() { return *state_; }
    std::vector<HandlerJob> takeHandlerJobs() { return std::exchange(handlerJobs_, {}); }

    // ---- Trust (ARCHITECTURE §15); worker thread unless said otherwise.
    const KeyRing &keys() const { return ring_; }
    GovernanceGraph &governance() { return gov_; }
    // The epoch and key a delta written now is sealed with: the newest epoch
    // at our governance heads whose key we hold.
    const EpochKey &sealingKey() const;
    // Why a body about to be written here would be refused (checked as a received one would be).
    std::optional<OpenError> checkLocal(const Hash32 &id, const DeltaBody &body) const { return gov_.check(id, body); }
    // Adds keys (granted at join); persisted with the next record write, or now with `batch`.
    void addKeys(const std::vector<EpochKey> &keys);
    // Why the last refused delta was refused (read right after DagStore::add).
    std::optional<OpenError> takeRefusal() { return std::exchange(refusal_, std::nullopt); }
    // A governance delta's envelope (kept in g/ even where the DAG pruned it).
    std::optional<QByteArray> governanceEnvelope(const Hash32 &id) const;
    // Governance a snapshot carried, parents first: each opened and judged
    // like a received delta, then added to the governance graph and g/
    // (not to the DAG: the snapshot covers it). Returns how many were new.
    size_t adoptGovernance(const std::vector<QByteArray> &envelopes, const CodecLimits &limits = {});
    // Current membership; thread-safe.
    std::shared_ptr<const Membership> membership() const;

    // Thread-safe snapshot for listings.
    ContextInfo info() const;
    void publishInfo();
    // Serialized context record, as written with every applied delta.
    QByteArray encodeRecord(const std::vector<Hash32> &heads, const Hash32 &root) const;

    // DagHost
    bool applyDelta(const Delta &delta, const std::vector<Hash32> &headsAfter, Batch &batch, QString *error) override;
    void deltaApplied(const Delta &delta, bool cascaded) override;
    bool keepForever(const Hash32 &id) const override { return gov_.has(id); }
    // StorageView (committed state as the app sees it)
    std::optional<QByteArray> read(const QByteArray &key) override;
    int64_t counter(const QByteArray &key) override;
    void scan(const QByteArray &prefix, const std::function<bool(const QByteArray &, const QByteArray &)> &fn) override;

private:
    // The governance heads `parent` stood on (itself if it is governance); nullopt if unknown (pruned).
    std::optional<std::vector<Hash32>> frontierOf(const Hash32 &parent);
    void remember(const Hash32 &id, std::vector<Hash32> frontier);
    bool refuseDelta(const Delta &delta, OpenError why, QString *error);
    void learnKeys(const Delta &delta);
    void addGovernance(const Delta &delta, const QByteArray &envelope, Batch &batch);

    Store &store_;
    Record record_;
    const Ed25519Key &key_;
    Hash32 self_;
    EngineMetrics &metrics_;
    EngineListener *listener_;
    std::unique_ptr<ContextState> state_;
    std::unique_ptr<DagStore> dag_;
    std::vector<HandlerJob> handlerJobs_;
    mutable std::mutex infoMutex_;
    ContextInfo info_;
    std::shared_ptr<const Membership> published_;
    KeyRing ring_;
    GovernanceGraph gov_;
    RejectCounters &rejects_;
    std::optional<OpenError> refusal_;
    std::unordered_map<Hash32, std::vector<Hash32>> frontiers_;  // recent deltas' governance heads
};

}  // namespace dn
