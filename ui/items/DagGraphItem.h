#pragma once
// DagGraphItem: the live causal graph of a context, drawn on the Qt Quick
// scene graph. Deltas are laid out by generation (x) and lane (y) with edges
// to their parents; heads get a ring; local, remote and pending deltas have
// their own colours.
//
// It stays smooth with tens of thousands of deltas because it draws only the
// generations in view (plus a margin), batches nodes and edges into a few
// large geometry nodes (append-only chunks, so an append re-uploads one chunk),
// moves a transform to pan, and appends to its meshes when the model appends
// rows. See DagMeshBuilder.
//
// Input: drag to pan, wheel or pinch to zoom around the pointer, click to
// select (deltaClicked). Keys: + / - zoom, arrows pan, Home follows the heads,
// Escape clears the selection.
#include "DagMeshBuilder.h"
#include "DagRows.h"
#include <QAbstractItemModel>
#include <QPointer>
#include <QQuickItem>
#include <QtQml/qqmlregistration.h>

namespace dn {

class DagGraphItem : public QQuickItem {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QAbstractItemModel *model READ model WRITE setModel NOTIFY modelChanged)
    Q_PROPERTY(bool followHeads READ followHeads WRITE setFollowHeads NOTIFY followHeadsChanged)
    Q_PROPERTY(qreal zoom READ zoom WRITE setZoom NOTIFY zoomChanged)
    Q_PROPERTY(QPointF pan READ pan WRITE setPan NOTIFY panChanged)
    Q_PROPERTY(int selectedRow READ selectedRow WRITE setSelectedRow NOTIFY selectedRowChanged)
    Q_PROPERTY(int visibleNodeCount READ visibleNodeCount NOTIFY visibleNodeCountChanged)
    Q_PROPERTY(int nodeCount READ nodeCount NOTIFY nodeCountChanged)
    Q_PROPERTY(QColor localColor READ localColor WRITE setLocalColor NOTIFY colorsChanged)
    Q_PROPERTY(QColor remoteColor READ remoteColor WRITE setRemoteColor NOTIFY colorsChanged)
    Q_PROPERTY(QColor pendingColor READ pendingColor WRITE setPendingColor NOTIFY colorsChanged)
    Q_PROPERTY(QColor edgeColor READ edgeColor WRITE setEdgeColor NOTIFY colorsChanged)
    Q_PROPERTY(QColor headColor READ headColor WRITE setHeadColor NOTIFY colorsChanged)
    Q_PROPERTY(QColor selectionColor READ selectionColor WRITE setSelectionColor NOTIFY colorsChanged)

public:
    static constexpr qreal kMinZoom = 0.02;
    static constexpr qreal kMaxZoom = 8.0;

    explicit DagGraphItem(QQuickItem *parent = nullptr);

    QAbstractItemModel *model() const { return model_; }
    void setModel(QAbstractItemModel *model);
    bool followHeads() const { return follow_; }
    void setFollowHeads(bool on);
    qreal zoom() const { return zoom_; }
    void setZoom(qreal zoom);
    QPointF pan() const { return pan_; }
    void setPan(QPointF pan);  // also stops following the heads
    int selectedRow() const { return selected_; }
    void setSelectedRow(int row);
    // Nodes in the geometry drawn last frame (the view plus a margin).
    int visibleNodeCount() const { return visibleNodes_; }
    int nodeCount() const { return rows_.count(); }

    QColor localColor() const { return style_.local; }
    void setLocalColor(const QColor &c) { setStyleColour(style_.local, c); }
    QColor remoteColor() const { return style_.remote; }
    void setRemoteColor(const QColor &c) { setStyleColour(style_.remote, c); }
    QColor pendingColor() const { return style_.pending; }
    void setPendingColor(const QColor &c) { setStyleColour(style_.pending, c); }
    QColor edgeColor() const { return style_.edge; }
    void setEdgeColor(const QColor &c) { setStyleColour(style_.edge, c); }
    QColor headColor() const { return style_.head; }
    void setHeadColor(const QColor &c) { setStyleColour(style_.head, c); }
    QColor selectionColor() const { return style_.selection; }
    void setSelectionColor(const QColor &c) { setStyleColour(style_.selection, c); }

    // Where a row's centre is, in item coordinates (for popups and tests).
    Q_INVOKABLE QPointF rowPosition(int row) const;
    // The row drawn at `pos` (item coordinates), or -1.
    Q_INVOKABLE int rowAt(QPointF pos) const;
    // Ids of the heads the item has (its own copy of the model) whose node
    // lies inside the item: what a person sees as the graph's front.
    Q_INVOKABLE QStringList headsInView() const;
    // Multiplies the zoom, keeping the graph point under `center` in place
    // (for QML's PinchHandler and WheelHandler).
    Q_INVOKABLE void zoomAt(qreal factor, QPointF center);

    // How often the meshes were built from scratch (tests check appends do not).
    int fullRebuildCount() const { return rebuilds_; }

signals:
    void modelChanged();
    void followHeadsChanged();
    void zoomChanged();
    void panChanged();
    void selectedRowChanged();
    void visibleNodeCountChanged();
    void nodeCountChanged();
    void colorsChanged();
    void deltaClicked(int row);

protected:
    QSGNode *updatePaintNode(QSGNode *old, UpdatePaintNodeData *) override;
    void updatePolish() override;
    void geometryChange(const QRectF &newGeometry, const QRectF &oldGeometry) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool event(QEvent *event) override;

private:
    void attach(QAbstractItemModel *model);
    void onRowsInserted(const QModelIndex &parent, int first, int last);
    void onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight);
    void onRowsRemoved(const QModelIndex &parent, int first, int last);
    void onStructureChanged();
    void setStyleColour(QColor &slot, const QColor &c);
    void changed();                                    // schedule polish + paint
    void assignPan(QPointF pan);                       // without touching follow
    void applyFollow();
    void panBy(QPointF delta);
    DagMeshBuilder::Params layoutParams() const;

    QPointer<QAbstractItemModel> model_;
    QList<QMetaObject::Connection> connections_;
    DagRows rows_;
    DagMeshBuilder mesh_;
    DagStyle style_;
    bool follow_ = true;
    qreal zoom_ = 1.0;
    QPointF pan_{24, 24};
    int selected_ = -1;
    int visibleNodes_ = 0;
    int rebuilds_ = 0;

    // Work queued for the next polish.
    bool needRebuild_ = true;
    int appendFirst_ = -1, appendLast_ = -1;
    int recolourFirst_ = -1, recolourLast_ = -1;
    bool overlayDirty_ = true;
    QPointF meshOffset_;  // item position of mesh (0,0), set in polish

    // Pointer state.
    QPointF pressPos_, lastPos_;
    bool dragging_ = false;
};

}  // namespace dn
