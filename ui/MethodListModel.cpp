#include "MethodListModel.h"

namespace dn {

MethodListModel::MethodListModel(QObject *parent) : ListModelBase(parent) {}

QVariant MethodListModel::data(const QModelIndex &index, int role) const {
    if (!rows_.valid(index.row())) return {};
    if (role == NameRole || role == Qt::DisplayRole) return rows_.at(index.row());
    return {};
}

QHash<int, QByteArray> MethodListModel::roleNames() const { return {{NameRole, "name"}}; }

void MethodListModel::setMethods(const QStringList &methods) {
    QVector<QString> names;
    for (const QString &m : methods)
        if (m != QLatin1String("init")) names.push_back(m);
    rows_.sync(names, [](const QString &s) { return s; });
}

}  // namespace dn
