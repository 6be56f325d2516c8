// Scene-graph items of the monitor, rendered for real (OpenGL on a private
// Xvfb, see GuiTestDisplay.h) and checked by pixels, hit tests and counts.
// The grabbed frames are saved under <build>/screenshots/items/ to look at.
#include "GuiTestDisplay.h"
#include "SyntheticDag.h"
#include "items/DagGraphItem.h"
#include "items/HistogramItem.h"
#include "items/SparklineItem.h"
#include <QDir>
#include <QGuiApplication>
#include <QQuickWindow>
#include <QSGRendererInterface>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QtTest>
#include <cmath>
#include <memory>

using namespace dn;
using dn::test::SyntheticDag;

namespace {

const QColor kLight(0xf8, 0xfa, 0xfc);
const QColor kDark(0x0f, 0x17, 0x2a);

int distance(const QColor &a, const QColor &b) {
    return std::max({std::abs(a.red() - b.red()), std::abs(a.green() - b.green()), std::abs(a.blue() - b.blue())});
}

QColor over(const QColor &fg, const QColor &bg) {
    const double a = fg.alphaF();
    auto mix = [a](int f, int b) { return int(std::lround(f * a + b * (1 - a))); };
    return QColor(mix(fg.red(), bg.red()), mix(fg.green(), bg.green()), mix(fg.blue(), bg.blue()));
}

int countNear(const QImage &img, const QColor &c, int tolerance = 12) {
    int n = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x)
            if (distance(img.pixelColor(x, y), c) <= tolerance) ++n;
    return n;
}

// Whether a pixel within `radius` of p has colour c (lines are anti-aliased
// and may fall between pixels).
bool nearby(const QImage &img, QPointF p, const QColor &c, int radius = 1, int tolerance = 24) {
    for (int dy = -radius; dy <= radius; ++dy)
        for (int dx = -radius; dx <= radius; ++dx) {
            const QPoint q = p.toPoint() + QPoint(dx, dy);
            if (img.rect().contains(q) && distance(img.pixelColor(q), c) <= tolerance) return true;
        }
    return false;
}

// The newest row drawn well inside `area`, or -1.
int rowInView(const DagGraphItem *item, const QRectF &area) {
    for (int row = item->nodeCount() - 1; row >= 0; --row)
        if (area.contains(item->rowPosition(row))) return row;
    return -1;
}

void save(const QImage &img, const QString &name) {
    const QString dir = QStringLiteral(DN_BINARY_DIR "/screenshots/items");
    QDir().mkpath(dir);
    QVERIFY(img.save(dir + "/" + name + ".png"));
}

}  // namespace

// A macro, as QSKIP must return from the test function itself.
#define REQUIRE_OPENGL()                                                                             \
    do {                                                                                             \
        if (softwareRenderer())                                                                      \
            QSKIP("Qt Quick runs its software renderer here (no Xvfb?): custom geometry is not drawn"); \
    } while (false)

class TstItems : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<QQuickWindow> window_;

    // A window of the given size and background, shown and exposed.
    QQuickWindow *freshWindow(QSize size, const QColor &background) {
        window_ = std::make_unique<QQuickWindow>();
        window_->setColor(background);
        window_->resize(size);
        window_->show();
        if (!QTest::qWaitForWindowExposed(window_.get())) return nullptr;
        return window_.get();
    }
    // Renders a frame (polish, sync, render) and returns it.
    QImage frame() { return window_->grabWindow().convertToFormat(QImage::Format_RGB32); }
    bool softwareRenderer() const {
        return window_->rendererInterface()->graphicsApi() == QSGRendererInterface::Software;
    }

    struct Dag {
        QStandardItemModel model;
        std::unique_ptr<SyntheticDag> gen;
        DagGraphItem *item = nullptr;
    };
    std::unique_ptr<Dag> makeDag(QQuickWindow *w, int rows) {
        auto d = std::make_unique<Dag>();
        d->gen = std::make_unique<SyntheticDag>(&d->model, 20, 7);
        d->gen->append(rows);
        d->item = new DagGraphItem(w->contentItem());
        d->item->setSize(w->size());
        d->item->setModel(&d->model);
        return d;
    }

