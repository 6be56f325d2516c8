#pragma once
// A time series for the sparklines and traffic graphs (Overview, Peers, Blob
// cache): samples arrive with each snapshot (≤ 4 Hz) and are binned per
// second, up to an hour. `values` is the last `rangeSeconds`, averaged down
// to at most kMaxPoints, so a graph's cost does not depend on its range.
// Rate mode turns a cumulative counter into a per-second rate; Level mode
// keeps a gauge as it is.
#include <QObject>
#include <QVariantList>
#include <QVector>
#include <QtQml/qqmlregistration.h>

namespace dn {

class ThroughputSeries : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Monitor")
    Q_PROPERTY(QVariantList values READ values NOTIFY changed)
    Q_PROPERTY(double maxValue READ maxValue NOTIFY changed)
    Q_PROPERTY(double current READ current NOTIFY changed)
    Q_PROPERTY(int rangeSeconds READ rangeSeconds WRITE setRangeSeconds NOTIFY rangeSecondsChanged)
public:
    enum class Mode { Rate, Level };
    static constexpr int kHistorySeconds = 3600;
    static constexpr int kMaxPoints = 120;

    explicit ThroughputSeries(Mode mode = Mode::Rate, QObject *parent = nullptr);

    // `value`: the counter's running total (Rate) or the gauge (Level) at `tMs`.
    void addSample(qint64 tMs, double value);

    QVariantList values() const { return values_; }
    double maxValue() const { return maxValue_; }
    double current() const { return bins_.isEmpty() ? 0.0 : bins_.back(); }
    int rangeSeconds() const { return rangeSeconds_; }
    void setRangeSeconds(int seconds);
    const QVector<double> &bins() const { return bins_; }  // one per second, oldest first

signals:
    void changed();
    void rangeSecondsChanged();

private:
    void pushBin(double v);
    void rebuild();

    Mode mode_;
    int rangeSeconds_ = 60;
    QVector<double> bins_;
    qint64 binSecond_ = -1;   // the second being accumulated
    double binSum_ = 0;       // Rate: counted units in this second; Level: sum of samples
    double binWeight_ = 0;    // Rate: seconds covered; Level: samples
    qint64 lastT_ = -1;
    double lastValue_ = 0;
    QVariantList values_;
    double maxValue_ = 0;
};

}  // namespace dn
