#pragma once
// DagMeshBuilder: turns the visible part of a DAG into meshes — edges, nodes
// and an overlay (head rings, the selection) — for DagGraphItem.
//
// The meshes cover a *built range* of generations a little wider than the
// view. Panning inside it only moves a transform; deltas appended to the model
// and new generations scrolling in are appended to the existing meshes; only a
// zoom, a jump outside the range or a non-append model change starts over.
// Mesh x is measured from `originGen`, so floats stay exact however long the
// DAG grows.
//
// Edges and nodes are each kept in a few append-only chunks (up to
// kChunkVertices vertices): all nodes still draw in a handful of calls, and an
// append re-uploads only the open chunk instead of the whole graph.
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
    static constexpr int kChunkVertices = 16384;

    struct Params {
        double genStep = 36;   // pixels between generations (zoom applied)
        double laneStep = 26;  // pixels between lanes (zoom applied)
        float radius = 6;      // node radius in pixels
        float edgeWidth = 1;   // edge width in pixels
        int originGen = 0;     // the generation drawn at mesh x = 0
    };
    struct Chunk {
        ColoredMesh mesh;
        bool dirty = true;
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

    // The meshes; the item re-uploads chunks marked dirty and clears the mark.
    std::vector<Chunk> &edgeChunks() { return edges_; }
    std::vector<Chunk> &nodeChunks() { return nodes_; }
    const ColoredMesh &overlay() const { return overlay_; }
    bool takeOverlayDirty() { return std::exchange(overlayDirty_, false); }

private:
    void addRange(int lo, int hi, const DagRows &rows, const DagStyle &style);
    void addRow(int row, bool withNode, const DagRows &rows, const DagStyle &style);
    void grow(int rowCount);
    // The chunk new shapes go into, opening a new one when the last is full.
    Chunk &openChunk(std::vector<Chunk> &chunks);

    Params params_;
    bool built_ = false;
    int lo_ = 0, hi_ = -1;
    int segments_ = 12;  // 0: nodes are square dots
    int nodeVertices_ = 0;
    int nodeCount_ = 0;
    std::vector<int> nodeChunk_, nodeStart_;  // where each row's node is; chunk -1 if not built
    std::vector<uchar> edgesBuilt_;           // whether each row's edges to its parents are in
    std::vector<Chunk> edges_, nodes_;
    ColoredMesh overlay_;
    bool overlayDirty_ = false;
};

}  // namespace dn
