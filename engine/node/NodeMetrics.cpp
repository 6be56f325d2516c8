// Node::setupMetrics: every family /metrics shows (ARCHITECTURE §13). Kept apart
// from Node.cpp because it is a long, flat list.
#include "blob/BlobStore.h"
#include "codec/RejectCounters.h"
#include "context/Engine.h"
#include "network/Network.h"
#include "node/Node.h"
#include "node/NodeResources.h"
#include <QFile>
#include <unistd.h>

namespace dn {

namespace {

double residentBytes() {
    // /proc/self/statm: size resident shared … in pages.
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly)) return 0;
    const QList<QByteArray> parts = f.readAll().split(' ');
    return parts.size() > 1 ? parts[1].toDouble() * double(::sysconf(_SC_PAGESIZE)) : 0;
}

}  // namespace

const char *Node::phaseName(Phase phase) {
    switch (phase) {
    case Phase::Broadcast: return "broadcast";
    case Phase::Websocket: return "websocket";
    case Phase::EndToEnd: return "end_to_end";
    }
    return "unknown";
}

std::optional<Node::Phase> Node::phaseFromName(QStringView name) {
    for (const Phase p : {Phase::Broadcast, Phase::Websocket, Phase::EndToEnd})
        if (name == QLatin1String(phaseName(p))) return p;
    return std::nullopt;
}

const Histogram &Node::phaseHistogram(Phase phase) const {
    switch (phase) {
    case Phase::Broadcast: return *broadcast_;
    case Phase::Websocket: return *websocket_;
    case Phase::EndToEnd: break;
    }
    return *endToEnd_;
}

