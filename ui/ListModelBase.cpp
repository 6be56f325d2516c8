#include "ListModelBase.h"

namespace dn {

int ListModelBase::roleId(const QString &name) const {
    const QByteArray n = name.toUtf8();
    const auto roles = roleNames();
    for (auto it = roles.cbegin(); it != roles.cend(); ++it)
        if (it.value() == n) return it.key();
    return -1;
}

QVariantMap ListModelBase::get(int row) const {
    QVariantMap out;
    if (row < 0 || row >= rowCount()) return out;
    const QModelIndex i = index(row);
    const auto roles = roleNames();
    for (auto it = roles.cbegin(); it != roles.cend(); ++it) out.insert(QString::fromUtf8(it.value()), data(i, it.key()));
    return out;
}

}  // namespace dn
