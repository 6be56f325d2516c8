#include "LogModel.h"
#include "Format.h"

namespace dn {

LogModel::LogModel(QObject *parent) : ListModelBase(parent) {}

QString LogModel::levelName(int level) {
    switch (level) {
    case LogLineView::Debug: return QStringLiteral("debug");
    case LogLineView::Info: return QStringLiteral("info");
    case LogLineView::Warning: return QStringLiteral("warning");
    default: return QStringLiteral("error");
    }
}

QVariant LogModel::data(const QModelIndex &index, int role) const {
    if (!rows_.valid(index.row())) return {};
    const LogLineView &l = rows_.at(index.row());
    switch (role) {
    case SeqRole: return double(l.seq);
    case TimeRole: return Format::clockTimeMillis(l.timeMs);
    case LevelRole: return l.level;
    case LevelNameRole: return levelName(l.level);
    case CategoryRole: return l.category;
    case Qt::DisplayRole:
    case MessageRole: return l.message;
    }
    return {};
}

QHash<int, QByteArray> LogModel::roleNames() const {
    return {{SeqRole, "seq"}, {TimeRole, "time"}, {LevelRole, "level"}, {LevelNameRole, "levelName"},
            {CategoryRole, "category"}, {MessageRole, "message"}};
}

void LogModel::append(const QVector<LogLineView> &lines) { rows_.append(lines, kCapacity); }

}  // namespace dn
