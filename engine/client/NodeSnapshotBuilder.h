#pragma once
// Builds the monitor's NodeSnapshot from a running node (ARCHITECTURE §13). Runs on
// the node thread: everything it reads there is in memory (status, peers,
// contexts, the blob cache, lock-free histograms), so one snapshot costs
// microseconds. Member counts need a state scan, which the caller runs
// elsewhere and hands back with setMembers().
#include "client/NodeSnapshot.h"
#include "codec/Delta.h"
#include <QHash>
#include <functional>
#include <vector>

namespace dn {

class Histogram;
class NodeServices;

// The histograms of the phases the engine does not measure itself
// (broadcast, websocket, end_to_end live in the node); nullptr = not measured.
using PhaseHistogramSource = std::function<const Histogram *(const QString &phase)>;

class NodeSnapshotBuilder {
public:
    static constexpr int kMaxEventsPerBatch = 1000;
    // The pipeline phases, in the order the Latency page shows them.
    static const QStringList &phaseNames();

    NodeSnapshotBuilder(NodeServices &node, PhaseHistogramSource phases);

    // Collects app events (from NodeServices::stateMutated) until the next build().
    void addEvents(const QString &contextId, const QString &deltaId, const std::vector<Event> &events);
    NodeSnapshot build();

    // Contexts whose member count is stale (their root changed since it was
    // counted, at most once per `minIntervalMs`); marks them as being counted.
    QStringList contextsNeedingMemberCount(qint64 nowMs, qint64 minIntervalMs);
    void setMembers(const QString &contextId, int members);

private:
    struct MemberCount {
        QString countedRoot;
        int members = 0;
        qint64 countedAtMs = 0;
        bool counting = false;
    };
    const Histogram *nodePhase(const QString &phase) const;

    NodeServices &node_;
    PhaseHistogramSource phases_;
    quint64 serial_ = 0;
    quint64 logSeq_ = 0;
    quint64 eventSeq_ = 0;
    quint64 droppedEvents_ = 0;
    QVector<EventView> events_;
    QHash<QString, MemberCount> members_;
    QHash<QString, QString> rootOf_;  // context → root as of the last build
};

}  // namespace dn
