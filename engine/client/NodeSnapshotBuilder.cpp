#include "client/NodeSnapshotBuilder.h"
#include "api/NodeServices.h"
#include "blob/BlobCache.h"
#include "context/Engine.h"
#include "metrics/Histogram.h"
#include "client/NodeLogBuffer.h"
#include "client/NodeViews.h"
#include <QDateTime>

namespace dn {
namespace {

HistogramView viewOf(const QString &phase, const Histogram *h) {
    HistogramView v;
    v.phase = phase;
    v.buckets.resize(Histogram::kBuckets);
    if (!h) return v;  // a phase this node does not measure (yet): empty, but present
    const auto counts = h->snapshot();
    quint64 total = 0;
    for (int i = 0; i < Histogram::kBuckets && i < int(counts.size()); ++i) {
        v.buckets[i] = counts[size_t(i)];
        total += counts[size_t(i)];
    }
    // Summed from the buckets, not count(): the two atomics are read at
    // different moments and the Latency page divides by this.
    v.count = total;
    v.sumMicros = h->sumMicros();
    return v;
}

}  // namespace

const QStringList &NodeSnapshotBuilder::phaseNames() {
    static const QStringList names{
        QStringLiteral("transaction"), QStringLiteral("broadcast"), QStringLiteral("reception"),
        QStringLiteral("application"), QStringLiteral("event_handlers"), QStringLiteral("websocket"),
        QStringLiteral("end_to_end")};
    return names;
}

NodeSnapshotBuilder::NodeSnapshotBuilder(NodeServices &node, PhaseHistogramSource phases)
    : node_(node), phases_(std::move(phases)) {}

const Histogram *NodeSnapshotBuilder::nodePhase(const QString &phase) const {
    return phases_ ? phases_(phase) : nullptr;
}

void NodeSnapshotBuilder::addEvents(const QString &contextId, const QString &deltaId, const std::vector<Event> &events) {
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const auto &e : events) {
        ++eventSeq_;
        // Bounded: under a flood the GUI gets the newest events of each batch
        // and a count of the rest, never an unbounded queue.
        if (events_.size() >= kMaxEventsPerBatch) {
            events_.removeFirst();
            ++droppedEvents_;
        }
        // The data as the app emitted it (UTF-8 text, else base64).
        events_.push_back({eventSeq_, now, contextId, deltaId, QString::fromUtf8(e.kind), views::displayBytes(e.data)});
    }
}

NodeSnapshot NodeSnapshotBuilder::build() {
    NodeSnapshot s;
    s.serial = ++serial_;
    s.takenAtMs = QDateTime::currentMSecsSinceEpoch();
    Engine &engine = node_.engine();

    const NodeStatus st = node_.status();
    const EngineMetrics &m = engine.metrics();
    s.status.peerId = st.peerId.toBase58();
    s.status.addresses = st.addresses;
    s.status.apiUrl = st.apiUrl;
    s.status.version = st.version;
    s.status.uptimeSeconds = st.uptimeSeconds;
    s.status.peers = st.peers;
    if (const auto failure = engine.storageFailure()) s.status.storageFailure = failure->message;
    s.status.transactions = m.transactions.load(std::memory_order_relaxed);
    s.status.failedCalls = m.failedCalls.load(std::memory_order_relaxed);
    s.status.deltasApplied = m.deltasApplied.load(std::memory_order_relaxed);
    s.status.deltasDuplicate = m.deltasDuplicate.load(std::memory_order_relaxed);
    s.status.handlersRun = m.handlersRun.load(std::memory_order_relaxed);

    QHash<QString, const AppView *> appById;
    for (const auto &a : engine.apps()) s.apps.push_back({a.id.toBase58(), a.name, a.size, a.methods, a.hasInit});
    for (const auto &a : s.apps) appById.insert(a.id, &a);
    s.status.apps = int(s.apps.size());

    QHash<QString, QString> roots;
    for (const auto &c : engine.contexts()) {
        ContextView v;
        v.id = c.id.toBase58();
        v.name = c.name;
        v.appId = c.appId.toBase58();
        if (const AppView *a = appById.value(v.appId)) {
            v.appName = a->name;
            v.methods = a->methods;
        }
        for (const auto &h : c.heads) v.heads << h.toBase58();
        v.rootHash = c.rootHash.toBase58();
        v.applied = c.appliedCount;
        v.pending = c.pendingCount;
        v.members = members_.value(v.id).members;
        v.createdAtMs = c.createdAtMs;
        v.isOwner = c.isOwner;
        s.status.deltasPending += c.pendingCount;
        roots.insert(v.id, v.rootHash);
        s.contexts.push_back(std::move(v));
    }
    s.status.contexts = int(s.contexts.size());
    // Forget the member counts of deleted contexts.
    for (auto it = members_.begin(); it != members_.end();)
        it = roots.contains(it.key()) ? std::next(it) : members_.erase(it);
    rootOf_ = std::move(roots);

    for (const PeerInfo &p : node_.peers()) s.peers.push_back(views::peerView(p));

    const BlobCacheSnapshot cache = node_.blobCacheSnapshot();
    const BlobCacheStats &cs = cache.stats;
    s.blobCache = {cs.entries, cs.bytes, cs.hits, cs.misses, cs.evictedIdle, cs.evictedCount,
                   cs.evictedBytes, cs.evictedManual, cs.evictionRuns, {}};
    for (const auto &e : cache.entries)
        s.blobCache.items.push_back({e.id.toBase58(), e.size, e.insertedAtMs, e.lastAccessMs, e.hits});

    const Histogram *byPhase[] = {&m.transaction, nodePhase(QStringLiteral("broadcast")),
                                  &m.reception, &m.application, &m.eventHandlers,
                                  nodePhase(QStringLiteral("websocket")),
                                  nodePhase(QStringLiteral("end_to_end"))};
    for (int i = 0; i < phaseNames().size(); ++i) s.phases.push_back(viewOf(phaseNames()[i], byPhase[i]));
    s.bucketBounds.reserve(Histogram::kBuckets);
    for (int i = 0; i < Histogram::kBuckets; ++i) s.bucketBounds.push_back(double(Histogram::bucketUpperBound(i)));

    s.newLogLines = NodeLogBuffer::since(logSeq_, 2000);
    if (!s.newLogLines.isEmpty()) logSeq_ = s.newLogLines.back().seq;
    s.recentErrors = NodeLogBuffer::recentErrors(10);
    s.newEvents = std::move(events_);
    events_.clear();
    s.droppedEvents = droppedEvents_;
    return s;
}

QStringList NodeSnapshotBuilder::contextsNeedingMemberCount(qint64 nowMs, qint64 minIntervalMs) {
    QStringList out;
    for (auto it = rootOf_.cbegin(); it != rootOf_.cend(); ++it) {
        MemberCount &mc = members_[it.key()];
        // Governance deltas change membership without changing the root, so
        // the count is refreshed by time (it is cheap: the engine publishes it).
        if (mc.counting) continue;
        if (mc.countedAtMs && nowMs - mc.countedAtMs < minIntervalMs) continue;
        mc.counting = true;
        mc.countedRoot = it.value();
        mc.countedAtMs = nowMs;
        out << it.key();
    }
    return out;
}

void NodeSnapshotBuilder::setMembers(const QString &contextId, int members) {
    auto it = members_.find(contextId);
    if (it == members_.end()) return;  // deleted meanwhile
    it->members = members;
    it->counting = false;
}

}  // namespace dn
