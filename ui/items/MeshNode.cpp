#include "MeshNode.h"
#include <QSGVertexColorMaterial>
#include <cstring>

namespace dn {

MeshNode::MeshNode() {
    // 32-bit indices: a zoomed-out DAG easily needs more than 65 535 vertices
    // and splitting it into several nodes would cost extra draw calls.
    auto *geometry = new QSGGeometry(QSGGeometry::defaultAttributes_ColoredPoint2D(), 0, 0,
                                     QSGGeometry::UnsignedIntType);
    geometry->setDrawingMode(QSGGeometry::DrawTriangles);
    geometry->setVertexDataPattern(QSGGeometry::DynamicPattern);
    geometry->setIndexDataPattern(QSGGeometry::DynamicPattern);
    setGeometry(geometry);
    setFlag(QSGNode::OwnsGeometry);
    setMaterial(new QSGVertexColorMaterial);
    setFlag(QSGNode::OwnsMaterial);
}

void MeshNode::upload(const ColoredMesh &mesh) {
    QSGGeometry *g = geometry();
    g->allocate(mesh.vertexCount(), mesh.indexCount());
    if (mesh.vertexCount() > 0)
        std::memcpy(g->vertexData(), mesh.vertexData(), size_t(mesh.vertexCount()) * sizeof(ColoredMesh::Vertex));
    if (mesh.indexCount() > 0)
        std::memcpy(g->indexData(), mesh.indexData(), size_t(mesh.indexCount()) * sizeof(quint32));
    markDirty(QSGNode::DirtyGeometry);
}

}  // namespace dn
