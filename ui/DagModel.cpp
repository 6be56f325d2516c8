#include "DagModel.h"
#include "Format.h"
#include <QDateTime>
#include <QSet>
#include <algorithm>

namespace dn {

DagModel::DagModel(QObject *parent) : ListModelBase(parent) {}

int DagModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(rows_.size()); }

int DagModel::kindOf(const DagDeltaView &d) { return !d.applied ? Pending : d.local ? Local : Remote; }

QVariant DagModel::data(const QModelIndex &index, int role) const {
    const int row = index.row();
    if (row < 0 || row >= int(rows_.size())) return {};
    const Node &n = rows_[size_t(row)];
    switch (role) {
    case Qt::DisplayRole:
    case DeltaIdRole: return n.delta.id;
    case GenerationRole: return n.generation;
    case LaneRole: return n.lane;
    case ParentsRole: {
        QVariantList out;
        for (qint64 s : n.parentSeqs)
            if (s >= firstSeq_) out.push_back(int(s - firstSeq_));
        return out;
    }
    case KindRole: return n.kind;
    case IsHeadRole: return n.delta.isHead;
    case AuthorRole: return n.delta.author;
    case HlcRole: return double(n.delta.hlc);
    case ReceivedAtRole: return QDateTime::fromMSecsSinceEpoch(n.delta.receivedAtMs);
    }
    return {};
}

QHash<int, QByteArray> DagModel::roleNames() const {
    return {{DeltaIdRole, "deltaId"}, {GenerationRole, "generation"}, {LaneRole, "lane"},
            {ParentsRole, "parents"}, {KindRole, "kind"}, {IsHeadRole, "isHead"}, {AuthorRole, "author"},
            {HlcRole, "hlc"}, {ReceivedAtRole, "receivedAt"}};
}

int DagModel::headCount() const {
    int n = 0;
    for (const Node &r : rows_) n += r.delta.isHead ? 1 : 0;
    return n;
}

void DagModel::clear() {
    if (!rows_.empty()) {
        beginRemove(0, int(rows_.size()) - 1);
        rows_.clear();
        endRemove();
    }
    seqOf_.clear();
    laneTip_.clear();
    maxGeneration_ = 0;
}

void DagModel::place(Node &n) {
    int generation = 0;
    for (qint64 p : n.parentSeqs) generation = std::max(generation, rows_[size_t(p - firstSeq_)].generation);
    n.generation = generation + 1;
    maxGeneration_ = std::max(maxGeneration_, n.generation);
    // A delta continues the lane of the first parent that is still the tip
    // of its lane; otherwise it opens a branch in the lowest free lane.
    int lane = -1;
    for (qint64 p : n.parentSeqs) {
        const int pl = rows_[size_t(p - firstSeq_)].lane;
        if (laneTip_[pl] == p) {
            lane = pl;
            break;
        }
    }
    if (lane < 0) {
        lane = int(laneTip_.indexOf(-1));
        if (lane < 0) {
            lane = int(laneTip_.size());
            laneTip_.push_back(-1);
        }
    }
    // The other parents' branches end here (a merge): their lanes free up.
    for (qint64 p : n.parentSeqs) {
        const int pl = rows_[size_t(p - firstSeq_)].lane;
        if (pl != lane && laneTip_[pl] == p) laneTip_[pl] = -1;
    }
    laneTip_[lane] = n.seq;
    n.lane = lane;
}

void DagModel::merge(const QString &contextId, const QVector<DagDeltaView> &deltas) {
    if (contextId != contextId_) startOver(contextId);
    const QVector<const DagDeltaView *> fresh = updateKnown(deltas);
    if (fresh.isEmpty()) return;
    append(parentsFirst(fresh));
    trim();
}

// Rows of another context share nothing with the new ones, not even the
// numbering of their seqs.
void DagModel::startOver(const QString &contextId) {
    clear();
    firstSeq_ = 0;
    contextId_ = contextId;
    emit contextIdChanged();
}

// Rows never move (the graph lays out incrementally), so a delta read again
// changes its row in place: pending → applied, head or not. Returns the
// deltas the model does not have yet, in the batch's order.
QVector<const DagDeltaView *> DagModel::updateKnown(const QVector<DagDeltaView> &deltas) {
    QVector<const DagDeltaView *> fresh;
    QVector<int> changedRows;
    for (const DagDeltaView &d : deltas) {
        auto it = seqOf_.constFind(d.id);
        if (it == seqOf_.cend()) {
            fresh.push_back(&d);
            continue;
        }
        Node &n = rows_[size_t(*it - firstSeq_)];
        if (n.delta.isHead == d.isHead && n.delta.applied == d.applied) continue;
        n.delta.isHead = d.isHead;
        n.delta.applied = d.applied;
        n.kind = kindOf(n.delta);
        changedRows.push_back(int(*it - firstSeq_));
    }
    notifyInRuns(std::move(changedRows));
    return fresh;
}

// One dataChanged per run of adjacent rows rather than one per row: a full
// re-read while deltas are pending changes many rows, and views pay per signal.
void DagModel::notifyInRuns(QVector<int> changedRows) {
    std::sort(changedRows.begin(), changedRows.end());
    int runFirst = -1, runLast = -1;
    for (int r : changedRows) {
        if (runFirst >= 0 && r != runLast + 1) {
            rowsChanged(runFirst, runLast);
            runFirst = -1;
        }
        if (runFirst < 0) runFirst = r;
        runLast = r;
    }
    if (runFirst >= 0) rowsChanged(runFirst, runLast);
}

