#pragma once
// ColoredMesh: the CPU-side copy of a triangle mesh with per-vertex colours,
// built on the GUI thread and copied into a QSGGeometry during sync.
//
// Every item draws with QSGVertexColorMaterial so that shapes of different
// colours share one geometry node (one draw call). Edges are anti-aliased the
// cheap way Qt Quick's own rectangles are: a one-pixel "feather" band whose
// outer vertices are fully transparent, so the GPU's interpolation does the
// smoothing and no multisampling is needed.
#include <QColor>
#include <QPointF>
#include <QSGGeometry>
#include <cstdint>
#include <vector>

namespace dn {

// A premultiplied RGBA colour, as QSGVertexColorMaterial expects.
struct Rgba {
    uchar r = 0, g = 0, b = 0, a = 0;
    static Rgba premultiplied(const QColor &c, float coverage = 1.0f);
};

class ColoredMesh {
public:
    using Vertex = QSGGeometry::ColoredPoint2D;

    void clear();
    bool isEmpty() const { return indices_.empty(); }
    int vertexCount() const { return int(vertices_.size()); }
    int indexCount() const { return int(indices_.size()); }
    const Vertex *vertexData() const { return vertices_.data(); }
    const quint32 *indexData() const { return indices_.data(); }

    // How many segments a circle of radius r (pixels) needs to look round.
    static int segmentsFor(float r);
    // Vertices addDisc() adds for that many segments (recolourDisc needs it).
    static int discVertexCount(int segments) { return 1 + 2 * segments; }

    // A filled anti-aliased disc. Returns the index of its first vertex.
    int addDisc(QPointF c, float r, Rgba color, int segments);
    // Repaints a disc added by addDisc, keeping its transparent feather.
    void recolourDisc(int firstVertex, int segments, Rgba color);
    // A square dot for nodes too small to look round (4 vertices, no feather).
    int addDot(QPointF c, float r, Rgba color);
    // Repaints `count` vertices from firstVertex.
    void recolour(int firstVertex, int count, Rgba color);
    // A thin segment drawn as one 1.2 px quad, for zoomed-out overviews where
    // a feathered line would cost twice the vertices for no visible gain.
    void addHairline(QPointF a, QPointF b, Rgba color);
    // An anti-aliased ring between radii rInner and rOuter.
    void addRing(QPointF c, float rInner, float rOuter, Rgba color, int segments);
    // An anti-aliased straight segment of the given width (pixels).
    void addLine(QPointF a, QPointF b, float width, Rgba color);
    // An anti-aliased polyline with mitred joins (limited so spikes stay sane).
    void addPolyline(const QPointF *points, int count, float width, Rgba color);
    // An axis-aligned rectangle without feather (for pixel-aligned bars).
    void addRect(const QRectF &r, Rgba color);
    // The area between a polyline and the horizontal line y = baseline.
    void addAreaBelow(const QPointF *points, int count, float baseline, Rgba color);

private:
    quint32 push(float x, float y, Rgba c);
    void quad(quint32 a, quint32 b, quint32 c, quint32 d);  // a-b-c-d in order

    std::vector<Vertex> vertices_;
    std::vector<quint32> indices_;
};

}  // namespace dn
