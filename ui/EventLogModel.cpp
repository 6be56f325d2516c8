#include "EventLogModel.h"
#include "Format.h"

namespace dn {

EventLogModel::EventLogModel(QObject *parent) : ListModelBase(parent) {}

QVariant EventLogModel::data(const QModelIndex &index, int role) const {
    if (!rows_.valid(index.row())) return {};
    const EventView &e = rows_.at(index.row());
    switch (role) {
    case SeqRole: return double(e.seq);
    case TimeRole: return Format::clockTimeMillis(e.timeMs);
    case ContextRole: return e.contextId;
    case DeltaRole: return e.deltaId;
    case Qt::DisplayRole:
    case KindRole: return e.kind;
    case DataRole: return e.data;
    }
    return {};
}

QHash<int, QByteArray> EventLogModel::roleNames() const {
    return {{SeqRole, "seq"}, {TimeRole, "time"}, {ContextRole, "contextId"}, {DeltaRole, "deltaId"},
            {KindRole, "kind"}, {DataRole, "payload"}};
}

void EventLogModel::append(const QVector<EventView> &events, quint64 droppedTotal) {
    rows_.append(events, kCapacity);
    if (droppedTotal != dropped_) {
        dropped_ = droppedTotal;
        emit droppedChanged();
    }
}

}  // namespace dn
