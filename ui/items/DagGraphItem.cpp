#include "DagGraphItem.h"
#include "MeshNode.h"
#include <QGuiApplication>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QNativeGestureEvent>
#include <QSGTransformNode>
#include <QStyleHints>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace dn {

namespace {

// Layout at zoom 1, in pixels.
constexpr double kGenStep = 36;
constexpr double kLaneStep = 26;
constexpr double kRadius = 6;
// Lanes stop closing up below this zoom, so a zoomed-out graph stays a band
// one can still read lanes in rather than a single line.
constexpr double kMinLaneZoom = 0.35;

double laneStepAt(double zoom) { return kLaneStep * std::max(zoom, kMinLaneZoom); }

}  // namespace

DagGraphItem::DagGraphItem(QQuickItem *parent) : QQuickItem(parent) {
    setFlag(ItemHasContents);
    setClip(true);
    setAcceptedMouseButtons(Qt::LeftButton);
    setActiveFocusOnTab(true);
    // Defaults readable on light and dark backgrounds alike.
    style_.local = QColor(0x3b, 0x82, 0xf6);
    style_.remote = QColor(0x14, 0xb8, 0xa6);
    style_.pending = QColor(0xf5, 0x9e, 0x0b);
    style_.edge = QColor(0x94, 0xa3, 0xb8, 0xb0);
    style_.head = QColor(0xf4, 0x3f, 0x5e);
    style_.selection = QColor(0xa8, 0x55, 0xf7);
}

void DagGraphItem::setModel(QAbstractItemModel *model) {
    if (model_ == model) return;
    attach(model);
}

void DagGraphItem::attach(QAbstractItemModel *model) {
    for (const auto &c : std::as_const(connections_)) disconnect(c);
    connections_.clear();
    model_ = model;
    if (model) {
        connections_ << connect(model, &QAbstractItemModel::rowsInserted, this, &DagGraphItem::onRowsInserted)
                     << connect(model, &QAbstractItemModel::dataChanged, this, &DagGraphItem::onDataChanged)
                     << connect(model, &QAbstractItemModel::rowsRemoved, this, &DagGraphItem::onRowsRemoved)
                     << connect(model, &QAbstractItemModel::rowsMoved, this, &DagGraphItem::onStructureChanged)
                     << connect(model, &QAbstractItemModel::modelReset, this, &DagGraphItem::onStructureChanged)
                     << connect(model, &QAbstractItemModel::layoutChanged, this, &DagGraphItem::onStructureChanged)
                     // By then our QPointer reads null already: detach unconditionally.
                     << connect(model, &QObject::destroyed, this, [this] { attach(nullptr); });
    }
    rows_.bind(model);
    needRebuild_ = true;
    if (selected_ >= rows_.count()) setSelectedRow(-1);
    emit modelChanged();
    emit nodeCountChanged();
    changed();
}

void DagGraphItem::setFollowHeads(bool on) {
    if (follow_ == on) return;
    follow_ = on;
    emit followHeadsChanged();
    changed();
}

void DagGraphItem::setZoom(qreal zoom) { zoomAt(zoom / zoom_, QPointF(width() / 2, height() / 2)); }

void DagGraphItem::setPan(QPointF pan) {
    setFollowHeads(false);
    assignPan(pan);
}

void DagGraphItem::assignPan(QPointF pan) {
    if (pan == pan_) return;
    pan_ = pan;
    emit panChanged();
    changed();
}

void DagGraphItem::setSelectedRow(int row) {
    if (row < -1 || row >= rows_.count()) row = -1;
    if (row == selected_) return;
    selected_ = row;
    overlayDirty_ = true;
    emit selectedRowChanged();
    changed();
}

void DagGraphItem::setStyleColour(QColor &slot, const QColor &c) {
    if (slot == c) return;
    slot = c;
    needRebuild_ = true;
    emit colorsChanged();
    changed();
}

void DagGraphItem::changed() {
    polish();
    update();
}

