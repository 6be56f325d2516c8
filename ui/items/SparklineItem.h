#pragma once
// SparklineItem: a small line chart of recent values (transactions/s, bytes/s,
// ...) scaled to the item, with an optional fill under the line. Drawn on the
// scene graph with an anti-aliased line.
#include <QColor>
#include <QQuickItem>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>
#include <vector>

namespace dn {

class SparklineItem : public QQuickItem {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QVariantList values READ values WRITE setValues NOTIFY valuesChanged)
    Q_PROPERTY(QColor lineColor READ lineColor WRITE setLineColor NOTIFY colorsChanged)
    Q_PROPERTY(QColor fillColor READ fillColor WRITE setFillColor NOTIFY colorsChanged)
    Q_PROPERTY(qreal maxValue READ maxValue WRITE setMaxValue NOTIFY maxValueChanged)
    Q_PROPERTY(qreal lineWidth READ lineWidth WRITE setLineWidth NOTIFY lineWidthChanged)

public:
    explicit SparklineItem(QQuickItem *parent = nullptr);

    QVariantList values() const { return valuesVar_; }
    void setValues(const QVariantList &values);
    QColor lineColor() const { return lineColor_; }
    void setLineColor(const QColor &c);
    // A transparent fill colour draws no fill.
    QColor fillColor() const { return fillColor_; }
    void setFillColor(const QColor &c);
    // The value drawn at the top edge; 0 scales to the largest value.
    qreal maxValue() const { return maxValue_; }
    void setMaxValue(qreal v);
    qreal lineWidth() const { return lineWidth_; }
    void setLineWidth(qreal w);

    // Where value i is drawn, in item coordinates (for tooltips and tests).
    Q_INVOKABLE QPointF pointAt(int index) const;

signals:
    void valuesChanged();
    void colorsChanged();
    void maxValueChanged();
    void lineWidthChanged();

protected:
    QSGNode *updatePaintNode(QSGNode *old, UpdatePaintNodeData *) override;
    void geometryChange(const QRectF &newGeometry, const QRectF &oldGeometry) override;

private:
    std::vector<QPointF> points() const;
    double baseline() const;

    QVariantList valuesVar_;
    std::vector<double> values_;
    QColor lineColor_, fillColor_;
    qreal maxValue_ = 0;
    qreal lineWidth_ = 1.5;
    bool dirty_ = true;
};

}  // namespace dn
