#pragma once
// The monitor's data, as the QML singleton `Monitor` (ARCHITECTURE §13): the node's
// status and every model the pages show. It takes NodeClient's snapshots
// through a SnapshotFeed (≤ 4 batches a second) and spreads each batch over
// the models, which update row by row. It also keeps the DAG page's and the
// state browser's reads going for the context they show, at most one read
// in flight and one a second. Operations live in `Monitor.actions`; how
// numbers and times read, in `Format` (Format.h).
// Q_PROPERTY needs the complete types of the models.
#include "BlobCacheModel.h"
#include "ContextsModel.h"
#include "DagModel.h"
#include "EventLogModel.h"
#include "LatencyModel.h"
#include "LogModel.h"
#include "MethodListModel.h"
#include "NodeActions.h"
#include "PeersModel.h"
#include "StateModel.h"
#include "ThroughputSeries.h"
#include "client/NodeSnapshot.h"
#include <QObject>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace dn {

class NodeClient;
class SnapshotFeed;

class Monitor : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(bool ready READ ready NOTIFY statusChanged)
    Q_PROPERTY(QString peerId READ peerId NOTIFY statusChanged)
    Q_PROPERTY(QStringList addresses READ addresses NOTIFY statusChanged)
    Q_PROPERTY(QString apiUrl READ apiUrl NOTIFY statusChanged)
    Q_PROPERTY(QString version READ version NOTIFY statusChanged)
    Q_PROPERTY(double uptimeSeconds READ uptimeSeconds NOTIFY statusChanged)
    Q_PROPERTY(int contextCount READ contextCount NOTIFY statusChanged)
    Q_PROPERTY(int appCount READ appCount NOTIFY statusChanged)
    Q_PROPERTY(int peerCount READ peerCount NOTIFY statusChanged)
    Q_PROPERTY(double deltasApplied READ deltasApplied NOTIFY statusChanged)
    Q_PROPERTY(double deltasPending READ deltasPending NOTIFY statusChanged)
    Q_PROPERTY(double transactions READ transactions NOTIFY statusChanged)
    Q_PROPERTY(double failedCalls READ failedCalls NOTIFY statusChanged)
    // The database error that stopped the node (empty while healthy): the
    // window shows it as a banner (StorageBanner.qml).
    Q_PROPERTY(QString storageFailure READ storageFailure NOTIFY statusChanged)
    Q_PROPERTY(QVariantList recentErrors READ recentErrors NOTIFY recentErrorsChanged)
    Q_PROPERTY(QVariantList apps READ apps NOTIFY appsChanged)
    Q_PROPERTY(QVariantList bundledApps READ bundledApps CONSTANT)
    Q_PROPERTY(QString selectedContext READ selectedContext WRITE setSelectedContext NOTIFY selectedContextChanged)
    Q_PROPERTY(QString dagContext READ dagContext WRITE setDagContext NOTIFY dagContextChanged)
    Q_PROPERTY(bool dagActive READ dagActive WRITE setDagActive NOTIFY dagActiveChanged)
    Q_PROPERTY(bool dagLoading READ dagLoading NOTIFY dagLoadingChanged)
    Q_PROPERTY(dn::NodeActions *actions READ actions CONSTANT)
    Q_PROPERTY(dn::ContextsModel *contexts READ contexts CONSTANT)
    Q_PROPERTY(dn::PeersModel *peers READ peers CONSTANT)
    Q_PROPERTY(dn::BlobCacheModel *blobCache READ blobCache CONSTANT)
    Q_PROPERTY(dn::LogModel *log READ log CONSTANT)
    Q_PROPERTY(dn::EventLogModel *events READ events CONSTANT)
    Q_PROPERTY(dn::StateModel *state READ state CONSTANT)
    Q_PROPERTY(dn::MethodListModel *methods READ methods CONSTANT)
    Q_PROPERTY(dn::LatencyModel *latency READ latency CONSTANT)
    Q_PROPERTY(dn::DagModel *dag READ dag CONSTANT)
    Q_PROPERTY(dn::ThroughputSeries *txRate READ txRate CONSTANT)
    Q_PROPERTY(dn::ThroughputSeries *deltaRate READ deltaRate CONSTANT)
    Q_PROPERTY(dn::ThroughputSeries *trafficIn READ trafficIn CONSTANT)
    Q_PROPERTY(dn::ThroughputSeries *trafficOut READ trafficOut CONSTANT)
    Q_PROPERTY(dn::ThroughputSeries *evictedIdle READ evictedIdle CONSTANT)
    Q_PROPERTY(dn::ThroughputSeries *evictedCount READ evictedCount CONSTANT)
    Q_PROPERTY(dn::ThroughputSeries *evictedBytes READ evictedBytes CONSTANT)
    Q_PROPERTY(dn::ThroughputSeries *cacheBytes READ cacheBytes CONSTANT)
