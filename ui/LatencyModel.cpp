#include "LatencyModel.h"
#include <algorithm>
#include <cmath>

namespace dn {

LatencyModel::LatencyModel(QObject *parent) : ListModelBase(parent) {}

QString LatencyModel::label(const QString &phase) {
    if (phase == QLatin1String("event_handlers")) return QStringLiteral("Event handlers");
    if (phase == QLatin1String("end_to_end")) return QStringLiteral("End to end");
    if (phase == QLatin1String("websocket")) return QStringLiteral("WebSocket");
    return phase.left(1).toUpper() + phase.mid(1);
}

QVariant LatencyModel::data(const QModelIndex &index, int role) const {
    if (!rows_.valid(index.row())) return {};
    const Row &r = rows_.at(index.row());
    auto list = [](const QVector<double> &v) {
        QVariantList out;
        out.reserve(v.size());
        for (double x : v) out.push_back(x);
        return out;
    };
    switch (role) {
    case PhaseRole: return r.phase;
    case Qt::DisplayRole:
    case LabelRole: return label(r.phase);
    case BucketsRole: return list(r.buckets);
    case BoundsRole: return list(r.bounds);
    case P50Role: return r.p50;
    case P90Role: return r.p90;
    case P99Role: return r.p99;
    case CountRole: return double(r.count);
    case MeanRole: return r.mean;
    }
    return {};
}

QHash<int, QByteArray> LatencyModel::roleNames() const {
    return {{PhaseRole, "phase"}, {LabelRole, "label"}, {BucketsRole, "buckets"}, {BoundsRole, "bounds"},
            {P50Role, "p50"}, {P90Role, "p90"}, {P99Role, "p99"}, {CountRole, "count"}, {MeanRole, "mean"}};
}

double LatencyModel::percentile(const QVector<quint64> &counts, const QVector<double> &bounds, double p) {
    quint64 total = 0;
    for (quint64 c : counts) total += c;
    if (!total) return 0;
    const quint64 rank = std::max<quint64>(1, quint64(std::ceil(p * double(total))));
    quint64 seen = 0;
    for (int i = 0; i < counts.size(); ++i) {
        seen += counts[i];
        if (seen >= rank) return i < bounds.size() ? bounds[i] : 0;
    }
    return bounds.isEmpty() ? 0 : bounds.back();
}

void LatencyModel::setHistograms(qint64 tMs, const QVector<HistogramView> &phases, const QVector<double> &bounds) {
    bounds_ = bounds;
    // One kept sample per second is enough for windows counted in seconds.
    if (!history_.empty() && tMs - history_.back().tMs < 1000) history_.back() = {tMs, phases};
    else history_.push_back({tMs, phases});
    // The newest sample is replaced within a second, so keep one spare beyond the window.
    while (history_.size() > size_t(kMaxWindowSeconds + 2)) history_.pop_front();
    recompute();
}

void LatencyModel::setWindowSeconds(int seconds) {
    seconds = std::clamp(seconds, 0, kMaxWindowSeconds);
    if (seconds == windowSeconds_) return;
    windowSeconds_ = seconds;
    emit windowSecondsChanged();
    recompute();
}

const LatencyModel::Row *LatencyModel::row(const QString &phase) const {
    for (const Row &r : rows_.rows())
        if (r.phase == phase) return &r;
    return nullptr;
}

void LatencyModel::recompute() {
    if (history_.empty()) return;
    const Sample &now = history_.back();
    // The baseline: the newest sample at least `window` old (none: since start).
    const Sample *base = nullptr;
    if (windowSeconds_ > 0) {
        for (auto it = history_.rbegin(); it != history_.rend(); ++it)
            if (now.tMs - it->tMs >= qint64(windowSeconds_) * 1000) {
                base = &*it;
                break;
            }
        if (!base && history_.size() > 1) base = &history_.front();
    }
    QVector<Row> rows;
    double total = 0;
    for (const HistogramView &h : now.phases) {
        QVector<quint64> counts = h.buckets;
        quint64 sum = h.sumMicros;
        if (base) {
            for (const HistogramView &b : base->phases) {
                if (b.phase != h.phase) continue;
                for (int i = 0; i < counts.size() && i < b.buckets.size(); ++i)
                    counts[i] = counts[i] >= b.buckets[i] ? counts[i] - b.buckets[i] : 0;
                sum = sum >= b.sumMicros ? sum - b.sumMicros : 0;
            }
        }
        Row r;
        r.phase = h.phase;
        for (quint64 c : counts) r.count += c;
        r.p50 = percentile(counts, bounds_, 0.50);
        r.p90 = percentile(counts, bounds_, 0.90);
        r.p99 = percentile(counts, bounds_, 0.99);
        r.mean = r.count ? double(sum) / double(r.count) : 0;
        // Show the occupied range of the log-scale buckets, widened a little,
        // so each histogram zooms to its phase's own scale.
        int first = -1, last = -1;
        for (int i = 0; i < counts.size(); ++i)
            if (counts[i]) {
                if (first < 0) first = i;
                last = i;
            }
        if (first >= 0) {
            int pad = std::max(1, (kMinShownBuckets - (last - first + 1)) / 2);
            first = std::max(0, first - pad);
            last = std::min<int>(int(counts.size()) - 1, last + pad);
            for (int i = first; i <= last; ++i) {
                r.buckets.push_back(double(counts[i]));
                r.bounds.push_back(i < bounds_.size() ? bounds_[i] : 0);
            }
        }
        total += double(r.count);
        rows.push_back(std::move(r));
    }
    rows_.sync(rows, [](const Row &r) { return r.phase; });
    if (total != totalSamples_) {
        totalSamples_ = total;
        emit totalSamplesChanged();
    }
}

}  // namespace dn