DagMeshBuilder::Params DagGraphItem::layoutParams() const {
    DagMeshBuilder::Params p;
    p.genStep = kGenStep * zoom_;
    p.laneStep = laneStepAt(zoom_);
    // Nodes grow with the zoom but never touch their neighbours.
    p.radius = float(std::max(std::min(kRadius * zoom_, 0.42 * std::min(p.genStep, p.laneStep)), 0.75));
    p.edgeWidth = float(std::clamp(1.2 * zoom_, 0.35, 2.5));
    return p;
}

QPointF DagGraphItem::rowPosition(int row) const {
    if (row < 0 || row >= rows_.count()) return {};
    const auto &r = rows_.row(row);
    return pan_ + QPointF(double(r.generation) * kGenStep * zoom_, double(r.lane) * laneStepAt(zoom_));
}

QStringList DagGraphItem::headsInView() const {
    QStringList out;
    const QRectF view(0, 0, width(), height());
    for (int r : rows_.heads())
        if (view.contains(rowPosition(r))) out.push_back(rows_.deltaId(r));
    out.sort();
    return out;
}

int DagGraphItem::rowAt(QPointF pos) const {
    if (rows_.isEmpty()) return -1;
    const auto p = layoutParams();
    const double g = (pos.x() - pan_.x()) / p.genStep;
    if (!std::isfinite(g) || std::abs(g) > 2e9) return -1;
    // The spatial index maps generation -> rows; a node can only be hit from
    // its own column or the neighbouring ones.
    const double tolerance = std::max(double(p.radius) + 3.0, 5.0);
    double best = tolerance * tolerance;
    int hit = -1;
    rows_.forEachInGenerations(int(std::floor(g)) - 1, int(std::ceil(g)) + 1, [&](int r) {
        const QPointF d = rowPosition(r) - pos;
        const double dist = QPointF::dotProduct(d, d);
        if (dist <= best) {
            best = dist;
            hit = r;
        }
    });
    return hit;
}

void DagGraphItem::zoomAt(qreal factor, QPointF center) {
    const qreal next = std::clamp(zoom_ * factor, kMinZoom, kMaxZoom);
    if (!std::isfinite(next) || qFuzzyCompare(next, zoom_)) return;
    // Keep the graph coordinate under `center` where it is.
    const double gen = (center.x() - pan_.x()) / (kGenStep * zoom_);
    const double lane = (center.y() - pan_.y()) / laneStepAt(zoom_);
    zoom_ = next;
    assignPan(QPointF(center.x() - gen * kGenStep * zoom_, center.y() - lane * laneStepAt(zoom_)));
    emit zoomChanged();
    changed();
}

void DagGraphItem::panBy(QPointF delta) {
    setFollowHeads(false);
    assignPan(pan_ + delta);
}

void DagGraphItem::applyFollow() {
    if (!follow_ || rows_.isEmpty() || width() <= 0 || height() <= 0) return;
    const auto p = layoutParams();
    const double margin = 16 + 3 * double(p.radius);
    const double contentW = double(rows_.maxGeneration() - rows_.minGeneration()) * p.genStep;
    // Newest generation at the right edge; a graph narrower than the view
    // starts at the left instead of floating in the middle.
    const double x = contentW <= width() - 2 * margin ? margin - rows_.minGeneration() * p.genStep
                                                      : width() - margin - rows_.maxGeneration() * p.genStep;
    double y = pan_.y();
    const double contentH = double(rows_.maxLane() - rows_.minLane()) * p.laneStep;
    if (contentH <= height() - 2 * margin) y = (height() - contentH) / 2 - rows_.minLane() * p.laneStep;
    assignPan(QPointF(x, y));
}

void DagGraphItem::onRowsInserted(const QModelIndex &parent, int first, int last) {
    if (parent.isValid()) return;
    if (first != rows_.count()) {  // inserted in the middle: row numbers moved
        onStructureChanged();
        return;
    }
    rows_.appendRows(first, last);
    appendFirst_ = appendFirst_ < 0 ? first : std::min(appendFirst_, first);
    appendLast_ = std::max(appendLast_, last);
    overlayDirty_ = true;
    emit nodeCountChanged();
    changed();
}

