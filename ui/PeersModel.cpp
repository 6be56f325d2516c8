#include "PeersModel.h"

namespace dn {

PeersModel::PeersModel(QObject *parent) : ListModelBase(parent) {}

QVariant PeersModel::data(const QModelIndex &index, int role) const {
    if (!rows_.valid(index.row())) return {};
    const PeerView &p = rows_.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case PeerIdRole: return p.peerId;
    case AddressRole: return p.address;
    case DirectionRole: return p.direction;
    case RttRole: return p.rttMs;
    case ProtocolsRole: return p.protocols.join(QStringLiteral(", "));
    case TopicsRole: return p.topics.join(QStringLiteral(", "));
    case BytesInRole: return double(p.bytesIn);
    case BytesOutRole: return double(p.bytesOut);
    }
    return {};
}

QHash<int, QByteArray> PeersModel::roleNames() const {
    return {{PeerIdRole, "peerId"}, {AddressRole, "address"}, {DirectionRole, "direction"}, {RttRole, "rttMs"},
            {ProtocolsRole, "protocols"}, {TopicsRole, "topics"}, {BytesInRole, "bytesIn"},
            {BytesOutRole, "bytesOut"}};
}

void PeersModel::setPeers(const QVector<PeerView> &peers) {
    rows_.sync(peers, [](const PeerView &p) { return p.peerId; });
}

}  // namespace dn
