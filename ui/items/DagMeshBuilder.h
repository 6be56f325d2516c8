#pragma once
// DagMeshBuilder: turns the visible part of a DAG into three meshes — edges,
// nodes and an overlay (head rings, the selection) — for DagGraphItem.
//
// The meshes cover a *built range* of generations a little wider than the
// view. Panning inside it only moves a transform; deltas appended to the model
// and new generations scrolling in are added to the existing meshes; only a
// zoom, a jump outside the range or a non-append model change starts over.
// Mesh x is measured from `originGen`, so floats stay exact however long the
// DAG grows.
#include "ColoredMesh.h"
#include "DagRows.h"
#include <QColor>
#include <utility>

namespace dn {

struct DagStyle {
    QColor local, remote, pending, edge, head, selection;
    QColor colourFor(int kind) const { return kind == 1 ? remote : kind == 2 ? pending : local; }
};

class DagMeshBuilder {
public:
    struct Params {
        double genStep = 36;   // pixels between generations (zoom applied)
        double laneStep = 26;  // pixels between lanes (zoom applied)
        float radius = 6;      // node radius in pixels
        float edgeWidth = 1;   // edge width in pixels
        int originGen = 0;     // the generation drawn at mesh x = 0
    };

    // Starts over, building generations [lo, hi].
    void reset(const Params &params, int lo, int hi, const DagRows &rows, const DagStyle &style);
    // Widens the built range to the right, adding only what is new.
    void extendTo(int hi, const DagRows &rows, const DagStyle &style);
    // Adds rows first..last, just appended to the model, where they fall in range.
    void addAppended(int first, int last, const DagRows &rows, const DagStyle &style);
    // Repaints rows first..last (their kind may have changed).
    void recolour(int first, int last, const DagRows &rows, const DagStyle &style);
    // Rebuilds the head rings and the selection ring.
    void buildOverlay(const DagRows &rows, int selectedRow, const DagStyle &style);

    const Params &params() const { return params_; }
    bool isBuilt() const { return built_; }
    int builtLo() const { return lo_; }
    int builtHi() const { return hi_; }
    int nodeCount() const { return nodeCount_; }
    // Where a row's centre lies in mesh coordinates.
    QPointF position(const DagRows::Row &r) const;

    const ColoredMesh &edges() const { return edges_; }
    const ColoredMesh &nodes() const { return nodes_; }
    const ColoredMesh &overlay() const { return overlay_; }
    // Which meshes changed since last asked (the item re-uploads only those).
    bool takeEdgesDirty() { return std::exchange(edgesDirty_, false); }
    bool takeNodesDirty() { return std::exchange(nodesDirty_, false); }
    bool takeOverlayDirty() { return std::exchange(overlayDirty_, false); }

private:
    void addRange(int lo, int hi, const DagRows &rows, const DagStyle &style);
    void addRow(int row, bool withNode, const DagRows &rows, const DagStyle &style);
    void grow(int rowCount);

    Params params_;
    bool built_ = false;
    int lo_ = 0, hi_ = -1;
    int segments_ = 12;
    int nodeCount_ = 0;
    std::vector<int> nodeStart_;      // first vertex of each row's disc, -1 if not built
    std::vector<uchar> edgesBuilt_;   // whether each row's edges to its parents are in
    ColoredMesh edges_, nodes_, overlay_;
    bool edgesDirty_ = false, nodesDirty_ = false, overlayDirty_ = false;
};

}  // namespace dn
