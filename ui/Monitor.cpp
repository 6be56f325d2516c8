#include "Monitor.h"
#include <algorithm>
#include "BlobCacheModel.h"
#include "ContextsModel.h"
#include "DagModel.h"
#include "EventLogModel.h"
#include "Format.h"
#include "LatencyModel.h"
#include "LogModel.h"
#include "MethodListModel.h"
#include "NodeActions.h"
#include "PeersModel.h"
#include "SnapshotFeed.h"
#include "StateModel.h"
#include "ThroughputSeries.h"
#include "client/NodeClient.h"
#include <QDateTime>
#include <QLoggingCategory>
#include <QPointer>
#include <QQmlEngine>

Q_LOGGING_CATEGORY(lcMonitor, "dn.ui")

namespace dn {
namespace {

QPointer<Monitor> g_instance;
constexpr qint64 kReadIntervalMs = 1000;  // DAG and state re-reads, at most this often
constexpr qint64 kDagFullReadMs = 30'000;  // a full DAG re-read at least this often
constexpr int kDagReadMargin = 64;         // extra rows in an incremental DAG read

}  // namespace

Monitor::Monitor(NodeClient *client, QObject *parent)
    : QObject(parent), client_(client), feed_(new SnapshotFeed(250, this)), actions_(new NodeActions(client, this)),
      contexts_(new ContextsModel(this)), peers_(new PeersModel(this)), blobCache_(new BlobCacheModel(this)),
      log_(new LogModel(this)), events_(new EventLogModel(this)), state_(new StateModel(this)),
      methods_(new MethodListModel(this)), latency_(new LatencyModel(this)), dag_(new DagModel(this)),
      txRate_(new ThroughputSeries(ThroughputSeries::Mode::Rate, this)),
      deltaRate_(new ThroughputSeries(ThroughputSeries::Mode::Rate, this)),
      trafficIn_(new ThroughputSeries(ThroughputSeries::Mode::Rate, this)),
      trafficOut_(new ThroughputSeries(ThroughputSeries::Mode::Rate, this)),
      evictedIdle_(new ThroughputSeries(ThroughputSeries::Mode::Level, this)),
      evictedCount_(new ThroughputSeries(ThroughputSeries::Mode::Level, this)),
      evictedBytes_(new ThroughputSeries(ThroughputSeries::Mode::Level, this)),
      cacheBytes_(new ThroughputSeries(ThroughputSeries::Mode::Level, this)) {
    connect(feed_, &SnapshotFeed::batch, this, &Monitor::applySnapshot);
    if (!client_) return;
    connect(client_, &NodeClient::snapshotReady, feed_, &SnapshotFeed::push);
    connect(client_, &NodeClient::dagReady, this, [this](quint64 id, const QString &ctx, const QVector<DagDeltaView> &d) {
        if (id != dagRequest_ || ctx != dagContext_) return;  // a read for a context no longer shown
        dag_->merge(ctx, d);
    });
    connect(client_, &NodeClient::stateReady, this,
            [this](quint64 id, const QString &ctx, const QVector<StateEntryView> &entries) {
                if (id == stateRequest_ && ctx == selectedContext_) state_->setEntries(ctx, entries);
            });
    connect(client_, &NodeClient::finished, this, [this](quint64 id, const ClientReply &r) {
        const bool dag = id == dagRequest_, state = id == stateRequest_;
        if (!dag && !state) return;
        if (!r.ok) qCWarning(lcMonitor) << "reading" << (dag ? "the DAG" : "the state") << "failed:" << r.message;
        if (state) stateRequest_ = 0;
        if (dag) {
            dagRequest_ = 0;
            emit dagLoadingChanged();
        }
    });
    for (const auto &[name, path] : client_->bundledApps())
        bundledApps_.push_back(QVariantMap{{QStringLiteral("name"), name}, {QStringLiteral("path"), path}});
}

Monitor::~Monitor() {
    if (g_instance == this) g_instance = nullptr;
}

void Monitor::setInstance(Monitor *monitor) { g_instance = monitor; }

Monitor *Monitor::create(QQmlEngine *engine, QJSEngine *) {
    Monitor *m = g_instance;
    if (!m) {
        // No node (tools, previews): an empty monitor owned by the engine.
        m = new Monitor(nullptr, engine);
        g_instance = m;
    }
    QQmlEngine::setObjectOwnership(m, QQmlEngine::CppOwnership);
    return m;
}

void Monitor::applySnapshot(const NodeSnapshot &s) {
    const bool statusDiffers = !(s.status == status_.status) || !ready();
    contexts_->setContexts(s.contexts);
    peers_->setPeers(s.peers);
    blobCache_->setCache(s.blobCache, s.takenAtMs);
    log_->append(s.newLogLines);
    events_->append(s.newEvents, s.droppedEvents);
    latency_->setHistograms(s.takenAtMs, s.phases, s.bucketBounds);
    txRate_->addSample(s.takenAtMs, double(s.status.transactions));
    deltaRate_->addSample(s.takenAtMs, double(s.status.deltasApplied));
    quint64 in = 0, out = 0;
    for (const PeerView &p : s.peers) {
        in += p.bytesIn;
        out += p.bytesOut;
    }
    trafficIn_->addSample(s.takenAtMs, double(in));
    trafficOut_->addSample(s.takenAtMs, double(out));
    evictedIdle_->addSample(s.takenAtMs, double(s.blobCache.evictedIdle));
    evictedCount_->addSample(s.takenAtMs, double(s.blobCache.evictedCount));
    evictedBytes_->addSample(s.takenAtMs, double(s.blobCache.evictedBytes));
    cacheBytes_->addSample(s.takenAtMs, double(s.blobCache.bytes));

    if (!(s.apps == status_.apps)) {
        apps_.clear();
        for (const AppView &a : s.apps)
            apps_.push_back(QVariantMap{{QStringLiteral("id"), a.id}, {QStringLiteral("name"), a.name},
                                        {QStringLiteral("size"), double(a.size)},
                                        {QStringLiteral("methods"), a.methods}});
        emit appsChanged();
    }
    if (!(s.recentErrors == status_.recentErrors)) {
        recentErrors_.clear();
        for (auto it = s.recentErrors.crbegin(); it != s.recentErrors.crend(); ++it)  // newest first
            recentErrors_.push_back(QVariantMap{
                {QStringLiteral("time"), Format::clockTime(it->timeMs)},
                {QStringLiteral("level"), LogModel::levelName(it->level)},
                {QStringLiteral("category"), it->category},
                {QStringLiteral("message"), it->message}});
        emit recentErrorsChanged();
    }
    status_ = s;
    status_.newLogLines.clear();
    status_.newEvents.clear();
    if (statusDiffers) emit statusChanged();

    if (!selectedContext_.isEmpty() && !contexts_->find(selectedContext_)) setSelectedContext({});
    updateMethods();
    maybeFetchState(false);
    maybeFetchDag(false);
    emit batchApplied();
}

void Monitor::updateMethods() {
    const ContextView *c = contexts_->find(selectedContext_);
    methods_->setMethods(c ? c->methods : QStringList{});
}

void Monitor::setSelectedContext(const QString &id) {
    if (id == selectedContext_) return;
    selectedContext_ = id;
    emit selectedContextChanged();
    updateMethods();
    maybeFetchState(true);
}

void Monitor::refreshState() { maybeFetchState(true); }

void Monitor::maybeFetchState(bool force) {
    if (!client_ || selectedContext_.isEmpty() || stateRequest_) return;
    const ContextView *c = contexts_->find(selectedContext_);
    if (!c) return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (!force && (c->rootHash == stateFetchedRoot_ || now - stateFetchedAtMs_ < kReadIntervalMs)) return;
    stateFetchedRoot_ = c->rootHash;
    stateFetchedAtMs_ = now;
    stateRequest_ = client_->fetchState(selectedContext_, {}, 2000);
}

void Monitor::setDagContext(const QString &id) {
    if (id == dagContext_) return;
    dagContext_ = id;
    dagFetchedFor_.clear();
    dagFetchedApplied_ = -1;
    if (id.isEmpty()) dag_->clear();
    emit dagContextChanged();
    maybeFetchDag(true);
}

void Monitor::setDagActive(bool active) {
    if (active == dagActive_) return;
    dagActive_ = active;
    emit dagActiveChanged();
    maybeFetchDag(true);
}

void Monitor::maybeFetchDag(bool force) {
    if (!client_ || !dagActive_ || dagContext_.isEmpty() || dagRequest_) return;
    const ContextView *c = contexts_->find(dagContext_);
    if (!c) return;
    // Re-read only when the context moved: new deltas, pending ones, other heads.
    const QString mark = QStringLiteral("%1/%2/%3").arg(c->applied).arg(c->pending).arg(c->heads.join(QLatin1Char(',')));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (!force && (mark == dagFetchedFor_ || now - dagFetchedAtMs_ < kReadIntervalMs)) return;
    dagFetchedFor_ = mark;
    dagFetchedAtMs_ = now;
    // Between full reads (every kDagFullReadMs, on (re)activation, and while
    // deltas are pending, whose rows change state in place) only the newest
    // deltas are read: those applied since the last read plus a margin for
    // the heads of that read. A full read of 10 000 rows costs the GUI
    // thread ~40 ms to merge; at 1 000 deltas/s the increment costs a tenth.
    // Rows that gain a child stop being heads in DagModel::merge itself.
    const bool full = force || dagFetchedApplied_ < 0 || c->pending > 0 || now - dagFullReadAtMs_ >= kDagFullReadMs;
    int limit = DagModel::kMaxRows;
    if (full) dagFullReadAtMs_ = now;
    else limit = int(std::clamp<double>(double(c->applied) - dagFetchedApplied_ + kDagReadMargin, kDagReadMargin, limit));
    dagFetchedApplied_ = double(c->applied);
    dagRequest_ = client_->fetchDag(dagContext_, limit);
    emit dagLoadingChanged();
}

}  // namespace dn
