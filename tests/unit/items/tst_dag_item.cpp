// DagGraphItem rendered for real: a 10 000-delta graph, culling, hit testing,
// following the heads while deltas arrive, incremental vs fresh meshes, input.
#include "ItemTestKit.h"
#include "SyntheticDag.h"
#include "items/DagGraphItem.h"
#include <QSignalSpy>
#include <QStandardItemModel>

using namespace dn;
using namespace dn::test;

namespace {

// The newest row drawn well inside `area`, or -1.
int rowInView(const DagGraphItem *item, const QRectF &area) {
    for (int row = item->nodeCount() - 1; row >= 0; --row)
        if (area.contains(item->rowPosition(row))) return row;
    return -1;
}

}  // namespace

class TstDagItem : public QObject {
    Q_OBJECT

private:
    ItemWindow window_;

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
        QQuickWindow *w = window_.fresh({960, 540}, kLight);
        QVERIFY(w);
        REQUIRE_OPENGL(window_);
        auto dag = makeDag(w, 10000);
        DagGraphItem *item = dag->item;
        QCOMPARE(item->nodeCount(), 10000);

        QImage img = window_.frame();
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
        img = window_.frame();
        save(img, "dag_zoomed_out");
        QVERIFY2(item->visibleNodeCount() > atOne * 4, qPrintable(QString::number(item->visibleNodeCount())));
        item->setZoom(3);
        img = window_.frame();
        save(img, "dag_zoomed_in");
        QVERIFY(item->visibleNodeCount() > 0 && item->visibleNodeCount() < atOne);
    }

    void dagDarkBackground() {
        QQuickWindow *w = window_.fresh({960, 540}, kDark);
        QVERIFY(w);
        REQUIRE_OPENGL(window_);
        auto dag = makeDag(w, 3000);
        dag->item->setZoom(1.5);
        window_.frame();
        dag->item->setSelectedRow(rowInView(dag->item, QRectF(100, 100, 760, 340)));
        QVERIFY(dag->item->selectedRow() >= 0);
        const QImage img = window_.frame();
        save(img, "dag_dark");
        QVERIFY(countNear(img, dag->item->remoteColor()) > 500);
        QVERIFY(countNear(img, dag->item->selectionColor(), 30) > 10);
    }

    void dagClickSelectsRow() {
        QQuickWindow *w = window_.fresh({960, 540}, kLight);
        QVERIFY(w);
        REQUIRE_OPENGL(window_);
        auto dag = makeDag(w, 10000);
        DagGraphItem *item = dag->item;
        QImage img = window_.frame();
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
        img = window_.frame();
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
        QQuickWindow *w = window_.fresh({960, 540}, kLight);
        QVERIFY(w);
        REQUIRE_OPENGL(window_);
        auto dag = makeDag(w, 2000);
        DagGraphItem *item = dag->item;
        window_.frame();
        // A delta that was remote turns pending and loses head status: its
        // node is repainted in place, without a rebuild.
        const int row = rowInView(item, QRectF(100, 60, 760, 420));
        QVERIFY(row >= 0);
        const QPoint at = item->rowPosition(row).toPoint();
        const int rebuilds = item->fullRebuildCount();
        dag->model.item(row)->setData(2, SyntheticDag::KindRole);
        QImage img = window_.frame();
        QVERIFY(distance(img.pixelColor(at), item->pendingColor()) <= 12);
        dag->model.item(row)->setData(0, SyntheticDag::KindRole);
        img = window_.frame();
        QVERIFY(distance(img.pixelColor(at), item->localColor()) <= 12);
        QCOMPARE(item->fullRebuildCount(), rebuilds);

        // Head rings follow isHead.
        const double ring = 9.5;  // radius 6 + gap 1.8 + half the ring width
        dag->model.item(row)->setData(true, SyntheticDag::IsHeadRole);
        img = window_.frame();
        QVERIFY(nearby(img, QPointF(at) + QPointF(ring, 0), item->headColor(), 1, 40));
        dag->model.item(row)->setData(false, SyntheticDag::IsHeadRole);
        img = window_.frame();
        QVERIFY(!nearby(img, QPointF(at) + QPointF(ring, 0), item->headColor(), 1, 40));

        // Removing rows (not an append) reloads; a selection that is gone clears.
        item->setSelectedRow(1999);
        dag->model.removeRows(1900, 100);
        QCOMPARE(item->nodeCount(), 1900);
        QCOMPARE(item->selectedRow(), -1);
        window_.frame();
        QVERIFY(item->visibleNodeCount() > 0);
        QCOMPARE(item->rowAt(item->rowPosition(1899)), 1899);
        // Dropping the oldest rows (what a live DAG model does) shifts the
        // rows without re-reading them; the selection moves with its row.
        item->setSelectedRow(500);
        dag->model.removeRows(0, 100);
        QCOMPARE(item->nodeCount(), 1800);
        QCOMPARE(item->selectedRow(), 400);
        window_.frame();
        QVERIFY(item->visibleNodeCount() > 0);
        QCOMPARE(item->rowAt(item->rowPosition(1799)), 1799);
        // And no model at all draws nothing, also when the model goes away.
        item->setModel(nullptr);
        window_.frame();
        QCOMPARE(item->nodeCount(), 0);
        QCOMPARE(item->visibleNodeCount(), 0);
        auto doomed = std::make_unique<QStandardItemModel>();
        SyntheticDag(doomed.get(), 4, 1).append(50);
        item->setModel(doomed.get());
        window_.frame();
        QCOMPARE(item->visibleNodeCount(), 50);
        doomed.reset();
        QCOMPARE(item->model(), nullptr);
        QCOMPARE(item->nodeCount(), 0);
        window_.frame();
        QCOMPARE(item->visibleNodeCount(), 0);
    }

    void dagFollowsHeadsAsDeltasArrive() {
        QQuickWindow *w = window_.fresh({960, 540}, kLight);
        QVERIFY(w);
        REQUIRE_OPENGL(window_);
        auto dag = makeDag(w, 10000);
        DagGraphItem *item = dag->item;
        window_.frame();
        const int rebuildsBefore = item->fullRebuildCount();
        const QPointF panBefore = item->pan();
        // 60 frames with 20 new deltas each: the newest stays in view and the
        // meshes grow instead of being rebuilt every frame.
        for (int f = 0; f < 60; ++f) {
            dag->gen->append(20);
            window_.frame();
            const QPointF p = item->rowPosition(item->nodeCount() - 1);
            QVERIFY2(p.x() > 0 && p.x() < 960, qPrintable(QString::number(p.x())));
        }
        QVERIFY(item->pan().x() < panBefore.x());
        QVERIFY2(item->fullRebuildCount() - rebuildsBefore <= 6,
                 qPrintable(QString::number(item->fullRebuildCount() - rebuildsBefore)));

        // The incrementally grown meshes draw what a fresh build draws.
        const QImage grown = window_.frame();
        const QColor local = item->localColor();
        item->setLocalColor(Qt::black);
        item->setLocalColor(local);  // a style change forces a rebuild
        const int rebuilds = item->fullRebuildCount();
        const QImage rebuilt = window_.frame();
        QCOMPARE(item->fullRebuildCount(), rebuilds + 1);
        int differing = 0;
        for (int y = 0; y < grown.height(); ++y)
            for (int x = 0; x < grown.width(); ++x)
                if (distance(grown.pixelColor(x, y), rebuilt.pixelColor(x, y)) > 3) ++differing;
        save(grown, "dag_grown");
        QVERIFY2(differing < 20, qPrintable(QString::number(differing)));

        // Not following: new deltas land outside the view, the pan stays.
        item->setFollowHeads(false);
        window_.frame();
        const QPointF fixed = item->pan();
        dag->gen->append(300);
        window_.frame();
        QCOMPARE(item->pan(), fixed);
        QVERIFY(item->rowPosition(item->nodeCount() - 1).x() > 960);
        // Home follows again.
        item->forceActiveFocus();
        QTest::keyClick(w, Qt::Key_Home);
        QVERIFY(item->followHeads());
        window_.frame();
        QVERIFY(item->rowPosition(item->nodeCount() - 1).x() < 960);
    }

    void dagPanAndZoomByInput() {
        QQuickWindow *w = window_.fresh({960, 540}, kLight);
        QVERIFY(w);
        REQUIRE_OPENGL(window_);
        auto dag = makeDag(w, 2000);
        DagGraphItem *item = dag->item;
        window_.frame();
        // Drag: the graph moves with the pointer and stops following.
        const QPointF pan = item->pan();
        QTest::mousePress(w, Qt::LeftButton, {}, QPoint(500, 300));
        for (int i = 1; i <= 10; ++i) QTest::mouseMove(w, QPoint(500 + 10 * i, 300 + 4 * i));
        QTest::mouseRelease(w, Qt::LeftButton, {}, QPoint(600, 340));
        QVERIFY(!item->followHeads());
        QCOMPARE(item->pan(), pan + QPointF(100, 40));
        QCOMPARE(item->selectedRow(), -1);  // a drag is not a click

        // Wheel: zooms around the pointer; the delta under it stays put.
        window_.frame();
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
        window_.frame();
    }
};

DN_ITEMS_TEST_MAIN(TstDagItem)
#include "tst_dag_item.moc"
