#pragma once
// The node's contexts (Contexts page): app, members, heads, root hash,
// applied and pending deltas. Fed from snapshots with row-level updates.
#include "ListModelBase.h"
#include "RowSync.h"
#include "client/NodeSnapshot.h"

namespace dn {

class ContextsModel : public ListModelBase {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Monitor")
public:
    enum Role {
        IdRole = Qt::UserRole + 1, NameRole, AppIdRole, AppNameRole, MethodsRole, HeadsRole, HeadCountRole,
        RootHashRole, AppliedRole, PendingRole, MembersRole, CreatedAtRole, IsOwnerRole
    };
    explicit ContextsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : rows_.size(); }
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setContexts(const QVector<ContextView> &contexts);
    Q_INVOKABLE int indexOf(const QString &contextId) const;
    const ContextView *find(const QString &contextId) const;

private:
    RowSync<ContextView> rows_{this};
};

}  // namespace dn
