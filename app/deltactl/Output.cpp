#include "Output.h"

#include <QDateTime>
#include <QJsonArray>
#include <QTimeZone>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <cstdio>

namespace dn::ctl {

void printOut(const QString &line) {
    const QByteArray b = line.toUtf8() + '\n';
    std::fwrite(b.constData(), 1, size_t(b.size()), stdout);
    std::fflush(stdout);
}

void printErr(const QString &line) {
    const QByteArray b = line.toUtf8() + '\n';
    std::fwrite(b.constData(), 1, size_t(b.size()), stderr);
    std::fflush(stderr);
}

void writeOut(const QByteArray &bytes) {
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

QString jsonText(const QJsonValue &v, bool indented) {
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(indented ? QJsonDocument::Indented : QJsonDocument::Compact)).trimmed();
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(indented ? QJsonDocument::Indented : QJsonDocument::Compact)).trimmed();
    if (v.isUndefined()) return QStringLiteral("null");
    const QByteArray wrapped = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));  // strip "[" and "]"
}

QString printable(const QString &text) {
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f || (c.unicode() >= 0x80 && c.unicode() < 0xa0))
            out += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return out;
}

QString humanBytes(qint64 bytes) {
    if (bytes < 1024) return QStringLiteral("%1 B").arg(bytes);
    static const char *units[] = {"KiB", "MiB", "GiB", "TiB"};
    double v = double(bytes);
    int u = -1;
    while (v >= 1024 && u < 3) {
        v /= 1024;
        ++u;
    }
    return QStringLiteral("%1 %2").arg(v, 0, 'f', 1).arg(QLatin1String(units[u]));
}

QString timeText(const QJsonValue &v) {
    if (v.isString()) return v.toString();
    if (!v.isDouble()) return {};
    qint64 t = qint64(v.toDouble());
    if (t > 100'000'000'000LL) t /= 1000;  // milliseconds
    return QDateTime::fromSecsSinceEpoch(t, QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

Table::Table(QStringList headers) : headers_(std::move(headers)) {}

void Table::addRow(QStringList cells) {
    for (QString &c : cells) c = printable(c);
    while (cells.size() < headers_.size()) cells.append(QString());
    rows_.push_back(std::move(cells));
}

void Table::print() const {
    std::vector<qsizetype> width(size_t(headers_.size()));
    for (qsizetype c = 0; c < headers_.size(); ++c) width[size_t(c)] = headers_[c].size();
    for (const auto &r : rows_)
        for (qsizetype c = 0; c < headers_.size(); ++c) width[size_t(c)] = std::max(width[size_t(c)], r[c].size());
    auto line = [&](const QStringList &cells) {
        QString s;
        for (qsizetype c = 0; c < headers_.size(); ++c) {
            const bool last = c + 1 == headers_.size();
            s += last ? cells[c] : cells[c].leftJustified(width[size_t(c)]) + QStringLiteral("  ");
        }
        printOut(s);
    };
    line(headers_);
    for (const auto &r : rows_) line(r);
}

}  // namespace dn::ctl