void Node::setupMetrics() {
    using T = MetricsRegistry::Type;
    MetricsRegistry &m = metrics_;
    Engine *e = engine_.get();
    BlobCache *cache = &cache_;

    m.family("deltanode_phase_latency_seconds", T::Histogram,
             "Latency of each pipeline phase: transaction (WASM + CRDT + persist), broadcast (author publish to "
             "receipt), reception (decode + verify + DAG lookup), application (merge into state), event_handlers, "
             "websocket (emit to one client), end_to_end (author's transaction time to clients notified here).");
    const EngineMetrics &em = e->metrics();
    auto own = [&m](Phase p) { return &m.histogram("deltanode_phase_latency_seconds", {{"phase", phaseName(p)}}); };
    broadcast_ = own(Phase::Broadcast);  // recorded by the network layer
    m.histogramRef("deltanode_phase_latency_seconds", {{"phase", "transaction"}}, &em.transaction);
    m.histogramRef("deltanode_phase_latency_seconds", {{"phase", "reception"}}, &em.reception);
    m.histogramRef("deltanode_phase_latency_seconds", {{"phase", "application"}}, &em.application);
    m.histogramRef("deltanode_phase_latency_seconds", {{"phase", "event_handlers"}}, &em.eventHandlers);
    websocket_ = own(Phase::Websocket);
    endToEnd_ = own(Phase::EndToEnd);
    m.family("deltanode_wasm_call_seconds", T::Histogram, "Time of the WASM method call alone (part of transaction).");
    m.histogramRef("deltanode_wasm_call_seconds", {}, &em.wasmCall);

    auto engineCounter = [&](const QByteArray &name, const QByteArray &help, const std::atomic<uint64_t> *v,
                             const MetricsRegistry::Labels &labels = {}) {
        m.family(name, T::Counter, help);
        m.value(name, labels, [v] { return double(v->load(std::memory_order_relaxed)); });
    };
    engineCounter("deltanode_transactions_total", "Method calls that committed a delta.", &em.transactions);
    engineCounter("deltanode_failed_calls_total", "Method calls that failed (trap, timeout, limit, app error).", &em.failedCalls);
    engineCounter("deltanode_handlers_run_total", "Event handler calls run for received deltas.", &em.handlersRun);
    m.family("deltanode_deltas_total", T::Counter, "Deltas added to a DAG, by outcome.");
    m.value("deltanode_deltas_total", {{"status", "applied"}}, [&em] { return double(em.deltasApplied.load()); });
    m.value("deltanode_deltas_total", {{"status", "pending"}}, [&em] { return double(em.deltasPending.load()); });
    m.value("deltanode_deltas_total", {{"status", "duplicate"}}, [&em] { return double(em.deltasDuplicate.load()); });
    m.family("deltanode_deltas_rejected_total", T::Counter, "Received delta envelopes refused, by reason.");
    for (size_t i = 0; i < kRejectReasonCount; ++i) {
        const auto reason = RejectReason(i);
        m.value("deltanode_deltas_rejected_total", {{"reason", QString::fromLatin1(rejectReasonName(reason))}},
                [e, reason] { return double(e->rejects().count(reason)); });
    }
    m.family("deltanode_state_mutations_total", T::Counter, "Deltas merged into state and announced to clients, by origin.");
    mutationsLocal_ = &m.counter("deltanode_state_mutations_total", {{"origin", "local"}});
    mutationsRemote_ = &m.counter("deltanode_state_mutations_total", {{"origin", "remote"}});

    m.family("deltanode_blob_cache_hits_total", T::Counter, "Blob cache lookups served from memory.");
    m.value("deltanode_blob_cache_hits_total", {}, [cache] { return double(cache->stats().hits); });
    m.family("deltanode_blob_cache_misses_total", T::Counter, "Blob cache lookups that went to the database.");
    m.value("deltanode_blob_cache_misses_total", {}, [cache] { return double(cache->stats().misses); });
    m.family("deltanode_blob_cache_bypassed_total", T::Counter, "Blobs read that were too large to cache.");
    m.value("deltanode_blob_cache_bypassed_total", {}, [cache] { return double(cache->stats().bypassed); });
    m.family("deltanode_blob_cache_evictions_total", T::Counter,
             "Blob cache entries evicted, by phase: idle, count (LRU over max entries), bytes (LRU over max bytes), manual.");
    m.value("deltanode_blob_cache_evictions_total", {{"phase", "idle"}}, [cache] { return double(cache->stats().evictedIdle); });
    m.value("deltanode_blob_cache_evictions_total", {{"phase", "count"}}, [cache] { return double(cache->stats().evictedCount); });
    m.value("deltanode_blob_cache_evictions_total", {{"phase", "bytes"}}, [cache] { return double(cache->stats().evictedBytes); });
    m.value("deltanode_blob_cache_evictions_total", {{"phase", "manual"}}, [cache] { return double(cache->stats().evictedManual); });
    m.family("deltanode_blob_cache_entries", T::Gauge, "Blobs held in the blob cache.");
    m.value("deltanode_blob_cache_entries", {}, [cache] { return double(cache->stats().entries); });
    m.family("deltanode_blob_cache_bytes", T::Gauge, "Bytes held in the blob cache.");
    m.value("deltanode_blob_cache_bytes", {}, [cache] { return double(cache->stats().bytes); });

    m.family("deltanode_timer_runs_total", T::Counter, "Runs of each periodic job of the node (ARCHITECTURE §11).");
    m.family("deltanode_heartbeats_total", T::Counter, "Hash heartbeats due (sent) or skipped because nothing changed.");
    m.counter("deltanode_heartbeats_total", {{"result", "sent"}});
    m.counter("deltanode_heartbeats_total", {{"result", "skipped"}});
    m.family("deltanode_pending_dropped_total", T::Counter, "Pending deltas dropped by the cleanup timer (too old).");
    m.counter("deltanode_pending_dropped_total");
    m.family("deltanode_tombstones_collected_total", T::Counter, "Tombstones removed by the garbage collector.");
    m.counter("deltanode_tombstones_collected_total");

    // Gauges over the contexts read one snapshot per scrape.
    m.beforeRender([this, e] { contextsSnapshot_ = e->contexts(); });
    m.family("deltanode_contexts", T::Gauge, "Contexts on this node.");
    m.value("deltanode_contexts", {}, [this] { return double(contextsSnapshot_.size()); });
    m.family("deltanode_pending_deltas", T::Gauge, "Deltas waiting for missing parents, over all contexts.");
    m.value("deltanode_pending_deltas", {}, [this] {
        double n = 0;
        for (const auto &c : contextsSnapshot_) n += double(c.pendingCount);
        return n;
    });
    m.family("deltanode_applications", T::Gauge, "Applications installed.");
    m.value("deltanode_applications", {}, [e] { return double(e->apps().size()); });
    m.family("deltanode_peers", T::Gauge, "Connected peers.");
    m.value("deltanode_peers", {}, [this] { return double(network_->peerCount()); });

    m.family("deltanode_store_synced_writes_total", T::Counter, "Synced LevelDB writes (group commits).");
    m.value("deltanode_store_synced_writes_total", {}, [e] { return double(e->storeStats().syncedWrites); });
    m.family("deltanode_store_batches_total", T::Counter, "Write batches made durable.");
    m.value("deltanode_store_batches_total", {}, [e] { return double(e->storeStats().batchesCommitted); });
    m.family("deltanode_store_written_bytes_total", T::Counter, "Bytes written to the database.");
    m.value("deltanode_store_written_bytes_total", {}, [e] { return double(e->storeStats().bytesWritten); });

    m.family("deltanode_build_info", T::Gauge, "Always 1; the version in a label.");
    m.value("deltanode_build_info", {{"version", QString::fromLatin1(kNodeVersion)}}, [] { return 1.0; });
    m.family("deltanode_uptime_seconds", T::Gauge, "Seconds since the node started.");
    m.value("deltanode_uptime_seconds", {}, [this] { return double(uptime_.elapsed()) / 1000.0; });
    m.family("process_resident_memory_bytes", T::Gauge, "Resident memory size in bytes.");
    m.value("process_resident_memory_bytes", {}, [] { return residentBytes(); });
}

}  // namespace dn
