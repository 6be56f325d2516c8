#pragma once
// HistogramItem: a latency histogram on a log-scale time axis, drawn on the
// scene graph. Bars are the bucket counts, vertical markers show p50 (solid),
// p90 (dashed) and p99 (dotted). Labels are left to QML: `ticks` lists the
// decades in range and positionFor() says where a value sits.
//
// Bucket i spans (bounds[i-1], bounds[i]] µs; the first one starts at half its
// upper bound; counts past the last bound (an overflow bucket) get one more
// octave. The x range follows the occupied buckets, widened to whole decades,
// unless minMicros/maxMicros pin it.
#include <QColor>
#include <QQuickItem>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>
#include <climits>
#include <vector>

namespace dn {

class ColoredMesh;

class HistogramItem : public QQuickItem {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QVariantList buckets READ buckets WRITE setBuckets NOTIFY bucketsChanged)
    Q_PROPERTY(QVariantList bounds READ bounds WRITE setBounds NOTIFY boundsChanged)
    Q_PROPERTY(qreal p50 READ p50 WRITE setP50 NOTIFY percentilesChanged)
    Q_PROPERTY(qreal p90 READ p90 WRITE setP90 NOTIFY percentilesChanged)
    Q_PROPERTY(qreal p99 READ p99 WRITE setP99 NOTIFY percentilesChanged)
    Q_PROPERTY(QColor barColor READ barColor WRITE setBarColor NOTIFY colorsChanged)
    Q_PROPERTY(QColor markerColor READ markerColor WRITE setMarkerColor NOTIFY colorsChanged)
    Q_PROPERTY(QColor axisColor READ axisColor WRITE setAxisColor NOTIFY colorsChanged)
    Q_PROPERTY(int sampleCount READ sampleCount NOTIFY sampleCountChanged)
    Q_PROPERTY(qreal minMicros READ minMicros WRITE setMinMicros NOTIFY rangeChanged)
    Q_PROPERTY(qreal maxMicros READ maxMicros WRITE setMaxMicros NOTIFY rangeChanged)
    Q_PROPERTY(QVariantList ticks READ ticks NOTIFY rangeChanged)

public:
    explicit HistogramItem(QQuickItem *parent = nullptr);

    QVariantList buckets() const { return bucketsVar_; }
    void setBuckets(const QVariantList &buckets);
    QVariantList bounds() const { return boundsVar_; }
    void setBounds(const QVariantList &bounds);
    qreal p50() const { return p_[0]; }
    void setP50(qreal v) { setPercentile(0, v); }
    qreal p90() const { return p_[1]; }
    void setP90(qreal v) { setPercentile(1, v); }
    qreal p99() const { return p_[2]; }
    void setP99(qreal v) { setPercentile(2, v); }
    QColor barColor() const { return barColor_; }
    void setBarColor(const QColor &c) { setColour(barColor_, c); }
    QColor markerColor() const { return markerColor_; }
    void setMarkerColor(const QColor &c) { setColour(markerColor_, c); }
    QColor axisColor() const { return axisColor_; }
    void setAxisColor(const QColor &c) { setColour(axisColor_, c); }
    int sampleCount() const { return int(std::min<qint64>(samples_, INT_MAX)); }
    // A fixed x range in µs; 0 means "fit the data".
    qreal minMicros() const { return fixedMin_; }
    void setMinMicros(qreal v);
    qreal maxMicros() const { return fixedMax_; }
    void setMaxMicros(qreal v);
    // Powers of ten inside the current range, for axis labels.
    QVariantList ticks() const;

    // Where `micros` falls on the axis, in item coordinates (y is the axis line).
    Q_INVOKABLE QPointF positionFor(qreal micros) const;

signals:
    void bucketsChanged();
    void boundsChanged();
    void percentilesChanged();
    void colorsChanged();
    void sampleCountChanged();
    void rangeChanged();

protected:
    QSGNode *updatePaintNode(QSGNode *old, UpdatePaintNodeData *) override;
    void geometryChange(const QRectF &newGeometry, const QRectF &oldGeometry) override;

private:
    void setPercentile(int i, qreal v);
    void setColour(QColor &slot, const QColor &c);
    void updateRange();
    double lowerBound(int bucket) const;
    double upperBound(int bucket) const;
    double xFor(double micros) const;
    void buildBars(ColoredMesh &mesh) const;
    void buildDecorations(ColoredMesh &mesh) const;

    QVariantList bucketsVar_, boundsVar_;
    std::vector<double> counts_, bounds_;
    qint64 samples_ = 0;
    qreal p_[3] = {0, 0, 0};
    qreal fixedMin_ = 0, fixedMax_ = 0;
    double lo_ = 1, hi_ = 1e6;  // current x range, µs
    QColor barColor_, markerColor_, axisColor_;
    bool barsDirty_ = true, decorationsDirty_ = true;
};

}  // namespace dn
