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
    case ScoreRole: return p.score;
    case GraylistedRole: return p.graylisted;
    case ScoreTextRole: {
        if (!p.lastDrop.isEmpty()) return tr("dropped: %1").arg(p.lastDrop);
        QString text = QString::number(p.score, 'f', p.score == qRound(p.score) ? 0 : 1);
        if (!p.scoreReason.isEmpty()) text += QStringLiteral(" · ") + p.scoreReason;
        if (p.graylisted) text += tr(" (graylisted)");
        return text;
    }
    }
    return {};
}

QHash<int, QByteArray> PeersModel::roleNames() const {
    return {{PeerIdRole, "peerId"}, {AddressRole, "address"}, {DirectionRole, "direction"}, {RttRole, "rttMs"},
            {ProtocolsRole, "protocols"}, {TopicsRole, "topics"}, {BytesInRole, "bytesIn"},
            {BytesOutRole, "bytesOut"}, {ScoreRole, "score"}, {ScoreTextRole, "scoreText"},
            {GraylistedRole, "graylisted"}};
}

void PeersModel::setPeers(const QVector<PeerView> &peers) {
    rows_.sync(peers, [](const PeerView &p) { return p.peerId; });
}

}  // namespace dn
