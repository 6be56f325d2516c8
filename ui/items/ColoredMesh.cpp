#include "ColoredMesh.h"
#include <QRectF>
#include <algorithm>
#include <cmath>

namespace dn {

namespace {

constexpr float kPi = 3.14159265358979f;

QPointF unit(QPointF v, QPointF fallback) {
    const double len = std::hypot(v.x(), v.y());
    return len > 1e-9 ? v / len : fallback;
}

QPointF normalOf(QPointF dir) { return QPointF(-dir.y(), dir.x()); }

}  // namespace

Rgba Rgba::premultiplied(const QColor &c, float coverage) {
    const float a = std::clamp(float(c.alphaF()) * coverage, 0.0f, 1.0f);
    auto ch = [a](float v) { return uchar(std::lround(std::clamp(v, 0.0f, 1.0f) * a * 255.0f)); };
    return Rgba{ch(float(c.redF())), ch(float(c.greenF())), ch(float(c.blueF())), uchar(std::lround(a * 255.0f))};
}

void ColoredMesh::clear() {
    vertices_.clear();
    indices_.clear();
}

int ColoredMesh::segmentsFor(float r) {
    // With the feather smoothing the outline, a chord of about 3.5 px still
    // looks round; small dots need few segments.
    const int n = int(std::ceil(2.0f * kPi * r / 3.5f));
    return std::clamp(n, 8, 64);
}

quint32 ColoredMesh::push(float x, float y, Rgba c) {
    Vertex v;
    v.set(x, y, c.r, c.g, c.b, c.a);
    vertices_.push_back(v);
    return quint32(vertices_.size() - 1);
}

void ColoredMesh::quad(quint32 a, quint32 b, quint32 c, quint32 d) {
    indices_.insert(indices_.end(), {a, b, c, a, c, d});
}

int ColoredMesh::addDisc(QPointF c, float r, Rgba color, int segments) {
    // Centre, a solid rim half a pixel inside the edge, a clear rim half a
    // pixel outside it. Dots smaller than a pixel fade instead of vanishing.
    const float inner = std::max(r - 0.5f, 0.0f);
    const float outer = r + 0.5f;
    if (r < 1.0f) color = Rgba{uchar(color.r * r), uchar(color.g * r), uchar(color.b * r), uchar(color.a * r)};
    const Rgba clearColor;
    const quint32 centre = push(float(c.x()), float(c.y()), color);
    for (int k = 0; k < segments; ++k) {
        const float t = 2.0f * kPi * float(k) / float(segments);
        push(float(c.x()) + inner * std::cos(t), float(c.y()) + inner * std::sin(t), color);
    }
    for (int k = 0; k < segments; ++k) {
        const float t = 2.0f * kPi * float(k) / float(segments);
        push(float(c.x()) + outer * std::cos(t), float(c.y()) + outer * std::sin(t), clearColor);
    }
    const quint32 n = quint32(segments);
    for (quint32 k = 0; k < n; ++k) {
        const quint32 next = (k + 1) % n;
        indices_.insert(indices_.end(), {centre, centre + 1 + k, centre + 1 + next});
        quad(centre + 1 + k, centre + 1 + n + k, centre + 1 + n + next, centre + 1 + next);
    }
    return int(centre);
}

void ColoredMesh::recolourDisc(int firstVertex, int segments, Rgba color) {
    // Only the centre and the solid rim carry colour; the feather stays clear.
    recolour(firstVertex, 1 + segments, color);
}

int ColoredMesh::addDot(QPointF c, float r, Rgba color) {
    const float h = std::max(r, 0.75f);
    const int first = vertexCount();
    addRect(QRectF(c.x() - h, c.y() - h, 2 * h, 2 * h), color);
    return first;
}

void ColoredMesh::addHairline(QPointF a, QPointF b, Rgba color) {
    const QPointF n = normalOf(unit(b - a, QPointF(1, 0))) * 0.6;
    const quint32 v = push(float(a.x() - n.x()), float(a.y() - n.y()), color);
    push(float(b.x() - n.x()), float(b.y() - n.y()), color);
    push(float(b.x() + n.x()), float(b.y() + n.y()), color);
    push(float(a.x() + n.x()), float(a.y() + n.y()), color);
    quad(v, v + 1, v + 2, v + 3);
}

void ColoredMesh::recolour(int firstVertex, int count, Rgba color) {
    const int end = std::min(firstVertex + count, vertexCount());
    for (int i = firstVertex; i < end; ++i) {
        Vertex &v = vertices_[size_t(i)];
        v.r = color.r;
        v.g = color.g;
        v.b = color.b;
        v.a = color.a;
    }
}

void ColoredMesh::addRing(QPointF c, float rInner, float rOuter, Rgba color, int segments) {
    if (rOuter - rInner < 1.0f) {
        // Thinner than the feather: keep one pixel and fade it instead.
        const float cover = std::max(rOuter - rInner, 0.0f);
        color = Rgba{uchar(color.r * cover), uchar(color.g * cover), uchar(color.b * cover), uchar(color.a * cover)};
        const float mid = (rInner + rOuter) / 2.0f;
        rInner = mid - 0.5f;
        rOuter = mid + 0.5f;
    }
    const float radii[4] = {std::max(rInner - 0.5f, 0.0f), rInner + 0.5f, rOuter - 0.5f, rOuter + 0.5f};
    const Rgba colours[4] = {Rgba{}, color, color, Rgba{}};
    const quint32 base = quint32(vertices_.size());
    for (int ring = 0; ring < 4; ++ring)
        for (int k = 0; k < segments; ++k) {
            const float t = 2.0f * kPi * float(k) / float(segments);
            push(float(c.x()) + radii[ring] * std::cos(t), float(c.y()) + radii[ring] * std::sin(t), colours[ring]);
        }
    const quint32 n = quint32(segments);
    for (quint32 ring = 0; ring < 3; ++ring)
        for (quint32 k = 0; k < n; ++k) {
            const quint32 next = (k + 1) % n;
            const quint32 a = base + ring * n;
            quad(a + k, a + n + k, a + n + next, a + next);
        }
}

void ColoredMesh::addLine(QPointF a, QPointF b, float width, Rgba color) {
    const QPointF points[2] = {a, b};
    addPolyline(points, 2, width, color);
}

void ColoredMesh::addPolyline(const QPointF *points, int count, float width, Rgba color) {
    if (count < 2) return;
    // Lines thinner than a pixel are drawn one pixel wide with less alpha,
    // which reads as thinner without shimmering.
    const float cover = std::clamp(width, 0.0f, 1.0f);
    if (cover < 1.0f)
        color = Rgba{uchar(color.r * cover), uchar(color.g * cover), uchar(color.b * cover), uchar(color.a * cover)};
    const float half = std::max(width, 1.0f) / 2.0f;
    const float core = std::max(half - 0.5f, 0.0f);
    const float outer = half + 0.5f;
    const quint32 base = quint32(vertices_.size());
    QPointF dirIn = unit(points[1] - points[0], QPointF(1, 0));
    for (int i = 0; i < count; ++i) {
        const QPointF dirOut = i + 1 < count ? unit(points[i + 1] - points[i], dirIn) : dirIn;
        const QPointF nIn = normalOf(dirIn), nOut = normalOf(dirOut);
        QPointF miter = unit(nIn + nOut, nOut);
        // Scale so the band keeps its width around a bend; cap it at sharp
        // spikes where a true mitre would shoot off.
        const double cosHalf = QPointF::dotProduct(miter, nOut);
        const float scale = float(1.0 / std::max(cosHalf, 0.35));
        const QPointF p = points[i];
        const QPointF o = miter * (outer * scale), k = miter * (core * scale);
        push(float(p.x() - o.x()), float(p.y() - o.y()), Rgba{});
        push(float(p.x() - k.x()), float(p.y() - k.y()), color);
        push(float(p.x() + k.x()), float(p.y() + k.y()), color);
        push(float(p.x() + o.x()), float(p.y() + o.y()), Rgba{});
        dirIn = dirOut;
    }
    for (int i = 0; i + 1 < count; ++i) {
        const quint32 a = base + quint32(i) * 4, b = a + 4;
        for (quint32 s = 0; s < 3; ++s) quad(a + s, b + s, b + s + 1, a + s + 1);
    }
}

void ColoredMesh::addRect(const QRectF &r, Rgba color) {
    const quint32 a = push(float(r.left()), float(r.top()), color);
    push(float(r.right()), float(r.top()), color);
    push(float(r.right()), float(r.bottom()), color);
    push(float(r.left()), float(r.bottom()), color);
    quad(a, a + 1, a + 2, a + 3);
}

void ColoredMesh::addAreaBelow(const QPointF *points, int count, float baseline, Rgba color) {
    if (count < 2) return;
    const quint32 base = quint32(vertices_.size());
    for (int i = 0; i < count; ++i) {
        push(float(points[i].x()), float(points[i].y()), color);
        push(float(points[i].x()), baseline, color);
    }
    for (int i = 0; i + 1 < count; ++i) {
        const quint32 a = base + quint32(i) * 2;
        quad(a, a + 2, a + 3, a + 1);
    }
}

}  // namespace dn
