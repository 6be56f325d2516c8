#include "DagMeshBuilder.h"
#include <algorithm>

namespace dn {

namespace {

// Below these sizes round dots and feathered lines are not worth their
// vertices: nobody can tell at that scale, and a 10 000-delta overview
// halves its geometry.
constexpr float kRoundRadius = 1.5f;
constexpr float kFeatherWidth = 0.9f;

}  // namespace

QPointF DagMeshBuilder::position(const DagRows::Row &r) const {
    return QPointF(double(r.generation - params_.originGen) * params_.genStep, double(r.lane) * params_.laneStep);
}

void DagMeshBuilder::grow(int rowCount) {
    if (int(nodeStart_.size()) < rowCount) {
        nodeChunk_.resize(size_t(rowCount), -1);
        nodeStart_.resize(size_t(rowCount), 0);
        edgesBuilt_.resize(size_t(rowCount), 0);
    }
}

DagMeshBuilder::Chunk &DagMeshBuilder::openChunk(std::vector<Chunk> &chunks) {
    if (chunks.empty() || chunks.back().mesh.vertexCount() >= kChunkVertices) chunks.emplace_back();
    chunks.back().dirty = true;
    return chunks.back();
}

void DagMeshBuilder::reset(const Params &params, int lo, int hi, const DagRows &rows, const DagStyle &style) {
    params_ = params;
    segments_ = params.radius < kRoundRadius ? 0 : ColoredMesh::segmentsFor(params.radius);
    nodeVertices_ = segments_ == 0 ? 4 : ColoredMesh::discVertexCount(segments_);
    built_ = true;
    lo_ = lo;
    hi_ = hi;
    nodeCount_ = 0;
    nodeChunk_.assign(size_t(rows.count()), -1);
    nodeStart_.assign(size_t(rows.count()), 0);
    edgesBuilt_.assign(size_t(rows.count()), 0);
    edges_.clear();
    nodes_.clear();
    addRange(lo, hi, rows, style);
}

void DagMeshBuilder::extendTo(int hi, const DagRows &rows, const DagStyle &style) {
    if (!built_ || hi <= hi_) return;
    const int from = hi_ + 1;
    hi_ = hi;
    addRange(from, hi, rows, style);
}

void DagMeshBuilder::addRange(int lo, int hi, const DagRows &rows, const DagStyle &style) {
    grow(rows.count());
    // Edges belong to the child; a child up to maxEdgeSpan generations to the
    // right of the range can still have an edge that crosses it.
    rows.forEachInGenerations(lo, hi + rows.maxEdgeSpan(), [&](int r) {
        const int g = rows.row(r).generation;
        addRow(r, g >= lo_ && g <= hi_, rows, style);
    });
}

void DagMeshBuilder::addAppended(int first, int last, const DagRows &rows, const DagStyle &style) {
    if (!built_) return;
    grow(rows.count());
    for (int r = first; r <= last && r < rows.count(); ++r) {
        const int g = rows.row(r).generation;
        if (g < lo_ || g > hi_ + rows.maxEdgeSpan()) continue;
        addRow(r, g <= hi_, rows, style);
    }
}

void DagMeshBuilder::addRow(int r, bool withNode, const DagRows &rows, const DagStyle &style) {
    const DagRows::Row &row = rows.row(r);
    const QPointF at = position(row);
    if (!edgesBuilt_[size_t(r)]) {
        edgesBuilt_[size_t(r)] = 1;
        const bool feather = params_.edgeWidth >= kFeatherWidth;
        // Zoomed far out, edges are texture, not information: keep them faint
        // so the nodes (lanes of activity) stay readable.
        const Rgba colour = Rgba::premultiplied(style.edge, feather ? 1.0f : 0.6f * params_.edgeWidth / kFeatherWidth);
        for (int p : rows.parents(r)) {
            if (p < 0 || p >= rows.count() || p == r) continue;
            ColoredMesh &mesh = openChunk(edges_).mesh;
            if (feather) mesh.addLine(at, position(rows.row(p)), params_.edgeWidth, colour);
            else mesh.addHairline(at, position(rows.row(p)), colour);
        }
    }
    if (withNode && nodeChunk_[size_t(r)] < 0) {
        ColoredMesh &mesh = openChunk(nodes_).mesh;
        const Rgba colour = Rgba::premultiplied(style.colourFor(row.kind));
        nodeChunk_[size_t(r)] = int(nodes_.size()) - 1;
        nodeStart_[size_t(r)] = segments_ == 0 ? mesh.addDot(at, params_.radius, colour)
                                               : mesh.addDisc(at, params_.radius, colour, segments_);
        ++nodeCount_;
    }
}

void DagMeshBuilder::recolour(int first, int last, const DagRows &rows, const DagStyle &style) {
    if (!built_) return;
    for (int r = std::max(first, 0); r <= last && r < int(nodeChunk_.size()); ++r) {
        const int c = nodeChunk_[size_t(r)];
        if (c < 0) continue;
        const Rgba colour = Rgba::premultiplied(style.colourFor(rows.row(r).kind));
        // A disc's feather ring stays clear; a dot is all colour.
        const int count = segments_ == 0 ? nodeVertices_ : 1 + segments_;
        nodes_[size_t(c)].mesh.recolour(nodeStart_[size_t(r)], count, colour);
        nodes_[size_t(c)].dirty = true;
    }
}

void DagMeshBuilder::buildOverlay(const DagRows &rows, int selectedRow, const DagStyle &style) {
    overlay_.clear();
    overlayDirty_ = true;
    if (!built_) return;
    const float r = params_.radius;
    // Rings scale with the node but never vanish or swamp their neighbours.
    const float gap = std::clamp(r * 0.3f, 1.0f, 4.0f);
    const float width = std::clamp(r * 0.35f, 1.25f, 4.0f);
    const int segments = ColoredMesh::segmentsFor(r + gap + width);
    const Rgba head = Rgba::premultiplied(style.head);
    for (int h : rows.heads()) {
        const int g = rows.row(h).generation;
        if (g < lo_ || g > hi_) continue;
        overlay_.addRing(position(rows.row(h)), r + gap, r + gap + width, head, segments);
    }
    if (selectedRow >= 0 && selectedRow < rows.count()) {
        const QPointF at = position(rows.row(selectedRow));
        const float inner = r + gap + width + 1.0f;
        overlay_.addRing(at, inner, inner + std::max(width, 2.0f), Rgba::premultiplied(style.selection),
                         ColoredMesh::segmentsFor(inner + width));
    }
}

}  // namespace dn
