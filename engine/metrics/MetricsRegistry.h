#pragma once
// The node's metrics (ARCHITECTURE §13) rendered as Prometheus text format 0.0.4.
// Pull-based: families are declared once and their samples are either owned
// here (counters and histograms the node updates) or read through a function
// at scrape time (engine counters, gauges). So nothing is copied on the hot
// paths: the engine keeps its lock-free counters and we only read them when
// /metrics is asked for. Thread-safe.
#include "metrics/Histogram.h"
#include <QByteArray>
#include <QString>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace dn {

class MetricsRegistry {
public:
    enum class Type { Counter, Gauge, Histogram };
    using Labels = std::vector<std::pair<QByteArray, QString>>;
    using ValueFn = std::function<double()>;

    // Declares a family; samples are rendered in declaration order.
    void family(const QByteArray &name, Type type, const QByteArray &help);
    // A counter owned here, created on first use; the reference stays valid.
    std::atomic<uint64_t> &counter(const QByteArray &family, const Labels &labels = {});
    // A histogram owned here, created on first use.
    Histogram &histogram(const QByteArray &family, const Labels &labels = {});
    // Samples read at render time.
    void value(const QByteArray &family, const Labels &labels, ValueFn fn);
    void histogramRef(const QByteArray &family, const Labels &labels, const Histogram *h);
    // Runs before every render (e.g. to take one snapshot several gauges read).
    void beforeRender(std::function<void()> fn);

    QByteArray render() const;

    // Label value escaping of the text format (\\, \", \n).
    static QByteArray escapeLabel(const QString &value);
    // The `le` bounds rendered for every histogram, in seconds: one per
    // power of two of Histogram's buckets, from 2 µs to ~67 s, then +Inf.
    static std::vector<int> exportedBuckets();

private:
    struct Sample {
        Labels labels;
        std::unique_ptr<std::atomic<uint64_t>> owned;
        std::unique_ptr<Histogram> ownedHistogram;
        const Histogram *histogram = nullptr;
        ValueFn fn;
    };
    struct Family {
        QByteArray name;
        Type type;
        QByteArray help;
        std::vector<Sample> samples;
    };
    Family &find(const QByteArray &name);
    Sample *findSample(Family &f, const Labels &labels);
    static void renderHistogram(QByteArray &out, const Family &f, const Sample &s);

    mutable std::mutex mutex_;
    std::vector<std::unique_ptr<Family>> families_;
    std::vector<std::function<void()>> beforeRender_;
};

}  // namespace dn
