#pragma once
// The blob cache (Blob cache page): one row per cached blob (id, size, age,
// idle time, hits) plus the cache's totals as properties. Ages are whole
// seconds, so an idle cache changes a row at most once a second.
#include "ListModelBase.h"
#include "RowSync.h"
#include "client/NodeSnapshot.h"

namespace dn {

class BlobCacheModel : public ListModelBase {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Monitor")
    Q_PROPERTY(double entries READ entries NOTIFY statsChanged)
    Q_PROPERTY(double bytes READ bytes NOTIFY statsChanged)
    Q_PROPERTY(double hits READ hits NOTIFY statsChanged)
    Q_PROPERTY(double misses READ misses NOTIFY statsChanged)
    Q_PROPERTY(double hitRate READ hitRate NOTIFY statsChanged)  // 0..1, -1 before any lookup
    Q_PROPERTY(double evictedIdle READ evictedIdle NOTIFY statsChanged)
    Q_PROPERTY(double evictedCount READ evictedCount NOTIFY statsChanged)
    Q_PROPERTY(double evictedBytes READ evictedBytes NOTIFY statsChanged)
    Q_PROPERTY(double evictedManual READ evictedManual NOTIFY statsChanged)
    Q_PROPERTY(double evictionRuns READ evictionRuns NOTIFY statsChanged)
public:
    enum Role { IdRole = Qt::UserRole + 1, SizeRole, AgeRole, IdleRole, HitsRole };
    struct Row {
        QString id;
        quint64 size = 0;
        qint64 ageSeconds = 0;
        qint64 idleSeconds = 0;
        quint64 hits = 0;
        friend bool operator==(const Row &, const Row &) = default;
    };
    explicit BlobCacheModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : rows_.size(); }
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // `nowMs`: when the snapshot was taken (ages are relative to it).
    void setCache(const BlobCacheView &cache, qint64 nowMs);

    double entries() const { return double(stats_.entries); }
    double bytes() const { return double(stats_.bytes); }
    double hits() const { return double(stats_.hits); }
    double misses() const { return double(stats_.misses); }
    double hitRate() const;
    double evictedIdle() const { return double(stats_.evictedIdle); }
    double evictedCount() const { return double(stats_.evictedCount); }
    double evictedBytes() const { return double(stats_.evictedBytes); }
    double evictedManual() const { return double(stats_.evictedManual); }
    double evictionRuns() const { return double(stats_.evictionRuns); }

signals:
    void statsChanged();

private:
    RowSync<Row> rows_{this};
    BlobCacheView stats_;  // items left empty: the rows hold them
};

}  // namespace dn