void DagGraphItem::onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight) {
    if (topLeft.parent().isValid()) return;
    const int change = rows_.updateRows(topLeft.row(), bottomRight.row());
    if (change & DagRows::Layout) needRebuild_ = true;
    if (change & DagRows::Colour) {
        recolourFirst_ = recolourFirst_ < 0 ? topLeft.row() : std::min(recolourFirst_, topLeft.row());
        recolourLast_ = std::max(recolourLast_, bottomRight.row());
    }
    if (change & DagRows::Heads) overlayDirty_ = true;
    if (change) changed();
}

void DagGraphItem::onRowsRemoved(const QModelIndex &parent, int first, int last) {
    if (parent.isValid()) return;
    if (first != 0 || last >= rows_.count()) {  // not the oldest rows dropped
        onStructureChanged();
        return;
    }
    // A live DAG model drops its oldest rows now and then; re-reading the
    // ten thousand that stay took a frame 30–90 ms of the GUI thread.
    const int n = last + 1;
    rows_.removeFront(n);
    needRebuild_ = true;
    if (selected_ >= 0) setSelectedRow(selected_ >= n ? selected_ - n : -1);
    emit nodeCountChanged();
    changed();
}

void DagGraphItem::onStructureChanged() {
    rows_.reload();
    needRebuild_ = true;
    if (selected_ >= rows_.count()) setSelectedRow(-1);
    emit nodeCountChanged();
    changed();
}

void DagGraphItem::geometryChange(const QRectF &newGeometry, const QRectF &oldGeometry) {
    QQuickItem::geometryChange(newGeometry, oldGeometry);
    if (newGeometry.size() != oldGeometry.size()) changed();
}

void DagGraphItem::updatePolish() {
    applyFollow();
    if (width() <= 0 || height() <= 0) return;
    auto p = layoutParams();
    // The generations in view, widened by a node so half-visible ones count.
    const double margin = double(p.radius) + 8;
    auto genAt = [&](double x) { return std::clamp((x - pan_.x()) / p.genStep, -1e9, 1e9); };
    const int lo = int(std::floor(genAt(-margin)));
    const int hi = int(std::ceil(genAt(width() + margin)));
    const int span = std::max(hi - lo + 1, 1);
    const int pad = std::max(span / 2, 4);

    const auto &built = mesh_.params();
    const bool sameScale = mesh_.isBuilt() && built.genStep == p.genStep && built.laneStep == p.laneStep &&
                           built.radius == p.radius && built.edgeWidth == p.edgeWidth;
    // Start over when the scale changed or the view left the built range to
    // the left; far to the right a fresh build is cheaper than extending; and
    // after scrolling a screen, to drop what has scrolled away (every vertex
    // drawn costs, on screen or not).
    const bool rebuild = needRebuild_ || !sameScale || lo < mesh_.builtLo() ||
                         hi > mesh_.builtHi() + 2 * span || lo - mesh_.builtLo() > span + pad;
    if (rebuild) {
        p.originGen = lo - pad;
        mesh_.reset(p, lo - pad, hi + pad, rows_, style_);
        ++rebuilds_;
        overlayDirty_ = true;
    } else {
        if (appendFirst_ >= 0) mesh_.addAppended(appendFirst_, appendLast_, rows_, style_);
        if (recolourFirst_ >= 0) mesh_.recolour(recolourFirst_, recolourLast_, rows_, style_);
        if (hi > mesh_.builtHi()) {
            mesh_.extendTo(hi + pad, rows_, style_);
            overlayDirty_ = true;
        }
    }
    needRebuild_ = false;
    appendFirst_ = appendLast_ = recolourFirst_ = recolourLast_ = -1;
    if (overlayDirty_) {
        mesh_.buildOverlay(rows_, selected_, style_);
        overlayDirty_ = false;
    }
    // Computed in double: pan and origin are large and nearly cancel.
    meshOffset_ = QPointF(pan_.x() + double(mesh_.params().originGen) * p.genStep, pan_.y());
    if (visibleNodes_ != mesh_.nodeCount()) {
        visibleNodes_ = mesh_.nodeCount();
        emit visibleNodeCountChanged();
    }
}

