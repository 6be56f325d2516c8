#include "ThroughputSeries.h"
#include <algorithm>

namespace dn {

ThroughputSeries::ThroughputSeries(Mode mode, QObject *parent) : QObject(parent), mode_(mode) {}

void ThroughputSeries::addSample(qint64 tMs, double value) {
    if (lastT_ >= 0 && tMs <= lastT_) return;  // clocks only move forward here
    const qint64 second = tMs / 1000;
    if (binSecond_ < 0) binSecond_ = second;
    bool completed = false;
    while (second > binSecond_) {
        // Close the current second; seconds without samples repeat the last
        // level (a gauge) or count as no traffic (a rate).
        const double v = binWeight_ > 0 ? binSum_ / binWeight_ : (mode_ == Mode::Level ? current() : 0.0);
        pushBin(v);
        binSum_ = binWeight_ = 0;
        ++binSecond_;
        completed = true;
        if (second - binSecond_ > kHistorySeconds) binSecond_ = second - kHistorySeconds;
    }
    if (mode_ == Mode::Level) {
        binSum_ += value;
        binWeight_ += 1;
    } else if (lastT_ >= 0) {
        // A counter that went backwards was reset (a restart): count from zero.
        const double delta = value >= lastValue_ ? value - lastValue_ : value;
        binSum_ += delta;
        binWeight_ += double(tMs - lastT_) / 1000.0;
    }
    lastT_ = tMs;
    lastValue_ = value;
    if (completed) rebuild();
}

void ThroughputSeries::pushBin(double v) {
    bins_.push_back(v);
    if (bins_.size() > kHistorySeconds) bins_.remove(0, bins_.size() - kHistorySeconds);
}

void ThroughputSeries::setRangeSeconds(int seconds) {
    seconds = std::clamp(seconds, 10, kHistorySeconds);
    if (seconds == rangeSeconds_) return;
    rangeSeconds_ = seconds;
    emit rangeSecondsChanged();
    rebuild();
}

void ThroughputSeries::rebuild() {
    const int n = std::min<int>(int(bins_.size()), rangeSeconds_);
    const int first = int(bins_.size()) - n;
    const int per = std::max(1, (rangeSeconds_ + kMaxPoints - 1) / kMaxPoints);
    QVariantList out;
    double maxV = 0;
    for (int i = first; i < int(bins_.size()); i += per) {
        const int end = std::min<int>(i + per, int(bins_.size()));
        double sum = 0;
        for (int k = i; k < end; ++k) sum += bins_[k];
        const double v = sum / double(end - i);
        out.push_back(v);
        maxV = std::max(maxV, v);
    }
    values_ = std::move(out);
    maxValue_ = maxV;
    emit changed();
}

}  // namespace dn
