#pragma once
// App events as they are merged into contexts (the live event log of the
// Contexts page): time, context, delta, kind, data. Append-only, bounded.
#include "ListModelBase.h"
#include "RowSync.h"
#include "client/NodeSnapshot.h"

namespace dn {

class EventLogModel : public ListModelBase {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Monitor")
    Q_PROPERTY(double dropped READ dropped NOTIFY droppedChanged)
public:
    static constexpr int kCapacity = 2000;
    enum Role { SeqRole = Qt::UserRole + 1, TimeRole, ContextRole, DeltaRole, KindRole, DataRole };
    explicit EventLogModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : rows_.size(); }
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void append(const QVector<EventView> &events, quint64 droppedTotal);
    double dropped() const { return double(dropped_); }

signals:
    void droppedChanged();

private:
    RowSync<EventView> rows_{this};
    quint64 dropped_ = 0;
};

}  // namespace dn
