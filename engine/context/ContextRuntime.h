#pragma once
// One open context: its DAG, its CRDT state and its record. Everything here
// is touched only on the executor worker the context is pinned to, so no locks
// are needed on the hot path; other threads read the published ContextInfo.
#include "context/EngineTypes.h"
#include "dag/DagStore.h"
#include "runtime/StorageView.h"
#include "state/ContextState.h"
#include "store/Store.h"
#include <QByteArray>
#include <memory>
#include <mutex>

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
    };
    // A handler an incoming delta asked for, run after the DAG call returns.
    struct HandlerJob {
        QByteArray method;
        QByteArray data;
    };

    ContextRuntime(Store &store, Record record, std::vector<Hash32> heads, const Hash32 &root,
                   const Hash32 &self, int worker, EngineMetrics &metrics, EngineListener *listener,
                   DagLimits limits);
    Result<void> load(std::vector<Hash32> heads);

    const Record &record() const { return record_; }
    int worker() const { return worker_; }
    DagStore &dag() { return *dag_; }
    ContextState &state() { return *state_; }
    std::vector<HandlerJob> takeHandlerJobs() { return std::exchange(handlerJobs_, {}); }

    // Thread-safe snapshot for listings.
    ContextInfo info() const;
    void publishInfo();
    // Serialized context record, as written with every applied delta.
    QByteArray encodeRecord(const std::vector<Hash32> &heads, const Hash32 &root) const;

    // DagHost
    bool applyDelta(const Delta &delta, const std::vector<Hash32> &headsAfter, Batch &batch, QString *error) override;
    void deltaApplied(const Delta &delta, bool cascaded) override;
    // StorageView (committed state as the app sees it)
    std::optional<QByteArray> read(const QByteArray &key) override;
    int64_t counter(const QByteArray &key) override;
    void scan(const QByteArray &prefix, const std::function<bool(const QByteArray &, const QByteArray &)> &fn) override;

private:
    Store &store_;
    Record record_;
    Hash32 self_;
    int worker_;
    EngineMetrics &metrics_;
    EngineListener *listener_;
    std::unique_ptr<ContextState> state_;
    std::unique_ptr<DagStore> dag_;
    std::vector<HandlerJob> handlerJobs_;
    mutable std::mutex infoMutex_;
    ContextInfo info_;
};

}  // namespace dn
