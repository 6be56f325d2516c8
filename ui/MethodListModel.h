#pragma once
// The methods of the selected context's app (the call panel's picker): the
// module's exported `() -> ()` functions, `init` left out (it runs once, at
// creation).
#include "ListModelBase.h"
#include "RowSync.h"

namespace dn {

class MethodListModel : public ListModelBase {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Monitor")
public:
    enum Role { NameRole = Qt::UserRole + 1 };
    explicit MethodListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : rows_.size(); }
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setMethods(const QStringList &methods);
    Q_INVOKABLE QString nameAt(int row) const { return rows_.valid(row) ? rows_.at(row) : QString(); }
    Q_INVOKABLE int indexOf(const QString &name) const { return int(rows_.rows().indexOf(name)); }

private:
    RowSync<QString> rows_{this};
};

}  // namespace dn
