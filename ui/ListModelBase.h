#pragma once
// Base of the monitor's list models: a `count` property for QML and the
// row-level notifications RowSync (the one diff every model uses) emits. Models are
// refreshed from snapshots, and a refresh must never reset a model: views
// would lose their scroll position, selection and delegates each tick.
#include <QAbstractListModel>
#include <QByteArray>
#include <QHash>
#include <QtQml/qqmlregistration.h>

namespace dn {

class ListModelBase : public QAbstractListModel {
    Q_OBJECT
    QML_ANONYMOUS
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    using QAbstractListModel::QAbstractListModel;
    int count() const { return rowCount(); }
    // The role id of a role name ("" or unknown: -1), for proxies and tests.
    Q_INVOKABLE int roleId(const QString &name) const;
    // One row as {roleName: value}, for QML panels that show a selection.
    Q_INVOKABLE QVariantMap get(int row) const;

signals:
    void countChanged();

protected:
    template <typename> friend class RowSync;
    // Wrappers RowSync needs (the Qt ones are protected).
    void beginInsert(int first, int last) { beginInsertRows({}, first, last); }
    void endInsert() { endInsertRows(); emit countChanged(); }
    void beginRemove(int first, int last) { beginRemoveRows({}, first, last); }
    void endRemove() { endRemoveRows(); emit countChanged(); }
    bool beginMove(int from, int to) { return beginMoveRows({}, from, from, {}, to > from ? to + 1 : to); }
    void endMove() { endMoveRows(); }
    void rowsChanged(int first, int last) { emit dataChanged(index(first), index(last)); }
};

}  // namespace dn