public:
    // `client` may be null (tests feed snapshots through feed()).
    explicit Monitor(NodeClient *client, QObject *parent = nullptr);
    ~Monitor() override;

    // The instance QML's `Monitor` resolves to; set before loading QML.
    static void setInstance(Monitor *monitor);
    static Monitor *create(QQmlEngine *engine, QJSEngine *);

    SnapshotFeed *feed() const { return feed_; }
    NodeClient *client() const { return client_; }
    // What one coalesced batch does to the models.
    void applySnapshot(const NodeSnapshot &s);

    bool ready() const { return status_.serial > 0; }
    QString peerId() const { return status_.status.peerId; }
    QStringList addresses() const { return status_.status.addresses; }
    QString apiUrl() const { return status_.status.apiUrl; }
    QString version() const { return status_.status.version; }
    double uptimeSeconds() const { return double(status_.status.uptimeSeconds); }
    int contextCount() const { return status_.status.contexts; }
    int appCount() const { return status_.status.apps; }
    int peerCount() const { return std::max<int>(status_.status.peers, int(status_.peers.size())); }
    double deltasApplied() const { return double(status_.status.deltasApplied); }
    double deltasPending() const { return double(status_.status.deltasPending); }
    double transactions() const { return double(status_.status.transactions); }
    double failedCalls() const { return double(status_.status.failedCalls); }
    QString storageFailure() const { return status_.status.storageFailure; }
    QVariantList recentErrors() const { return recentErrors_; }
    QVariantList apps() const { return apps_; }
    QVariantList bundledApps() const { return bundledApps_; }

    QString selectedContext() const { return selectedContext_; }
    void setSelectedContext(const QString &id);
    QString dagContext() const { return dagContext_; }
    void setDagContext(const QString &id);
    bool dagActive() const { return dagActive_; }
    void setDagActive(bool active);
    bool dagLoading() const { return dagRequest_ != 0; }

    // Fetches the selected context's state now.
    Q_INVOKABLE void refreshState();

    NodeActions *actions() const { return actions_; }
    ContextsModel *contexts() const { return contexts_; }
    PeersModel *peers() const { return peers_; }
    BlobCacheModel *blobCache() const { return blobCache_; }
    LogModel *log() const { return log_; }
    EventLogModel *events() const { return events_; }
    StateModel *state() const { return state_; }
    MethodListModel *methods() const { return methods_; }
    LatencyModel *latency() const { return latency_; }
    DagModel *dag() const { return dag_; }
    ThroughputSeries *txRate() const { return txRate_; }
    ThroughputSeries *deltaRate() const { return deltaRate_; }
    ThroughputSeries *trafficIn() const { return trafficIn_; }
    ThroughputSeries *trafficOut() const { return trafficOut_; }
    ThroughputSeries *evictedIdle() const { return evictedIdle_; }
    ThroughputSeries *evictedCount() const { return evictedCount_; }
    ThroughputSeries *evictedBytes() const { return evictedBytes_; }
    ThroughputSeries *cacheBytes() const { return cacheBytes_; }

signals:
    void statusChanged();
    void recentErrorsChanged();
    void appsChanged();
    void selectedContextChanged();
    void dagContextChanged();
    void dagActiveChanged();
    void dagLoadingChanged();
    void batchApplied();  // after every batch (tests, benchmarks)

private:
    void maybeFetchDag(bool force);
    void maybeFetchState(bool force);
    void updateMethods();

    NodeClient *client_;
    SnapshotFeed *feed_;
    NodeActions *actions_;
    ContextsModel *contexts_;
    PeersModel *peers_;
    BlobCacheModel *blobCache_;
    LogModel *log_;
    EventLogModel *events_;
    StateModel *state_;
    MethodListModel *methods_;
    LatencyModel *latency_;
    DagModel *dag_;
    ThroughputSeries *txRate_, *deltaRate_, *trafficIn_, *trafficOut_;
    ThroughputSeries *evictedIdle_, *evictedCount_, *evictedBytes_, *cacheBytes_;

    NodeSnapshot status_;  // the last batch, without its logs and events
    QVariantList recentErrors_;
    QVariantList apps_;
    QVariantList bundledApps_;
    QString selectedContext_;
    QString dagContext_;
    bool dagActive_ = false;
    quint64 dagRequest_ = 0;
    qint64 dagFetchedAtMs_ = 0;
    QString dagFetchedFor_;  // "applied/pending/heads" of the context when last read
    // Applied count at the last read and when the last full read was: reads
    // in between ask only for what is new (see maybeFetchDag).
    double dagFetchedApplied_ = -1;
    qint64 dagFullReadAtMs_ = 0;
    quint64 stateRequest_ = 0;
    qint64 stateFetchedAtMs_ = 0;
    QString stateFetchedRoot_;
};

}  // namespace dn
