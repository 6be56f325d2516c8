#pragma once
// The node's log (Log page): the newest lines, oldest dropped beyond the
// capacity. Appended in batches; filtered by a FilterSortModel on top.
#include "ListModelBase.h"
#include "RowSync.h"
#include "client/NodeSnapshot.h"

namespace dn {

class LogModel : public ListModelBase {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Monitor")
public:
    static constexpr int kCapacity = 5000;
    enum Role { SeqRole = Qt::UserRole + 1, TimeRole, LevelRole, LevelNameRole, CategoryRole, MessageRole };
    explicit LogModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : rows_.size(); }
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void append(const QVector<LogLineView> &lines);
    static QString levelName(int level);

private:
    RowSync<LogLineView> rows_{this};
};

}  // namespace dn
