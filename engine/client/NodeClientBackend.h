#pragma once
// The node-thread half of NodeClient (ARCHITECTURE §3). It lives on the thread of
// the node it serves: a timer there builds one NodeSnapshot per interval
// (≥ 250 ms, so the GUI gets at most 4 batches a second however fast the
// node works), and requests arrive as queued calls. Work that may take a
// while (method calls, app installs, DAG and state reads) runs on a small
// pool of its own, so neither the node thread nor the GUI thread waits on
// the engine. Answers leave as signals, which reach NodeClient queued.
#include "client/NodeSnapshot.h"
#include "client/NodeSnapshotBuilder.h"
#include "util/ErrorCode.h"
#include "util/Result.h"
#include "crypto/Hash32.h"
#include "context/EngineTypes.h"
#include <QObject>
#include <QThreadPool>
#include <QTimer>
#include <functional>

namespace dn {

class NodeServices;

class NodeClientBackend : public QObject {
    Q_OBJECT
public:
    NodeClientBackend(NodeServices *node, PhaseHistogramSource phases);
    ~NodeClientBackend() override;  // waits for its pool jobs

    // All of these run on the node thread (NodeClient queues them there).
    void start(int intervalMs);
    void snapshotNow();
    void installApp(quint64 id, const QString &path, const QString &name);
    void createContext(quint64 id, const QString &appId, const QString &name, const QString &initArgs);
    void invite(quint64 id, const QString &contextId, qint64 expiresInSeconds, int uses);
    void join(quint64 id, const QString &invitation);
    void deleteContext(quint64 id, const QString &contextId);
    // Members of a context at its current heads (ARCHITECTURE §15), and the
    // two admin actions on them; a member is named by its peer id.
    void members(quint64 id, const QString &contextId);
    void removeMember(quint64 id, const QString &contextId, const QString &peerId);
    void setRole(quint64 id, const QString &contextId, const QString &peerId, const QString &role);
    void call(quint64 id, const QString &contextId, const QString &method, const QString &args);
    void fetchState(quint64 id, const QString &contextId, const QString &prefix, int limit);
    void fetchDag(quint64 id, const QString &contextId, int limit);
    void peerAction(quint64 id, const QString &peerId, const QString &action);
    void evictBlob(quint64 id, const QString &blobId);

signals:
    void snapshotReady(const dn::NodeSnapshot &snapshot);
    void finished(quint64 id, const dn::ClientReply &reply);
    void progress(quint64 id, const QString &stage, double fraction);
    void dagReady(quint64 id, const QString &contextId, const QVector<dn::DagDeltaView> &deltas);
    void stateReady(quint64 id, const QString &contextId, const QVector<dn::StateEntryView> &entries);

private:
    struct JoinWatch {
        quint64 id = 0;
        ContextInfo context;
        qint64 deadlineMs = 0;
    };
    void tick();
    void countMembers(qint64 nowMs);
    void watchJoins(const NodeSnapshot &s);
    // Runs `work` on the pool; it returns the reply that `finished` carries.
    void offload(quint64 id, std::function<ClientReply()> work);
    void fail(quint64 id, ErrorCode code, const QString &message);
    // An engine callback for a governance delta: answered on this thread.
    std::function<void(Result<Hash32>)> answerDelta(quint64 id, QVariantMap data);

    NodeServices *node_;
    NodeSnapshotBuilder builder_;
    QTimer timer_;
    QThreadPool pool_;
    QVector<JoinWatch> joins_;
};

}  // namespace dn
