#pragma once
// MeshNode: a scene-graph geometry node that draws a ColoredMesh (indexed
// triangles, per-vertex premultiplied colour). Items keep one per layer and
// re-upload only the layers whose mesh changed.
#include "ColoredMesh.h"
#include <QSGGeometryNode>

namespace dn {

class MeshNode : public QSGGeometryNode {
public:
    MeshNode();
    // Copies the mesh into the node's geometry and marks it dirty.
    void upload(const ColoredMesh &mesh);
};

}  // namespace dn
