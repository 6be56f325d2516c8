#pragma once
// The state browser (Contexts page): the selected context's entries — keys,
// register values, counters — as of the last fetch.
#include "ListModelBase.h"
#include "RowSync.h"
#include "client/NodeSnapshot.h"

namespace dn {

class StateModel : public ListModelBase {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Monitor")
    Q_PROPERTY(QString contextId READ contextId NOTIFY contextIdChanged)
public:
    enum Role { KeyRole = Qt::UserRole + 1, ValueRole, IsCounterRole, CounterRole, DisplayValueRole };
    explicit StateModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : rows_.size(); }
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // A fetch for another context replaces the rows (row-level: removes, then inserts).
    void setEntries(const QString &contextId, const QVector<StateEntryView> &entries);
    QString contextId() const { return contextId_; }

signals:
    void contextIdChanged();

private:
    RowSync<StateEntryView> rows_{this};
    QString contextId_;
};

}  // namespace dn
