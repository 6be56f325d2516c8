#include "DagModel.h"
#include <QDateTime>
#include <QSet>

namespace dn {
namespace {

// HLC time is NTP64 over the Unix epoch (state/Hlc.h): seconds in the high
// 32 bits, a fraction below whose low 16 bits are a logical counter.
QString hlcText(quint64 hlc) {
    const qint64 ms = qint64(hlc >> 32) * 1000 + qint64(((hlc & 0xffffffffull) * 1000) >> 32);
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")) +
           QStringLiteral(" · counter %1").arg(hlc & 0xffff);
}

}  // namespace

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
    if (contextId != contextId_) {
        clear();
        firstSeq_ = 0;
        contextId_ = contextId;
        emit contextIdChanged();
    }
    // 1. Known deltas: state changes in place, one dataChanged per run.
    QVector<const DagDeltaView *> fresh;
    int changedFirst = -1, changedLast = -1;
    auto flush = [&] {
        if (changedFirst >= 0) rowsChanged(changedFirst, changedLast);
        changedFirst = changedLast = -1;
    };
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
    std::sort(changedRows.begin(), changedRows.end());
    for (int r : changedRows) {
        if (changedFirst >= 0 && r != changedLast + 1) flush();
        if (changedFirst < 0) changedFirst = r;
        changedLast = r;
    }
    flush();
    if (fresh.isEmpty()) return;

    // 2. New deltas, parents first. The batch is in HLC order, which is
    // causal except across clock skew; a delta whose parent is still to
    // come in this batch waits for it.
    QSet<QString> inBatch;
    for (const DagDeltaView *d : fresh) inBatch.insert(d->id);
    QVector<Node> added;
    QHash<QString, qint64> addedSeq;
    qint64 nextSeq = firstSeq_ + qint64(rows_.size());
    while (!fresh.isEmpty()) {
        QVector<const DagDeltaView *> waiting;
        for (const DagDeltaView *d : fresh) {
            bool ready = true;
            for (const QString &p : d->parents)
                if (inBatch.contains(p) && !addedSeq.contains(p)) ready = false;
            if (!ready) {
                waiting.push_back(d);
                continue;
            }
            Node n;
            n.delta = *d;
            n.seq = nextSeq++;
            n.kind = kindOf(*d);
            addedSeq.insert(d->id, n.seq);
            added.push_back(std::move(n));
        }
        if (waiting.size() == fresh.size()) {  // cannot happen in a DAG; never loop forever
            for (const DagDeltaView *d : waiting) {
                Node n;
                n.delta = *d;
                n.seq = nextSeq++;
                n.kind = kindOf(*d);
                addedSeq.insert(d->id, n.seq);
                added.push_back(std::move(n));
            }
            waiting.clear();
        }
        fresh = std::move(waiting);
    }
    const int first = int(rows_.size());
    QVector<int> noLongerHeads;  // rows already shown that the new ones have as parents
    beginInsert(first, first + int(added.size()) - 1);
    for (Node &n : added) {
        for (const QString &p : n.delta.parents) {
            auto it = seqOf_.constFind(p);
            if (it != seqOf_.cend() && *it >= firstSeq_) {
                n.parentSeqs.push_back(*it);
                // A delta with a child is not a head. An incremental read does
                // not carry the parent again, so its row is corrected here.
                if (*it - firstSeq_ < first) {
                    Node &parent = rows_[size_t(*it - firstSeq_)];
                    if (parent.delta.isHead) {
                        parent.delta.isHead = false;
                        noLongerHeads.push_back(int(*it - firstSeq_));
                    }
                }
            } else if (auto a = addedSeq.constFind(p); a != addedSeq.cend() && *a < n.seq) {
                n.parentSeqs.push_back(*a);
            }
        }
        seqOf_.insert(n.delta.id, n.seq);
        rows_.push_back(std::move(n));
        place(rows_.back());
    }
    endInsert();
    for (int r : noLongerHeads) rowsChanged(r, r);
    trim();
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
            {QStringLiteral("hlcTime"), hlcText(n.delta.hlc)},
            {QStringLiteral("parents"), n.delta.parents},
            {QStringLiteral("actions"), n.delta.actions},
            {QStringLiteral("events"), n.delta.events},
            {QStringLiteral("kind"), QString::fromLatin1(kinds[n.kind])},
            {QStringLiteral("isHead"), n.delta.isHead},
            {QStringLiteral("generation"), n.generation},
            {QStringLiteral("lane"), n.lane}};
}

int DagModel::rowOf(const QString &deltaId) const {
    auto it = seqOf_.constFind(deltaId);
    return it == seqOf_.cend() ? -1 : int(*it - firstSeq_);
}

}  // namespace dn