DagModel::Node DagModel::makeNode(const DagDeltaView &d, qint64 seq) {
    Node n;
    n.delta = d;
    n.seq = seq;
    n.kind = kindOf(d);
    return n;
}

// New rows must come after their parents: place() reads the parents' lanes
// and generations. The batch is in HLC order, which is causal except across
// clock skew, so a delta whose parent is still to come in this batch waits
// for it. Seqs follow the order returned.
QVector<DagModel::Node> DagModel::parentsFirst(QVector<const DagDeltaView *> fresh) const {
    QSet<QString> inBatch;
    for (const DagDeltaView *d : fresh) inBatch.insert(d->id);
    QVector<Node> ordered;
    QSet<QString> taken;
    qint64 nextSeq = firstSeq_ + qint64(rows_.size());
    auto take = [&](const DagDeltaView *d) {
        taken.insert(d->id);
        ordered.push_back(makeNode(*d, nextSeq++));
    };
    while (!fresh.isEmpty()) {
        QVector<const DagDeltaView *> waiting;
        for (const DagDeltaView *d : fresh) {
            const bool ready = std::none_of(d->parents.cbegin(), d->parents.cend(), [&](const QString &p) {
                return inBatch.contains(p) && !taken.contains(p);
            });
            if (ready) take(d);
            else waiting.push_back(d);
        }
        if (waiting.size() == fresh.size()) {  // a cycle, impossible in a DAG: take them as they are, never loop forever
            for (const DagDeltaView *d : waiting) take(d);
            waiting.clear();
        }
        fresh = std::move(waiting);
    }
    return ordered;
}

// Appends rows in one insert, each linked to its parents and given its lane.
// Rows shown before that gained a child are notified after the insert.
void DagModel::append(QVector<Node> added) {
    const int first = int(rows_.size());
    QVector<int> noLongerHeads;
    beginInsert(first, first + int(added.size()) - 1);
    for (Node &n : added) {
        linkParents(n, first, noLongerHeads);
        seqOf_.insert(n.delta.id, n.seq);
        rows_.push_back(std::move(n));
        place(rows_.back());
    }
    endInsert();
    for (int r : noLongerHeads) rowsChanged(r, r);
}

// Edges only to parents still in the model: older ones were trimmed, and a
// read may start after a delta's parents. Earlier rows of this batch are in
// seqOf_ already (append inserts in seq order). A delta with a child is not a
// head; an incremental read does not carry the parent again, so a row shown
// before this batch (below `firstNewRow`) is corrected here.
void DagModel::linkParents(Node &n, int firstNewRow, QVector<int> &noLongerHeads) {
    for (const QString &p : n.delta.parents) {
        auto it = seqOf_.constFind(p);
        if (it == seqOf_.cend()) continue;
        n.parentSeqs.push_back(*it);
        const int row = int(*it - firstSeq_);
        if (row >= firstNewRow) continue;
        Node &parent = rows_[size_t(row)];
        if (parent.delta.isHead) {
            parent.delta.isHead = false;
            noLongerHeads.push_back(row);
        }
    }
}

void DagModel::trim() {
    // Drop the oldest in chunks of half the cap, so the row shift — and the
    // parents of every row changing with it, which makes the graph rebuild
    // its meshes — happens rarely: every 5 s at 1 000 deltas/s, not every
    // second as with a tenth (one slow frame in ~300 instead of in ~60).
    if (int(rows_.size()) <= kMaxRows + kMaxRows / 2) return;
    const int drop = int(rows_.size()) - kMaxRows;
    beginRemove(0, drop - 1);
    for (int i = 0; i < drop; ++i) {
        seqOf_.remove(rows_.front().delta.id);
        rows_.pop_front();
    }
    firstSeq_ += drop;
    endRemove();
    for (qint64 &tip : laneTip_)
        if (tip >= 0 && tip < firstSeq_) tip = -1;
    // No dataChanged for the parents: they are row numbers, which shift with
    // the removal like every row number does (views apply the shift
    // themselves, DagGraphItem::onRowsRemoved); edges to dropped rows go.
}

QVariantMap DagModel::details(int row) const {
    if (row < 0 || row >= int(rows_.size())) return {};
    const Node &n = rows_[size_t(row)];
    static const char *kinds[] = {"local", "remote", "pending"};
    return {{QStringLiteral("deltaId"), n.delta.id},
            {QStringLiteral("author"), n.delta.author},
            {QStringLiteral("hlc"), QString::number(n.delta.hlc)},
            {QStringLiteral("hlcTime"), Format::hlcTime(n.delta.hlc)},
            {QStringLiteral("parents"), n.delta.parents},
            {QStringLiteral("actions"), n.delta.actions},
            {QStringLiteral("events"), n.delta.events},
            {QStringLiteral("kind"), QString::fromLatin1(kinds[n.kind])},
            {QStringLiteral("isHead"), n.delta.isHead},
            {QStringLiteral("generation"), n.generation},
            {QStringLiteral("lane"), n.lane}};
}

QStringList DagModel::headIds() const {
    QStringList out;
    for (const Node &r : rows_)
        if (r.delta.isHead) out.push_back(r.delta.id);
    out.sort();
    return out;
}

int DagModel::rowOf(const QString &deltaId) const {
    auto it = seqOf_.constFind(deltaId);
    return it == seqOf_.cend() ? -1 : int(*it - firstSeq_);
}

}  // namespace dn
