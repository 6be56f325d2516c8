#include "HistogramItem.h"
#include "ColoredMesh.h"
#include "MeshNode.h"
#include <algorithm>
#include <cmath>

namespace dn {

namespace {

constexpr double kTopPad = 4;    // room above the tallest bar for marker caps
constexpr double kTickLength = 4;

std::vector<double> toDoubles(const QVariantList &list) {
    std::vector<double> out;
    out.reserve(size_t(list.size()));
    for (const QVariant &v : list) out.push_back(std::max(v.toDouble(), 0.0));
    return out;
}

}  // namespace

HistogramItem::HistogramItem(QQuickItem *parent) : QQuickItem(parent) {
    setFlag(ItemHasContents);
    // Mid-tones that read on light and dark backgrounds.
    barColor_ = QColor(0x3b, 0x82, 0xf6, 0xd0);
    markerColor_ = QColor(0xf4, 0x3f, 0x5e);
    axisColor_ = QColor(0x94, 0xa3, 0xb8);
}

void HistogramItem::setBuckets(const QVariantList &buckets) {
    bucketsVar_ = buckets;
    counts_ = toDoubles(buckets);
    qint64 total = 0;
    for (double c : counts_) total += qint64(c);
    barsDirty_ = true;
    emit bucketsChanged();
    if (total != samples_) {
        samples_ = total;
        emit sampleCountChanged();
    }
    updateRange();
    update();
}

void HistogramItem::setBounds(const QVariantList &bounds) {
    boundsVar_ = bounds;
    bounds_ = toDoubles(bounds);
    barsDirty_ = true;
    emit boundsChanged();
    updateRange();
    update();
}

void HistogramItem::setPercentile(int i, qreal v) {
    if (p_[i] == v) return;
    p_[i] = v;
    decorationsDirty_ = true;
    emit percentilesChanged();
    updateRange();
    update();
}

void HistogramItem::setColour(QColor &slot, const QColor &c) {
    if (slot == c) return;
    slot = c;
    barsDirty_ = decorationsDirty_ = true;
    emit colorsChanged();
    update();
}

void HistogramItem::setMinMicros(qreal v) {
    if (fixedMin_ == v) return;
    fixedMin_ = v;
    updateRange();
    emit rangeChanged();
    update();
}

void HistogramItem::setMaxMicros(qreal v) {
    if (fixedMax_ == v) return;
    fixedMax_ = v;
    updateRange();
    emit rangeChanged();
    update();
}

double HistogramItem::upperBound(int bucket) const {
    if (bounds_.empty()) return 1;
    if (bucket < int(bounds_.size())) return std::max(bounds_[size_t(bucket)], 1e-3);
    // Overflow buckets: one more octave each past the last bound.
    return std::max(bounds_.back(), 1e-3) * std::pow(2.0, bucket - int(bounds_.size()) + 1);
}

double HistogramItem::lowerBound(int bucket) const {
    if (bucket == 0) return upperBound(0) / 2;
    return std::min(upperBound(bucket - 1), upperBound(bucket));
}

void HistogramItem::updateRange() {
    double lo = 0, hi = 0;
    const int n = int(counts_.size());
    for (int i = 0; i < n; ++i) {
        if (counts_[size_t(i)] <= 0) continue;
        if (lo == 0) lo = lowerBound(i);
        hi = std::max(hi, upperBound(i));
    }
    for (qreal p : p_)
        if (p > 0) {
            lo = lo == 0 ? p : std::min(lo, p);
            hi = std::max(hi, p);
        }
    if (lo <= 0 || hi <= 0) {  // nothing recorded yet: 1 µs .. 1 s
        lo = 1;
        hi = 1e6;
    }
    // Whole decades make the labels read well (1 µs, 10 µs, 1 ms, ...).
    lo = std::pow(10.0, std::floor(std::log10(lo) + 1e-9));
    hi = std::pow(10.0, std::ceil(std::log10(hi) - 1e-9));
    if (hi <= lo) hi = lo * 10;
    if (fixedMin_ > 0) lo = fixedMin_;
    if (fixedMax_ > lo) hi = fixedMax_;
    if (lo != lo_ || hi != hi_) {
        lo_ = lo;
        hi_ = hi;
        barsDirty_ = decorationsDirty_ = true;
        emit rangeChanged();
    }
}

QVariantList HistogramItem::ticks() const {
    QVariantList out;
    for (double t = std::pow(10.0, std::ceil(std::log10(lo_) - 1e-9)); t <= hi_ * (1 + 1e-9); t *= 10) out << t;
    return out;
}

double HistogramItem::xFor(double micros) const {
    const double l = std::log(std::max(micros, 1e-9));
    return (l - std::log(lo_)) / (std::log(hi_) - std::log(lo_)) * width();
}

QPointF HistogramItem::positionFor(qreal micros) const { return QPointF(xFor(micros), height()); }

void HistogramItem::geometryChange(const QRectF &newGeometry, const QRectF &oldGeometry) {
    QQuickItem::geometryChange(newGeometry, oldGeometry);
    if (newGeometry.size() != oldGeometry.size()) {
        barsDirty_ = decorationsDirty_ = true;
        update();
    }
}

void HistogramItem::buildBars(ColoredMesh &mesh) const {
    double top = 0;
    for (double c : counts_) top = std::max(top, c);
    if (top <= 0) return;
    const double bottom = height() - 1;  // the axis line is the last pixel row
    const double plot = std::max(bottom - kTopPad, 1.0);
    const Rgba colour = Rgba::premultiplied(barColor_);
    for (int i = 0; i < int(counts_.size()); ++i) {
        const double c = counts_[size_t(i)];
        if (c <= 0) continue;
        // Pixel-aligned bars need no feathering; a 1 px gap separates them
        // once they are wide enough to afford it.
        double left = std::round(std::clamp(xFor(lowerBound(i)), 0.0, width()));
        double right = std::round(std::clamp(xFor(upperBound(i)), 0.0, width()));
        if (right - left >= 3) right -= 1;
        if (right - left < 1) right = left + 1;
        const double h = std::max(std::round(c / top * plot), 1.0);
        mesh.addRect(QRectF(QPointF(left, bottom - h), QPointF(right, bottom)), colour);
    }
}

void HistogramItem::buildDecorations(ColoredMesh &mesh) const {
    const double w = width(), h = height();
    const Rgba axis = Rgba::premultiplied(axisColor_);
    mesh.addRect(QRectF(0, h - 1, w, 1), axis);
    for (const QVariant &t : ticks()) {
        const double x = std::clamp(std::round(xFor(t.toDouble())), 0.0, w - 1);
        mesh.addRect(QRectF(x, h - 1 - kTickLength, 1, kTickLength), axis);
    }
    const Rgba marker = Rgba::premultiplied(markerColor_);
    // p50 solid, p90 dashed, p99 dotted: distinguishable without labels.
    const double dash[3][2] = {{0, 0}, {6, 3}, {2, 3}};
    for (int i = 0; i < 3; ++i) {
        if (p_[i] <= 0) continue;
        const double x = std::clamp(xFor(p_[i]), 1.0, w - 1);
        const double y1 = h - 1;
        if (dash[i][0] == 0) {
            mesh.addLine(QPointF(x, 0), QPointF(x, y1), 1.5f, marker);
            continue;
        }
        for (double y = 0; y < y1; y += dash[i][0] + dash[i][1])
            mesh.addLine(QPointF(x, y), QPointF(x, std::min(y + dash[i][0], y1)), 1.5f, marker);
    }
}

QSGNode *HistogramItem::updatePaintNode(QSGNode *old, UpdatePaintNodeData *) {
    QSGNode *root = old;
    const bool fresh = root == nullptr;
    if (fresh) {
        root = new QSGNode;
        root->appendChildNode(new MeshNode);  // bars
        root->appendChildNode(new MeshNode);  // axis, ticks, markers
    }
    if (barsDirty_ || fresh) {
        ColoredMesh mesh;
        buildBars(mesh);
        static_cast<MeshNode *>(root->childAtIndex(0))->upload(mesh);
        barsDirty_ = false;
    }
    if (decorationsDirty_ || fresh) {
        ColoredMesh mesh;
        buildDecorations(mesh);
        static_cast<MeshNode *>(root->childAtIndex(1))->upload(mesh);
        decorationsDirty_ = false;
    }
    return root;
}

}  // namespace dn
