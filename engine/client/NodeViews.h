#pragma once
// Conversions from engine values to the plain views of NodeSnapshot.h
// (what NodeClient hands the GUI) and to the maps of request replies
// (ClientReply::data, handed to QML as they are).
#include "api/NodeServices.h"
#include "context/EngineTypes.h"
#include "client/NodeSnapshot.h"
#include <QVariantMap>
#include <unordered_set>

namespace dn::views {

// Bytes as text for a person: UTF-8 when it is, else base64 marked as such.
QString displayBytes(const QByteArray &bytes, int maxChars = 4096);
QString describeAction(const Action &a);
QString describeEvent(const Event &e);
DagDeltaView dagDelta(const DeltaSummary &d, const std::unordered_set<Hash32> &heads);
StateEntryView stateEntry(const StateItem &item);
QVariantMap contextMap(const ContextInfo &c);
QVariantMap appMap(const AppRecord &a);
QVariantMap executeMap(const ExecuteResult &r);
PeerView peerView(const PeerInfo &p);

}  // namespace dn::views
