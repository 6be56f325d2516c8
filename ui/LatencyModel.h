#pragma once
// Latency per pipeline phase (Latency page, ARCHITECTURE §13): one row per phase
// with its histogram buckets and p50/p90/p99 over a selectable window. The
// node sends cumulative histograms; the model keeps one per second for the
// longest window and subtracts, so a window costs no extra node work.
#include "ListModelBase.h"
#include "RowSync.h"
#include "client/NodeSnapshot.h"
#include <deque>

namespace dn {

class LatencyModel : public ListModelBase {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Monitor")
    // 0 = since the node started; otherwise the last N seconds (≤ kMaxWindowSeconds).
    Q_PROPERTY(int windowSeconds READ windowSeconds WRITE setWindowSeconds NOTIFY windowSecondsChanged)
    Q_PROPERTY(double totalSamples READ totalSamples NOTIFY totalSamplesChanged)
public:
    static constexpr int kMaxWindowSeconds = 300;
    static constexpr int kMinShownBuckets = 16;
    enum Role {
        PhaseRole = Qt::UserRole + 1, LabelRole, BucketsRole, BoundsRole, P50Role, P90Role, P99Role,
        CountRole, MeanRole
    };
    struct Row {
        QString phase;
        QVector<double> buckets;  // the shown range only
        QVector<double> bounds;   // µs, upper bound of each shown bucket
        double p50 = 0, p90 = 0, p99 = 0, mean = 0;
        quint64 count = 0;
        friend bool operator==(const Row &, const Row &) = default;
    };

    explicit LatencyModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : rows_.size(); }
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setHistograms(qint64 tMs, const QVector<HistogramView> &phases, const QVector<double> &bounds);
    int windowSeconds() const { return windowSeconds_; }
    void setWindowSeconds(int seconds);
    double totalSamples() const { return totalSamples_; }
    const Row *row(const QString &phase) const;

    // Percentile p (0..1) of bucket counts: the upper bound of the bucket that holds it.
    static double percentile(const QVector<quint64> &counts, const QVector<double> &bounds, double p);
    static QString label(const QString &phase);

signals:
    void windowSecondsChanged();
    void totalSamplesChanged();

private:
    struct Sample {
        qint64 tMs;
        QVector<HistogramView> phases;
    };
    void recompute();

    RowSync<Row> rows_{this};
    std::deque<Sample> history_;  // ≤ one per second, newest last
    QVector<double> bounds_;
    int windowSeconds_ = 60;
    double totalSamples_ = 0;
};

}  // namespace dn
