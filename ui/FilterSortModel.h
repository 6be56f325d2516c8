#pragma once
// A sorting and filtering proxy for QML, addressed by role names: the Peers
// table sorts with it, the Log page filters by text and level, the event
// log by context. dynamicSortFilter is on, so the source's row-level
// updates pass through as row-level updates.
#include <QSortFilterProxyModel>
#include <QtQml/qqmlregistration.h>

namespace dn {

class FilterSortModel : public QSortFilterProxyModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QAbstractItemModel *source READ sourceModel WRITE setSource NOTIFY sourceChanged)
    Q_PROPERTY(QString sortRoleName READ sortRoleName WRITE setSortRoleName NOTIFY sortChanged)
    Q_PROPERTY(bool descending READ descending WRITE setDescending NOTIFY sortChanged)
    // Rows whose filterRoleNames contain filterText (case-insensitive).
    Q_PROPERTY(QString filterText READ filterText WRITE setFilterText NOTIFY filterChanged)
    Q_PROPERTY(QStringList filterRoleNames READ filterRoleNames WRITE setFilterRoleNames NOTIFY filterChanged)
    // Rows whose matchRoleName equals matchValue (an empty matchValue: all).
    Q_PROPERTY(QString matchRoleName READ matchRoleName WRITE setMatchRoleName NOTIFY filterChanged)
    Q_PROPERTY(QVariant matchValue READ matchValue WRITE setMatchValue NOTIFY filterChanged)
    // Rows whose minimumRoleName is ≥ minimumValue (log levels).
    Q_PROPERTY(QString minimumRoleName READ minimumRoleName WRITE setMinimumRoleName NOTIFY filterChanged)
    Q_PROPERTY(double minimumValue READ minimumValue WRITE setMinimumValue NOTIFY filterChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    explicit FilterSortModel(QObject *parent = nullptr);

    void setSource(QAbstractItemModel *model);
    QString sortRoleName() const { return sortRoleName_; }
    void setSortRoleName(const QString &name);
    bool descending() const { return descending_; }
    void setDescending(bool d);
    QString filterText() const { return filterText_; }
    void setFilterText(const QString &t);
    QStringList filterRoleNames() const { return filterRoleNames_; }
    void setFilterRoleNames(const QStringList &names);
    QString matchRoleName() const { return matchRoleName_; }
    void setMatchRoleName(const QString &name);
    QVariant matchValue() const { return matchValue_; }
    void setMatchValue(const QVariant &v);
    QString minimumRoleName() const { return minimumRoleName_; }
    void setMinimumRoleName(const QString &name);
    double minimumValue() const { return minimumValue_; }
    void setMinimumValue(double v);
    int count() const { return rowCount(); }

    Q_INVOKABLE QVariantMap get(int row) const;
    Q_INVOKABLE int sourceRow(int row) const;
    // Sorts by `roleName`; the same role again flips the direction (table headers).
    Q_INVOKABLE void sortBy(const QString &roleName);

signals:
    void sourceChanged();
    void sortChanged();
    void filterChanged();
    void countChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    int role(const QString &name) const;
    void applySort();
    void refilter();

    QString sortRoleName_;
    bool descending_ = false;
    QString filterText_;
    QStringList filterRoleNames_;
    QString matchRoleName_;
    QVariant matchValue_;
    QString minimumRoleName_;
    double minimumValue_ = 0;
};

}  // namespace dn
