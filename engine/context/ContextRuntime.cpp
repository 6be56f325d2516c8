#include "context/ContextRuntime.h"
#include "context/EngineListener.h"
#include "context/EngineMetrics.h"
#include "store/Keys.h"
#include "storage.pb.h"
#include <QElapsedTimer>

namespace dn {
namespace pb = ::deltanode::pb;

ContextRuntime::ContextRuntime(Store &store, Record record, std::vector<Hash32> heads, const Hash32 &root,
                               const Hash32 &self, int worker, EngineMetrics &metrics,
                               EngineListener *listener, DagLimits limits)
    : store_(store), record_(std::move(record)), self_(self), worker_(worker), metrics_(metrics),
      listener_(listener) {
    state_ = std::make_unique<ContextState>(store_, record_.id, root);
    dag_ = std::make_unique<DagStore>(store_, record_.id, *this, limits);
    (void)heads;
}

Result<void> ContextRuntime::load(std::vector<Hash32> heads) {
    auto r = dag_->load(std::move(heads));
    publishInfo();
    return r;
}

QByteArray ContextRuntime::encodeRecord(const std::vector<Hash32> &heads, const Hash32 &root) const {
    pb::ContextMeta m;
    m.set_app_id(record_.appId.data(), 32);
    m.set_name(record_.name.toStdString());
    m.set_context_key(record_.key.constData(), size_t(record_.key.size()));
    for (const auto &h : heads) m.add_heads(h.data(), 32);
    m.set_root_hash(root.data(), 32);
    m.set_applied_count(record_.appliedCount);
    m.set_created_at_ms(uint64_t(record_.createdAtMs));
    if (!record_.secret.isEmpty()) m.set_context_secret(record_.secret.constData(), size_t(record_.secret.size()));
    std::string out;
    m.SerializeToString(&out);
    return QByteArray::fromStdString(out);
}

bool ContextRuntime::applyDelta(const Delta &delta, const std::vector<Hash32> &headsAfter, Batch &batch,
                                QString *error) {
    QElapsedTimer t;
    t.start();
    const HlcStamp stamp = delta.body.stamp();
    for (const Action &a : delta.body.actions) state_->apply(a, stamp, batch);
    ++record_.appliedCount;
    // The record rides in the same batch as the delta and its state changes,
    // so after a crash heads, root and state always agree.
    batch.put(keys::context(record_.id), encodeRecord(headsAfter, state_->rootHash()));
    metrics_.application.record(t.nsecsElapsed() / 1000);
    (void)error;
    return true;
}

void ContextRuntime::deltaApplied(const Delta &delta, bool cascaded) {
    metrics_.deltasApplied.fetch_add(1, std::memory_order_relaxed);
    const bool local = delta.body.author == self_;
    // Handlers run on the receiving members only (ARCHITECTURE §7), never on the author.
    if (!local) {
        for (const Event &e : delta.body.events)
            if (!e.handler.isEmpty()) handlerJobs_.push_back({e.handler, e.data});
    }
    if (listener_) listener_->stateMutated(record_.id, delta, state_->rootHash(), local);
    (void)cascaded;
}

std::optional<QByteArray> ContextRuntime::read(const QByteArray &key) { return state_->get(key); }
int64_t ContextRuntime::counter(const QByteArray &key) { return state_->counter(key); }

void ContextRuntime::scan(const QByteArray &prefix,
                          const std::function<bool(const QByteArray &, const QByteArray &)> &fn) {
    state_->forEach(prefix, [&](const StateEntry &e) {
        if (e.isCounter) return true;
        return fn(e.key, e.value);
    });
}

void ContextRuntime::publishInfo() {
    ContextInfo i;
    i.id = record_.id;
    i.appId = record_.appId;
    i.name = record_.name;
    i.heads = dag_->heads();
    i.rootHash = state_->rootHash();
    i.appliedCount = record_.appliedCount;
    i.pendingCount = dag_->pendingCount();
    i.createdAtMs = record_.createdAtMs;
    i.isOwner = !record_.secret.isEmpty();
    std::lock_guard lock(infoMutex_);
    info_ = std::move(i);
}

ContextInfo ContextRuntime::info() const {
    std::lock_guard lock(infoMutex_);
    return info_;
}

}  // namespace dn
