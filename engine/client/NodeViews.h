#pragma once
// Conversions from engine values to the plain views of NodeSnapshot.h
// (what NodeClient hands the GUI) and to the JSON of request replies.
#include "context/EngineTypes.h"
#include "client/NodeSnapshot.h"
#include <unordered_set>

namespace dn::views {

// Bytes as text for a person: UTF-8 when it is, else base64 marked as such.
QString displayBytes(const QByteArray &bytes, int maxChars = 4096);
QString describeAction(const Action &a);
QString describeEvent(const Event &e);
DagDeltaView dagDelta(const DeltaSummary &d, const std::unordered_set<Hash32> &heads);
StateEntryView stateEntry(const StateItem &item);
QJsonObject contextJson(const ContextInfo &c);
QJsonObject appJson(const AppRecord &a);
QJsonObject executeJson(const ExecuteResult &r);

}  // namespace dn::views