private slots:
    void cleanup() { window_.reset(); }

    void dagRendersLargeGraph() {
        QQuickWindow *w = freshWindow({960, 540}, kLight);
        QVERIFY(w);
        REQUIRE_OPENGL();
        auto dag = makeDag(w, 10000);
        DagGraphItem *item = dag->item;
        QCOMPARE(item->nodeCount(), 10000);

        QImage img = frame();
        save(img, "dag_light");
        QVERIFY(!img.isNull());
        // Following the heads at zoom 1 draws a window of the graph only.
        QVERIFY2(item->visibleNodeCount() > 0 && item->visibleNodeCount() < 10000,
                 qPrintable(QString::number(item->visibleNodeCount())));
        QVERIFY(countNear(img, item->localColor()) > 100);
        QVERIFY(countNear(img, item->remoteColor()) > 1000);
        QVERIFY(countNear(img, item->pendingColor()) > 10);
        QVERIFY(countNear(img, item->headColor(), 30) > 50);
        // The newest delta is in view, drawn where rowPosition says.
        const int last = item->nodeCount() - 1;
        const QPointF p = item->rowPosition(last);
        QVERIFY2(QRectF(0, 0, 960, 540).contains(p), qPrintable(QStringLiteral("%1,%2").arg(p.x()).arg(p.y())));
        const QColor kind = dag->gen->kindOf(last) == 2 ? item->pendingColor() : dag->gen->kindOf(last) == 0 ? item->localColor() : item->remoteColor();
        QVERIFY(distance(img.pixelColor(p.toPoint()), kind) <= 12);

        // Zoomed out, many more deltas are drawn; zoomed in, fewer.
        const int atOne = item->visibleNodeCount();
        item->setZoom(DagGraphItem::kMinZoom);
        img = frame();
        save(img, "dag_zoomed_out");
        QVERIFY2(item->visibleNodeCount() > atOne * 4, qPrintable(QString::number(item->visibleNodeCount())));
        item->setZoom(3);
        img = frame();
        save(img, "dag_zoomed_in");
        QVERIFY(item->visibleNodeCount() > 0 && item->visibleNodeCount() < atOne);
    }

    void dagDarkBackground() {
        QQuickWindow *w = freshWindow({960, 540}, kDark);
        QVERIFY(w);
        REQUIRE_OPENGL();
        auto dag = makeDag(w, 3000);
        dag->item->setZoom(1.5);
        frame();
        dag->item->setSelectedRow(rowInView(dag->item, QRectF(100, 100, 760, 340)));
        QVERIFY(dag->item->selectedRow() >= 0);
        const QImage img = frame();
        save(img, "dag_dark");
        QVERIFY(countNear(img, dag->item->remoteColor()) > 500);
        QVERIFY(countNear(img, dag->item->selectionColor(), 30) > 10);
    }

    void dagClickSelectsRow() {
        QQuickWindow *w = freshWindow({960, 540}, kLight);
        QVERIFY(w);
        REQUIRE_OPENGL();
        auto dag = makeDag(w, 10000);
        DagGraphItem *item = dag->item;
        QImage img = frame();
        QCOMPARE(countNear(img, item->selectionColor(), 30), 0);
        QSignalSpy clicked(item, &DagGraphItem::deltaClicked);

        // The newest delta and one of its parents, in different places.
        const int last = item->nodeCount() - 1;
        const int parent = dag->gen->parentsOf(last).front();
        for (int row : {last, parent}) {
            const QPoint at = item->rowPosition(row).toPoint();
            QCOMPARE(item->rowAt(at), row);
            QTest::mouseClick(w, Qt::LeftButton, {}, at);
            QCOMPARE(item->selectedRow(), row);
            QCOMPARE(clicked.count(), row == last ? 1 : 2);
            QCOMPARE(clicked.last().at(0).toInt(), row);
        }
        img = frame();
        save(img, "dag_selected");
        QVERIFY(countNear(img, item->selectionColor(), 30) > 10);

        // A click between lanes hits nothing and clears the selection.
        const QPointF between = item->rowPosition(last) + QPointF(0, 13);
        QCOMPARE(item->rowAt(between), -1);
        QTest::mouseClick(w, Qt::LeftButton, {}, between.toPoint());
        QCOMPARE(item->selectedRow(), -1);
        QCOMPARE(clicked.count(), 2);
    }

    void dagFollowsModelChanges() {
        QQuickWindow *w = freshWindow({960, 540}, kLight);
        QVERIFY(w);
        REQUIRE_OPENGL();
        auto dag = makeDag(w, 2000);
        DagGraphItem *item = dag->item;
        frame();
        // A delta that was remote turns pending and loses head status: its
        // node is repainted in place, without a rebuild.
        const int row = rowInView(item, QRectF(100, 60, 760, 420));
        QVERIFY(row >= 0);
        const QPoint at = item->rowPosition(row).toPoint();
        const int rebuilds = item->fullRebuildCount();
        dag->model.item(row)->setData(2, SyntheticDag::KindRole);
        QImage img = frame();
        QVERIFY(distance(img.pixelColor(at), item->pendingColor()) <= 12);
        dag->model.item(row)->setData(0, SyntheticDag::KindRole);
        img = frame();
        QVERIFY(distance(img.pixelColor(at), item->localColor()) <= 12);
        QCOMPARE(item->fullRebuildCount(), rebuilds);

        // Head rings follow isHead.
        const double ring = 9.5;  // radius 6 + gap 1.8 + half the ring width
        dag->model.item(row)->setData(true, SyntheticDag::IsHeadRole);
        img = frame();
        QVERIFY(nearby(img, QPointF(at) + QPointF(ring, 0), item->headColor(), 1, 40));
        dag->model.item(row)->setData(false, SyntheticDag::IsHeadRole);
        img = frame();
        QVERIFY(!nearby(img, QPointF(at) + QPointF(ring, 0), item->headColor(), 1, 40));

        // Removing rows (not an append) reloads; a selection that is gone clears.
        item->setSelectedRow(1999);
        dag->model.removeRows(1900, 100);
        QCOMPARE(item->nodeCount(), 1900);
        QCOMPARE(item->selectedRow(), -1);
        frame();
        QVERIFY(item->visibleNodeCount() > 0);
        QCOMPARE(item->rowAt(item->rowPosition(1899)), 1899);
        // And no model at all draws nothing.
        item->setModel(nullptr);
        frame();
        QCOMPARE(item->nodeCount(), 0);
        QCOMPARE(item->visibleNodeCount(), 0);
    }

    void dagFollowsHeadsAsDeltasArrive() {
        QQuickWindow *w = freshWindow({960, 540}, kLight);
        QVERIFY(w);
        REQUIRE_OPENGL();
        auto dag = makeDag(w, 10000);
        DagGraphItem *item = dag->item;
        frame();
        const int rebuildsBefore = item->fullRebuildCount();
        const QPointF panBefore = item->pan();
        // 60 frames with 20 new deltas each: the newest stays in view and the
        // meshes grow instead of being rebuilt every frame.
        for (int f = 0; f < 60; ++f) {
            dag->gen->append(20);
            frame();
            const QPointF p = item->rowPosition(item->nodeCount() - 1);
            QVERIFY2(p.x() > 0 && p.x() < 960, qPrintable(QString::number(p.x())));
        }
        QVERIFY(item->pan().x() < panBefore.x());
        QVERIFY2(item->fullRebuildCount() - rebuildsBefore <= 6,
                 qPrintable(QString::number(item->fullRebuildCount() - rebuildsBefore)));

        // The incrementally grown meshes draw what a fresh build draws.
        const QImage grown = frame();
        const QColor local = item->localColor();
        item->setLocalColor(Qt::black);
        item->setLocalColor(local);  // a style change forces a rebuild
        const int rebuilds = item->fullRebuildCount();
        const QImage rebuilt = frame();
        QCOMPARE(item->fullRebuildCount(), rebuilds + 1);
        int differing = 0;
        for (int y = 0; y < grown.height(); ++y)
            for (int x = 0; x < grown.width(); ++x)
                if (distance(grown.pixelColor(x, y), rebuilt.pixelColor(x, y)) > 3) ++differing;
        save(grown, "dag_grown");
        QVERIFY2(differing < 20, qPrintable(QString::number(differing)));

        // Not following: new deltas land outside the view, the pan stays.
        item->setFollowHeads(false);
        frame();
        const QPointF fixed = item->pan();
        dag->gen->append(300);
        frame();
        QCOMPARE(item->pan(), fixed);
        QVERIFY(item->rowPosition(item->nodeCount() - 1).x() > 960);
        // Home follows again.
        item->forceActiveFocus();
        QTest::keyClick(w, Qt::Key_Home);
        QVERIFY(item->followHeads());
        frame();
        QVERIFY(item->rowPosition(item->nodeCount() - 1).x() < 960);
    }

    void dagPanAndZoomByInput() {
        QQuickWindow *w = freshWindow({960, 540}, kLight);
        QVERIFY(w);
        REQUIRE_OPENGL();
        auto dag = makeDag(w, 2000);
        DagGraphItem *item = dag->item;
        frame();
        // Drag: the graph moves with the pointer and stops following.
        const QPointF pan = item->pan();
        QTest::mousePress(w, Qt::LeftButton, {}, QPoint(500, 300));
        for (int i = 1; i <= 10; ++i) QTest::mouseMove(w, QPoint(500 + 10 * i, 300 + 4 * i));
        QTest::mouseRelease(w, Qt::LeftButton, {}, QPoint(600, 340));
        QVERIFY(!item->followHeads());
        QCOMPARE(item->pan(), pan + QPointF(100, 40));
        QCOMPARE(item->selectedRow(), -1);  // a drag is not a click

        // Wheel: zooms around the pointer; the delta under it stays put.
        frame();
        const int row = rowInView(item, QRectF(200, 100, 560, 340));
        QVERIFY(row >= 0);
        const QPointF at = item->rowPosition(row);
        QWheelEvent wheel(at, w->mapToGlobal(at), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QGuiApplication::sendEvent(w, &wheel);
        QVERIFY(item->zoom() > 1.3);
        QVERIFY((item->rowPosition(row) - at).manhattanLength() < 0.01);
        QCOMPARE(item->rowAt(at), row);

        // Keys: minus zooms out.
        const qreal z = item->zoom();
        QTest::keyClick(w, Qt::Key_Minus);
        QVERIFY(item->zoom() < z);
        frame();
    }

    void histogramRenders() {
        QQuickWindow *w = freshWindow({640, 180}, kLight);
        QVERIFY(w);
        REQUIRE_OPENGL();
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
        const QImage img = frame();
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
        QQuickWindow *w = freshWindow({320, 80}, kDark);
        QVERIFY(w);
        REQUIRE_OPENGL();
        auto *s = new SparklineItem(w->contentItem());
        s->setSize(QSizeF(320, 80));
        s->setLineWidth(2);
        QVariantList values;
        for (int i = 0; i < 60; ++i) values << 50 + 40 * std::sin(i / 6.0) + (i % 7 == 0 ? 15 : 0);
        s->setValues(values);
        const QImage img = frame();
        save(img, "sparkline");

        for (int i : {5, 20, 33, 50}) QVERIFY2(nearby(img, s->pointAt(i), s->lineColor()), qPrintable(QString::number(i)));
        // Under the line: the fill over the background; above it: background.
        const QPointF p = s->pointAt(20);
        const QColor fill = over(s->fillColor(), kDark);
        QVERIFY(distance(img.pixelColor(QPoint(int(p.x()), int((p.y() + 78) / 2))), fill) <= 3);
        QVERIFY(distance(img.pixelColor(QPoint(int(p.x()), int(p.y() / 2))), kDark) <= 2);

        // Pinning the scale flattens the line towards the bottom.
        s->setMaxValue(1000);
        const QImage flat = frame();
        QVERIFY(s->pointAt(20).y() > p.y());
        QVERIFY(nearby(flat, s->pointAt(20), s->lineColor()));
    }
};

int main(int argc, char **argv) {
    dn::test::GuiTestDisplay display;  // before the application: it picks the platform
    QGuiApplication app(argc, argv);
    TstItems t;
    return QTest::qExec(&t, argc, argv);
}

#include "tst_items.moc"
