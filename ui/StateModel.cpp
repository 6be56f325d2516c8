#include "StateModel.h"

namespace dn {

StateModel::StateModel(QObject *parent) : ListModelBase(parent) {}

QVariant StateModel::data(const QModelIndex &index, int role) const {
    if (!rows_.valid(index.row())) return {};
    const StateEntryView &e = rows_.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case KeyRole: return e.key;
    case ValueRole: return e.value;
    case IsCounterRole: return e.isCounter;
    case CounterRole: return double(e.counter);
    case DisplayValueRole: return e.isCounter ? QString::number(e.counter) : e.value;
    }
    return {};
}

QHash<int, QByteArray> StateModel::roleNames() const {
    return {{KeyRole, "key"}, {ValueRole, "value"}, {IsCounterRole, "isCounter"}, {CounterRole, "counter"},
            {DisplayValueRole, "displayValue"}};
}

void StateModel::setEntries(const QString &contextId, const QVector<StateEntryView> &entries) {
    if (contextId != contextId_) {
        rows_.clear();
        contextId_ = contextId;
        emit contextIdChanged();
    }
    rows_.sync(entries, [](const StateEntryView &e) { return e.key; });
}

}  // namespace dn
