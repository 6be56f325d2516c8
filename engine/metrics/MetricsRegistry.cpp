#include "metrics/MetricsRegistry.h"
#include <QLoggingCategory>
#include <cmath>

Q_LOGGING_CATEGORY(lcMetrics, "dn.node.metrics")

namespace dn {

namespace {

const char *typeName(MetricsRegistry::Type t) {
    switch (t) {
    case MetricsRegistry::Type::Counter: return "counter";
    case MetricsRegistry::Type::Gauge: return "gauge";
    case MetricsRegistry::Type::Histogram: return "histogram";
    }
    return "untyped";
}

QByteArray number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    // Integers (most counters) print exactly, without an exponent.
    if (v == std::floor(v) && std::fabs(v) < 1e15) return QByteArray::number(qint64(v));
    return QByteArray::number(v, 'g', 12);
}

QByteArray labelText(const MetricsRegistry::Labels &labels, const char *extraName = nullptr,
                     const QByteArray &extraValue = {}) {
    if (labels.empty() && !extraName) return {};
    QByteArray out = "{";
    bool first = true;
    for (const auto &[name, value] : labels) {
        if (!first) out += ',';
        out += name + "=\"" + MetricsRegistry::escapeLabel(value) + '"';
        first = false;
    }
    if (extraName) {
        if (!first) out += ',';
        out += QByteArray(extraName) + "=\"" + extraValue + '"';
    }
    return out + '}';
}

QByteArray escapeHelp(const QByteArray &help) {
    QByteArray out = help;
    out.replace('\\', "\\\\").replace('\n', "\\n");
    return out;
}

}  // namespace

QByteArray MetricsRegistry::escapeLabel(const QString &value) {
    QByteArray out = value.toUtf8();
    out.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return out;
}

std::vector<int> MetricsRegistry::exportedBuckets() {
    // Bucket 4k+3 ends exactly at 2^(k+1) µs. A bucket holds values *below*
    // its bound while `le` means "at most": with whole microseconds the two
    // differ only for samples exactly on a bound, by 1 µs.
    std::vector<int> out;
    for (int k = 0; k <= 25; ++k) out.push_back(4 * k + 3);
    return out;
}

MetricsRegistry::Family &MetricsRegistry::find(const QByteArray &name) {
    for (auto &f : families_)
        if (f->name == name) return *f;
    // An undeclared family is a programming error; keep it visible but valid.
    qCWarning(lcMetrics) << "metric family used before it was declared:" << name;
    families_.push_back(std::make_unique<Family>(Family{name, Type::Gauge, "undeclared", {}}));
    return *families_.back();
}

MetricsRegistry::Sample *MetricsRegistry::findSample(Family &f, const Labels &labels) {
    for (auto &s : f.samples)
        if (s.labels == labels) return &s;
    return nullptr;
}

void MetricsRegistry::family(const QByteArray &name, Type type, const QByteArray &help) {
    std::lock_guard lock(mutex_);
    for (auto &f : families_)
        if (f->name == name) return;
    families_.push_back(std::make_unique<Family>(Family{name, type, help, {}}));
}

std::atomic<uint64_t> &MetricsRegistry::counter(const QByteArray &family, const Labels &labels) {
    std::lock_guard lock(mutex_);
    Family &f = find(family);
    if (Sample *s = findSample(f, labels); s && s->owned) return *s->owned;
    Sample s;
    s.labels = labels;
    s.owned = std::make_unique<std::atomic<uint64_t>>(0);
    f.samples.push_back(std::move(s));
    return *f.samples.back().owned;
}

Histogram &MetricsRegistry::histogram(const QByteArray &family, const Labels &labels) {
    std::lock_guard lock(mutex_);
    Family &f = find(family);
    if (Sample *s = findSample(f, labels); s && s->ownedHistogram) return *s->ownedHistogram;
    Sample s;
    s.labels = labels;
    s.ownedHistogram = std::make_unique<Histogram>();
    s.histogram = s.ownedHistogram.get();
    f.samples.push_back(std::move(s));
    return *f.samples.back().ownedHistogram;
}

void MetricsRegistry::value(const QByteArray &family, const Labels &labels, ValueFn fn) {
    std::lock_guard lock(mutex_);
    Sample s;
    s.labels = labels;
    s.fn = std::move(fn);
    find(family).samples.push_back(std::move(s));
}

void MetricsRegistry::histogramRef(const QByteArray &family, const Labels &labels, const Histogram *h) {
    std::lock_guard lock(mutex_);
    Sample s;
    s.labels = labels;
    s.histogram = h;
    find(family).samples.push_back(std::move(s));
}

void MetricsRegistry::beforeRender(std::function<void()> fn) {
    std::lock_guard lock(mutex_);
    beforeRender_.push_back(std::move(fn));
}

void MetricsRegistry::renderHistogram(QByteArray &out, const Family &f, const Sample &s) {
    // One snapshot: +Inf and _count are the same number, as Prometheus expects,
    // even while other threads keep recording.
    const std::vector<uint64_t> buckets = s.histogram->snapshot();
    const std::vector<int> bounds = exportedBuckets();
    uint64_t cumulative = 0;
    size_t next = 0;
    for (int i = 0; i < Histogram::kBuckets; ++i) {
        cumulative += buckets[size_t(i)];
        if (next < bounds.size() && i == bounds[next]) {
            const double le = double(Histogram::bucketUpperBound(i)) / 1e6;
            out += f.name + "_bucket" + labelText(s.labels, "le", number(le)) + ' ' + number(double(cumulative)) + '\n';
            ++next;
        }
    }
    out += f.name + "_bucket" + labelText(s.labels, "le", "+Inf") + ' ' + number(double(cumulative)) + '\n';
    // The sum is read separately and may include a sample the buckets missed;
    // harmless for rates.
    out += f.name + "_sum" + labelText(s.labels) + ' ' + number(double(s.histogram->sumMicros()) / 1e6) + '\n';
    out += f.name + "_count" + labelText(s.labels) + ' ' + number(double(cumulative)) + '\n';
}

QByteArray MetricsRegistry::render() const {
    std::lock_guard lock(mutex_);
    for (const auto &fn : beforeRender_) fn();
    QByteArray out;
    out.reserve(16 * 1024);
    for (const auto &f : families_) {
        if (f->samples.empty()) continue;
        out += "# HELP " + f->name + ' ' + escapeHelp(f->help) + '\n';
        out += "# TYPE " + f->name + ' ' + typeName(f->type) + '\n';
        for (const Sample &s : f->samples) {
            if (f->type == Type::Histogram) {
                if (s.histogram) renderHistogram(out, *f, s);
                continue;
            }
            double v = 0;
            if (s.owned) v = double(s.owned->load(std::memory_order_relaxed));
            else if (s.fn) v = s.fn();
            out += f->name + labelText(s.labels) + ' ' + number(v) + '\n';
        }
    }
    return out;
}

}  // namespace dn
