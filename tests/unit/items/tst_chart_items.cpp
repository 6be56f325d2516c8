// HistogramItem and SparklineItem rendered for real, checked by pixels.
#include "ItemTestKit.h"
#include "items/HistogramItem.h"
#include "items/SparklineItem.h"

using namespace dn;
using namespace dn::test;

class TstChartItems : public QObject {
    Q_OBJECT

private:
    ItemWindow window_;

private slots:
    void cleanup() { window_.reset(); }

    void histogramRenders() {
        QQuickWindow *w = window_.fresh({640, 180}, kLight);
        QVERIFY(w);
        REQUIRE_OPENGL(window_);
        auto *h = new HistogramItem(w->contentItem());
        h->setSize(QSizeF(640, 180));
        h->setBarColor(QColor(0x3b, 0x82, 0xf6));
        // The engine's buckets: 4 per octave from 1 µs. Latencies around
        // 200 µs with a tail.
        QVariantList bounds, counts;
        qint64 total = 0;
        for (int i = 0; i < 64; ++i) {
            const int octave = i / 4, sub = i % 4;
            const double upper = sub == 3 ? std::ldexp(1.0, octave + 1) : std::ldexp(1.0 + (sub + 1) / 4.0, octave);
            bounds << std::ceil(upper);
            const double d = (std::log2(upper) - std::log2(200.0));
            const int c = int(std::lround(1000 * std::exp(-d * d) + (upper > 1000 && upper < 30000 ? 20 : 0)));
            counts << c;
            total += c;
        }
        h->setBounds(bounds);
        h->setBuckets(counts);
        h->setP50(200);
        h->setP90(600);
        h->setP99(8000);
        QCOMPARE(h->sampleCount(), int(total));
        const QImage img = window_.frame();
        save(img, "histogram");

        // Decades in range, laid out left to right.
        const QVariantList ticks = h->ticks();
        QVERIFY(ticks.contains(QVariant(100.0)) && ticks.contains(QVariant(10000.0)));
        for (int i = 1; i < ticks.size(); ++i)
            QVERIFY(h->positionFor(ticks[i].toDouble()).x() > h->positionFor(ticks[i - 1].toDouble()).x());
        // The tallest bar (the bucket ending at 224 µs, next to p50) reaches
        // almost to the top; the axis is drawn; markers stand at p50 and p99.
        const double mid = (h->positionFor(192).x() + h->positionFor(224).x()) / 2;
        QVERIFY(distance(img.pixelColor(int(mid), 10), h->barColor()) <= 4);
        QVERIFY(distance(img.pixelColor(int(mid), 170), h->barColor()) <= 4);
        QVERIFY(distance(img.pixelColor(2, 179), h->axisColor()) <= 4);
        QVERIFY(nearby(img, QPointF(h->positionFor(200).x(), 5), h->markerColor()));
        QVERIFY(nearby(img, QPointF(h->positionFor(8000).x(), 5), h->markerColor(), 1, 60));
        // Far right of the data there is only background above the axis.
        QVERIFY(distance(img.pixelColor(635, 90), kLight) <= 2);
    }

    void sparklineRenders() {
        QQuickWindow *w = window_.fresh({320, 80}, kDark);
        QVERIFY(w);
        REQUIRE_OPENGL(window_);
        auto *s = new SparklineItem(w->contentItem());
        s->setSize(QSizeF(320, 80));
        s->setLineWidth(2);
        QVariantList values;
        for (int i = 0; i < 60; ++i) values << 50 + 40 * std::sin(i / 6.0) + (i % 7 == 0 ? 15 : 0);
        s->setValues(values);
        const QImage img = window_.frame();
        save(img, "sparkline");

        for (int i : {5, 20, 33, 50}) QVERIFY2(nearby(img, s->pointAt(i), s->lineColor()), qPrintable(QString::number(i)));
        // Under the line: the fill over the background; above it: background.
        const QPointF p = s->pointAt(20);
        const QColor fill = over(s->fillColor(), kDark);
        QVERIFY(distance(img.pixelColor(QPoint(int(p.x()), int((p.y() + 78) / 2))), fill) <= 3);
        QVERIFY(distance(img.pixelColor(QPoint(int(p.x()), int(p.y() / 2))), kDark) <= 2);

        // Pinning the scale flattens the line towards the bottom.
        s->setMaxValue(1000);
        const QImage flat = window_.frame();
        QVERIFY(s->pointAt(20).y() > p.y());
        QVERIFY(nearby(flat, s->pointAt(20), s->lineColor()));
    }
};

DN_ITEMS_TEST_MAIN(TstChartItems)
#include "tst_chart_items.moc"