namespace {

// Matches a group's MeshNode children to the chunks, uploading changed ones.
void syncChunks(QSGNode *group, std::vector<DagMeshBuilder::Chunk> &chunks, bool all) {
    while (group->childCount() > int(chunks.size())) {
        QSGNode *n = group->lastChild();
        group->removeChildNode(n);
        delete n;
    }
    while (group->childCount() < int(chunks.size())) group->appendChildNode(new MeshNode);
    size_t i = 0;
    for (QSGNode *n = group->firstChild(); n; n = n->nextSibling(), ++i) {
        if (!chunks[i].dirty && !all) continue;
        static_cast<MeshNode *>(n)->upload(chunks[i].mesh);
        chunks[i].dirty = false;
    }
}

}  // namespace

QSGNode *DagGraphItem::updatePaintNode(QSGNode *old, UpdatePaintNodeData *) {
    auto *root = static_cast<QSGTransformNode *>(old);
    const bool fresh = root == nullptr;
    if (fresh) {
        // Edges under nodes under rings; each a few batched draw calls.
        root = new QSGTransformNode;
        root->appendChildNode(new QSGNode);
        root->appendChildNode(new QSGNode);
        root->appendChildNode(new MeshNode);
    }
    syncChunks(root->childAtIndex(0), mesh_.edgeChunks(), fresh);
    syncChunks(root->childAtIndex(1), mesh_.nodeChunks(), fresh);
    if (mesh_.takeOverlayDirty() || fresh) static_cast<MeshNode *>(root->childAtIndex(2))->upload(mesh_.overlay());
    QMatrix4x4 m;
    m.translate(float(meshOffset_.x()), float(meshOffset_.y()));
    root->setMatrix(m);
    return root;
}

void DagGraphItem::mousePressEvent(QMouseEvent *event) {
    forceActiveFocus(Qt::MouseFocusReason);
    pressPos_ = lastPos_ = event->position();
    dragging_ = false;
    event->accept();
}

void DagGraphItem::mouseMoveEvent(QMouseEvent *event) {
    const QPointF pos = event->position();
    if (!dragging_ && (pos - pressPos_).manhattanLength() >= QGuiApplication::styleHints()->startDragDistance()) {
        dragging_ = true;
        setKeepMouseGrab(true);
    }
    if (dragging_) panBy(pos - lastPos_);
    lastPos_ = pos;
    event->accept();
}

void DagGraphItem::mouseReleaseEvent(QMouseEvent *event) {
    if (!dragging_) {
        const int row = rowAt(event->position());
        setSelectedRow(row);
        if (row >= 0) emit deltaClicked(row);
    }
    dragging_ = false;
    setKeepMouseGrab(false);
    event->accept();
}

void DagGraphItem::wheelEvent(QWheelEvent *event) {
    const QPoint a = event->angleDelta();
    if (a.y() != 0) zoomAt(std::pow(2.0, a.y() / 480.0), event->position());  // a notch: ~19 %
    if (a.x() != 0) panBy(QPointF(a.x() / 2.0, 0));
    event->accept();
}

void DagGraphItem::keyPressEvent(QKeyEvent *event) {
    const QPointF centre(width() / 2, height() / 2);
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoomAt(1.25, centre); break;
    case Qt::Key_Minus: zoomAt(0.8, centre); break;
    case Qt::Key_Left: panBy(QPointF(width() * 0.2, 0)); break;
    case Qt::Key_Right: panBy(QPointF(-width() * 0.2, 0)); break;
    // Vertical moves keep following: they do not lose the newest deltas.
    case Qt::Key_Up: assignPan(pan_ + QPointF(0, height() * 0.2)); break;
    case Qt::Key_Down: assignPan(pan_ - QPointF(0, height() * 0.2)); break;
    case Qt::Key_Home: setFollowHeads(true); break;
    case Qt::Key_Escape: setSelectedRow(-1); break;
    default: QQuickItem::keyPressEvent(event); return;
    }
    event->accept();
}

bool DagGraphItem::event(QEvent *event) {
    if (event->type() == QEvent::NativeGesture) {  // touchpad pinch
        auto *g = static_cast<QNativeGestureEvent *>(event);
        if (g->gestureType() == Qt::ZoomNativeGesture) {
            zoomAt(1.0 + g->value(), g->position());
            return true;
        }
    }
    return QQuickItem::event(event);
}

}  // namespace dn
