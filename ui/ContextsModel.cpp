#include "ContextsModel.h"
#include <QDateTime>

namespace dn {

ContextsModel::ContextsModel(QObject *parent) : ListModelBase(parent) {}

QVariant ContextsModel::data(const QModelIndex &index, int role) const {
    if (!rows_.valid(index.row())) return {};
    const ContextView &c = rows_.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole: return c.name.isEmpty() ? c.id.left(12) : c.name;
    case IdRole: return c.id;
    case AppIdRole: return c.appId;
    case AppNameRole: return c.appName;
    case MethodsRole: return c.methods;
    case HeadsRole: return c.heads;
    case HeadCountRole: return int(c.heads.size());
    case RootHashRole: return c.rootHash;
    case AppliedRole: return double(c.applied);
    case PendingRole: return double(c.pending);
    case MembersRole: return c.members;
    case CreatedAtRole: return QDateTime::fromMSecsSinceEpoch(c.createdAtMs);
    case IsOwnerRole: return c.isOwner;
    }
    return {};
}

QHash<int, QByteArray> ContextsModel::roleNames() const {
    return {{IdRole, "contextId"}, {NameRole, "name"}, {AppIdRole, "appId"}, {AppNameRole, "appName"},
            {MethodsRole, "methods"}, {HeadsRole, "heads"}, {HeadCountRole, "headCount"},
            {RootHashRole, "rootHash"}, {AppliedRole, "applied"}, {PendingRole, "pending"},
            {MembersRole, "members"}, {CreatedAtRole, "createdAt"}, {IsOwnerRole, "isOwner"}};
}

void ContextsModel::setContexts(const QVector<ContextView> &contexts) {
    rows_.sync(contexts, [](const ContextView &c) { return c.id; });
}

int ContextsModel::indexOf(const QString &contextId) const {
    for (int i = 0; i < rows_.size(); ++i)
        if (rows_.at(i).id == contextId) return i;
    return -1;
}

const ContextView *ContextsModel::find(const QString &contextId) const {
    const int i = indexOf(contextId);
    return i < 0 ? nullptr : &rows_.at(i);
}

}  // namespace dn
