#pragma once
// The DAG of one context for DagGraphItem (DAG page). Rows are deltas in a
// causal order (parents before children), appended as new deltas arrive —
// existing rows never move, so the graph item can lay out incrementally.
// Roles per the item's contract: deltaId, generation (1 + max of the
// parents'), lane (stable per branch), parents (row indexes), kind
// (0 local, 1 remote, 2 pending), isHead. Keeps at most kMaxRows, dropping
// the oldest in chunks.
#include "ListModelBase.h"
#include "client/NodeSnapshot.h"
#include <QHash>
#include <deque>

namespace dn {

class DagModel : public ListModelBase {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Monitor")
    Q_PROPERTY(QString contextId READ contextId NOTIFY contextIdChanged)
    Q_PROPERTY(int headCount READ headCount NOTIFY countChanged)
    Q_PROPERTY(int laneCount READ laneCount NOTIFY countChanged)
    Q_PROPERTY(int maxGeneration READ maxGeneration NOTIFY countChanged)
public:
    static constexpr int kMaxRows = 10'000;
    enum Kind { Local = 0, Remote = 1, Pending = 2 };
    enum Role {
        DeltaIdRole = Qt::UserRole + 1, GenerationRole, LaneRole, ParentsRole, KindRole, IsHeadRole,
        AuthorRole, HlcRole, ReceivedAtRole
    };
    explicit DagModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Deltas of `contextId`, oldest first (another context: starts over).
    // Known ones update in place (pending → applied, head flags); new ones append.
    void merge(const QString &contextId, const QVector<DagDeltaView> &deltas);
    void clear();

    // Everything about one delta for the details panel: id, author, hlc,
    // parents (ids), actions, events, kind, generation, lane.
    Q_INVOKABLE QVariantMap details(int row) const;
    Q_INVOKABLE int rowOf(const QString &deltaId) const;
    // Ids of the rows that are heads, sorted (what the page says the node's
    // heads are; compared with the node's own for the stale check).
    Q_INVOKABLE QStringList headIds() const;

    QString contextId() const { return contextId_; }
    int headCount() const;
    int laneCount() const { return int(laneTip_.size()); }
    int maxGeneration() const { return maxGeneration_; }

signals:
    void contextIdChanged();

private:
    struct Node {
        DagDeltaView delta;
        qint64 seq = 0;                 // absolute position; row = seq - firstSeq_
        QVector<qint64> parentSeqs;     // parents present in the model
        int generation = 1;
        int lane = 0;
        int kind = Remote;
    };
    static int kindOf(const DagDeltaView &d);
    static Node makeNode(const DagDeltaView &d, qint64 seq);
    // merge(), step by step (why each: DagModel.cpp).
    void startOver(const QString &contextId);
    QVector<const DagDeltaView *> updateKnown(const QVector<DagDeltaView> &deltas);
    void notifyInRuns(QVector<int> changedRows);
    QVector<Node> parentsFirst(QVector<const DagDeltaView *> fresh) const;
    void append(QVector<Node> added);
    void linkParents(Node &n, int firstNewRow, QVector<int> &noLongerHeads);
    void place(Node &n);
    void trim();

    QString contextId_;
    std::deque<Node> rows_;
    QHash<QString, qint64> seqOf_;  // delta id → seq
    qint64 firstSeq_ = 0;
    QVector<qint64> laneTip_;       // per lane: seq of its newest delta, -1 when the branch merged
    int maxGeneration_ = 0;
};

}  // namespace dn
