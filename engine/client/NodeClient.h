#pragma once
// NodeClient: the one door from the desktop monitor into a node (ARCHITECTURE §2,
// §3). It lives on the GUI thread; the node lives on its own thread. Every
// request is queued to the node thread and answered by a queued signal, and
// the node's state arrives as one NodeSnapshot per interval (≥ 250 ms), so
// the GUI never blocks on the engine and never sees more than 4 updates a
// second. ui/ and qml/ include this header and NodeSnapshot.h only.
//
// Requests return an id; the answer is finished(id, reply). Heavy reads come
// with their own signal (dagReady, stateReady) before finished.
#include "client/NodeSnapshot.h"
#include <QObject>
#include <QPointer>
#include <functional>

namespace dn {

class Histogram;
class NodeClientBackend;
class NodeServices;

class NodeClient : public QObject {
    Q_OBJECT
public:
    struct Options {
        int snapshotIntervalMs = 250;  // clamped to ≥ 250 (≤ 4 Hz)
        // Histograms of the phases measured by the node rather than the engine
        // (broadcast, websocket, end_to_end). Called on the node thread.
        std::function<const Histogram *(const QString &phase)> phaseHistograms;
        // Where bundled sample apps are looked for (empty: appSearchPaths()).
        QStringList appDirs;
    };

    // `node` must outlive this object (it lives on its own thread, or this one).
    NodeClient(NodeServices *node, Options options, QObject *parent = nullptr);
    explicit NodeClient(NodeServices *node, QObject *parent = nullptr) : NodeClient(node, Options{}, parent) {}
    ~NodeClient() override;

    // The latest snapshot received (empty until the first one arrives).
    const NodeSnapshot &snapshot() const { return snapshot_; }

    // Bundled sample apps, name → .wasm path: the build tree's wasm dir (only
    // the known samples there, not test modules) and installed share dirs.
    QVector<QPair<QString, QString>> bundledApps() const;
    static QStringList appSearchPaths();

    // Operations. Each returns its request id at once.
    quint64 installApp(const QString &wasmPath, const QString &name = {});
    quint64 createContext(const QString &appId, const QString &name, const QString &initArgsJson = {});
    quint64 invite(const QString &contextId, qint64 expiresInSeconds = 7 * 24 * 3600, int uses = 1);
    quint64 join(const QString &invitation);  // progress(): joining, syncing
    quint64 deleteContext(const QString &contextId);
    // Members: reply data {members: [{peerId, role, self, online, addedBy,
    // addedAt}], selfRole, epoch}. Removing and setting a role answer {deltaId}.
    quint64 members(const QString &contextId);
    quint64 removeMember(const QString &contextId, const QString &peerId);
    quint64 setRole(const QString &contextId, const QString &peerId, const QString &role);
    quint64 callMethod(const QString &contextId, const QString &method, const QString &argsJson);
    quint64 fetchState(const QString &contextId, const QString &prefix = {}, int limit = 1000);
    quint64 fetchDag(const QString &contextId, int limit = 10'000);
    quint64 disconnectPeer(const QString &peerId);
    quint64 blockPeer(const QString &peerId);
    quint64 evictBlob(const QString &blobId);  // empty: run the three eviction phases now
    // Asks for a snapshot now (still at most one per interval on the GUI side).
    void refresh();

signals:
    void snapshotReady(const dn::NodeSnapshot &snapshot);
    void finished(quint64 id, const dn::ClientReply &reply);
    void progress(quint64 id, const QString &stage, double fraction);
    void dagReady(quint64 id, const QString &contextId, const QVector<dn::DagDeltaView> &deltas);
    void stateReady(quint64 id, const QString &contextId, const QVector<dn::StateEntryView> &entries);

private:
    template <typename F> quint64 post(F &&call);
    void onSnapshot(const NodeSnapshot &s);

    QPointer<NodeServices> node_;
    NodeClientBackend *backend_ = nullptr;
    Options options_;
    NodeSnapshot snapshot_;
    quint64 nextId_ = 0;
};

}  // namespace dn
