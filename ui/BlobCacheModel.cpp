#include "BlobCacheModel.h"

namespace dn {

BlobCacheModel::BlobCacheModel(QObject *parent) : ListModelBase(parent) {}

QVariant BlobCacheModel::data(const QModelIndex &index, int role) const {
    if (!rows_.valid(index.row())) return {};
    const Row &r = rows_.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case IdRole: return r.id;
    case SizeRole: return double(r.size);
    case AgeRole: return double(r.ageSeconds);
    case IdleRole: return double(r.idleSeconds);
    case HitsRole: return double(r.hits);
    }
    return {};
}

QHash<int, QByteArray> BlobCacheModel::roleNames() const {
    return {{IdRole, "blobId"}, {SizeRole, "size"}, {AgeRole, "ageSeconds"}, {IdleRole, "idleSeconds"},
            {HitsRole, "hits"}};
}

double BlobCacheModel::hitRate() const {
    const quint64 lookups = stats_.hits + stats_.misses;
    return lookups ? double(stats_.hits) / double(lookups) : -1.0;
}

void BlobCacheModel::setCache(const BlobCacheView &cache, qint64 nowMs) {
    QVector<Row> rows;
    rows.reserve(cache.items.size());
    for (const BlobEntryView &e : cache.items)
        rows.push_back({e.id, e.size, std::max<qint64>(0, (nowMs - e.insertedAtMs) / 1000),
                        std::max<qint64>(0, (nowMs - e.lastAccessMs) / 1000), e.hits});
    rows_.sync(rows, [](const Row &r) { return r.id; });
    BlobCacheView stats = cache;
    stats.items.clear();
    if (!(stats == stats_)) {
        stats_ = stats;
        emit statsChanged();
    }
}

}  // namespace dn
