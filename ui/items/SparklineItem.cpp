#include "SparklineItem.h"
#include "ColoredMesh.h"
#include "MeshNode.h"
#include <algorithm>
#include <cmath>

namespace dn {

SparklineItem::SparklineItem(QQuickItem *parent) : QQuickItem(parent) {
    setFlag(ItemHasContents);
    lineColor_ = QColor(0x3b, 0x82, 0xf6);
    fillColor_ = QColor(0x3b, 0x82, 0xf6, 0x40);
}

void SparklineItem::setValues(const QVariantList &values) {
    valuesVar_ = values;
    values_.clear();
    values_.reserve(size_t(values.size()));
    for (const QVariant &v : values) {
        const double d = v.toDouble();
        values_.push_back(std::isfinite(d) ? d : 0.0);
    }
    dirty_ = true;
    emit valuesChanged();
    update();
}

void SparklineItem::setLineColor(const QColor &c) {
    if (c == lineColor_) return;
    lineColor_ = c;
    dirty_ = true;
    emit colorsChanged();
    update();
}

void SparklineItem::setFillColor(const QColor &c) {
    if (c == fillColor_) return;
    fillColor_ = c;
    dirty_ = true;
    emit colorsChanged();
    update();
}

void SparklineItem::setMaxValue(qreal v) {
    if (v == maxValue_) return;
    maxValue_ = v;
    dirty_ = true;
    emit maxValueChanged();
    update();
}

void SparklineItem::setLineWidth(qreal w) {
    w = std::clamp(w, 0.25, 16.0);
    if (w == lineWidth_) return;
    lineWidth_ = w;
    dirty_ = true;
    emit lineWidthChanged();
    update();
}

void SparklineItem::geometryChange(const QRectF &newGeometry, const QRectF &oldGeometry) {
    QQuickItem::geometryChange(newGeometry, oldGeometry);
    if (newGeometry.size() != oldGeometry.size()) {
        dirty_ = true;
        update();
    }
}

double SparklineItem::baseline() const { return height() - lineWidth_ / 2 - 0.5; }

std::vector<QPointF> SparklineItem::points() const {
    std::vector<QPointF> out;
    const int n = int(values_.size());
    if (n == 0 || width() <= 0 || height() <= 0) return out;
    // The scale starts at zero (rates are compared with nothing happening),
    // or lower if a value is negative.
    const double lo = std::min(0.0, *std::min_element(values_.begin(), values_.end()));
    double hi = maxValue_ > 0 ? maxValue_ : *std::max_element(values_.begin(), values_.end());
    if (hi <= lo) hi = lo + 1;
    // Keep the whole stroke inside the item.
    const double inset = lineWidth_ / 2 + 0.5;
    const double top = inset, bottom = baseline();
    const double left = inset, right = width() - inset;
    out.reserve(size_t(std::max(n, 2)));
    for (int i = 0; i < n; ++i) {
        const double x = n == 1 ? left : left + (right - left) * i / (n - 1);
        const double v = std::clamp(values_[size_t(i)], lo, hi);
        out.emplace_back(x, bottom - (v - lo) / (hi - lo) * (bottom - top));
    }
    if (n == 1) out.emplace_back(right, out.front().y());  // one value: a level line
    return out;
}

QPointF SparklineItem::pointAt(int index) const {
    const auto pts = points();
    if (index < 0 || index >= int(pts.size())) return {};
    return pts[size_t(index)];
}

QSGNode *SparklineItem::updatePaintNode(QSGNode *old, UpdatePaintNodeData *) {
    QSGNode *root = old;
    const bool fresh = root == nullptr;
    if (fresh) {
        root = new QSGNode;
        root->appendChildNode(new MeshNode);  // fill
        root->appendChildNode(new MeshNode);  // line
    }
    if (dirty_ || fresh) {
        const auto pts = points();
        ColoredMesh fill, line;
        if (fillColor_.alpha() > 0)
            fill.addAreaBelow(pts.data(), int(pts.size()), float(baseline()), Rgba::premultiplied(fillColor_));
        line.addPolyline(pts.data(), int(pts.size()), float(lineWidth_), Rgba::premultiplied(lineColor_));
        static_cast<MeshNode *>(root->childAtIndex(0))->upload(fill);
        static_cast<MeshNode *>(root->childAtIndex(1))->upload(line);
        dirty_ = false;
    }
    return root;
}

}  // namespace dn
