#include "FilterSortModel.h"

namespace dn {

FilterSortModel::FilterSortModel(QObject *parent) : QSortFilterProxyModel(parent) {
    setDynamicSortFilter(true);
    connect(this, &QAbstractItemModel::rowsInserted, this, &FilterSortModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &FilterSortModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &FilterSortModel::countChanged);
    connect(this, &QAbstractItemModel::layoutChanged, this, &FilterSortModel::countChanged);
}

void FilterSortModel::setSource(QAbstractItemModel *model) {
    if (model == sourceModel()) return;
    setSourceModel(model);
    applySort();
    emit sourceChanged();
}

int FilterSortModel::role(const QString &name) const {
    if (name.isEmpty() || !sourceModel()) return -1;
    const QByteArray n = name.toUtf8();
    const auto roles = sourceModel()->roleNames();
    for (auto it = roles.cbegin(); it != roles.cend(); ++it)
        if (it.value() == n) return it.key();
    return -1;
}

void FilterSortModel::applySort() {
    const int r = role(sortRoleName_);
    if (r < 0) {
        sort(-1);  // source order
        return;
    }
    setSortRole(r);
    sort(0, descending_ ? Qt::DescendingOrder : Qt::AscendingOrder);
}

void FilterSortModel::refilter() {
    invalidateFilter();
    emit filterChanged();
}

void FilterSortModel::setSortRoleName(const QString &name) {
    if (name == sortRoleName_) return;
    sortRoleName_ = name;
    applySort();
    emit sortChanged();
}

void FilterSortModel::setDescending(bool d) {
    if (d == descending_) return;
    descending_ = d;
    applySort();
    emit sortChanged();
}

void FilterSortModel::sortBy(const QString &roleName) {
    if (roleName == sortRoleName_) {
        setDescending(!descending_);
        return;
    }
    descending_ = false;  // a new column starts ascending
    setSortRoleName(roleName);
}

void FilterSortModel::setFilterText(const QString &t) {
    if (t == filterText_) return;
    filterText_ = t;
    refilter();
}

void FilterSortModel::setFilterRoleNames(const QStringList &names) {
    if (names == filterRoleNames_) return;
    filterRoleNames_ = names;
    refilter();
}

void FilterSortModel::setMatchRoleName(const QString &name) {
    if (name == matchRoleName_) return;
    matchRoleName_ = name;
    refilter();
}

void FilterSortModel::setMatchValue(const QVariant &v) {
    if (v == matchValue_) return;
    matchValue_ = v;
    refilter();
}

void FilterSortModel::setMinimumRoleName(const QString &name) {
    if (name == minimumRoleName_) return;
    minimumRoleName_ = name;
    refilter();
}

void FilterSortModel::setMinimumValue(double v) {
    if (v == minimumValue_) return;
    minimumValue_ = v;
    refilter();
}

bool FilterSortModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const {
    const QModelIndex i = sourceModel()->index(sourceRow, 0, sourceParent);
    if (const int r = role(matchRoleName_); r >= 0 && matchValue_.isValid() && !matchValue_.toString().isEmpty())
        if (i.data(r) != matchValue_ && i.data(r).toString() != matchValue_.toString()) return false;
    if (const int r = role(minimumRoleName_); r >= 0)
        if (i.data(r).toDouble() < minimumValue_) return false;
    if (filterText_.isEmpty()) return true;
    for (const QString &name : filterRoleNames_)
        if (const int r = role(name); r >= 0 && i.data(r).toString().contains(filterText_, Qt::CaseInsensitive))
            return true;
    return false;
}

bool FilterSortModel::lessThan(const QModelIndex &left, const QModelIndex &right) const {
    const QVariant a = left.data(sortRole()), b = right.data(sortRole());
    if (a.userType() == QMetaType::Double || a.userType() == QMetaType::Int)
        return a.toDouble() < b.toDouble();
    return QString::localeAwareCompare(a.toString(), b.toString()) < 0;
}

QVariantMap FilterSortModel::get(int row) const {
    QVariantMap out;
    if (row < 0 || row >= rowCount()) return out;
    const QModelIndex i = index(row, 0);
    const auto roles = roleNames();
    for (auto it = roles.cbegin(); it != roles.cend(); ++it) out.insert(QString::fromUtf8(it.value()), i.data(it.key()));
    return out;
}

int FilterSortModel::sourceRow(int row) const {
    return row < 0 || row >= rowCount() ? -1 : mapToSource(index(row, 0)).row();
}

}  // namespace dn
