#pragma once
// Connected peers (Peers page): id, address, direction, RTT, protocols, mesh
// topics, traffic, gossip score (with why it is negative) or why it was dropped. Sorted for display by a FilterSortModel on top.
#include "ListModelBase.h"
#include "RowSync.h"
#include "client/NodeSnapshot.h"

namespace dn {

class PeersModel : public ListModelBase {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Monitor")
public:
    enum Role {
        PeerIdRole = Qt::UserRole + 1, AddressRole, DirectionRole, RttRole, ProtocolsRole, TopicsRole,
        BytesInRole, BytesOutRole, ScoreRole, ScoreTextRole, GraylistedRole
    };
    explicit PeersModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : rows_.size(); }
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setPeers(const QVector<PeerView> &peers);

private:
    RowSync<PeerView> rows_{this};
};

}  // namespace dn
