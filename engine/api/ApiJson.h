#pragma once
// JSON forms of the engine's values for the client API (docs/API.md): camelCase
// fields, base58 ids, times in milliseconds since the epoch.
#include "api/NodeServices.h"
#include "context/EngineTypes.h"
#include "crypto/Hash32.h"
#include "util/ErrorCode.h"
#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <optional>
#include <vector>

namespace dn::apijson {

QByteArray compact(const QJsonObject &o);
QJsonObject errorBody(ErrorCode code, const QString &message);

// A 32-byte id in base58, strictly: nothing else (no slashes, dots, spaces).
std::optional<Hash32> parseId(const QString &text);

// Any JSON text, scalars included (QJsonDocument alone only takes objects/arrays).
std::optional<QJsonValue> parseValue(const QByteArray &text);
// A JSON body that must be an object; an empty body is an empty object.
// nullopt with `error` set otherwise.
std::optional<QJsonObject> parseObjectBody(const QByteArray &body, QString *error);
// Call arguments as the app gets them: an object/array/scalar is serialized,
// a string must itself hold JSON text, absent means "{}". Enforces the 10 MiB
// bound. nullopt with `error` set on bad input.
std::optional<QByteArray> argsBytes(const QJsonValue &args, const QString &field, QString *error);
// App output or event data: the JSON value if it is JSON, else the text.
QJsonValue valueOrText(const QByteArray &bytes);
// Sets `field` to the UTF-8 text, or `field`Base64 when the bytes are not UTF-8.
void putBytes(QJsonObject &o, const QString &field, const QByteArray &bytes);

QJsonArray ids(const std::vector<Hash32> &hashes);
QJsonObject app(const AppRecord &a);
QJsonObject context(const ContextInfo &c);
QJsonArray events(const std::vector<Event> &events);
// Events as a StateMutation push carries them: {kind, data}, data as
// valueOrText gives it except that empty data is "" (not null).
QJsonArray pushedEvents(const std::vector<Event> &events);
QJsonObject executeResult(const ExecuteResult &r);
// One entry of GET /admin-api/peers (a blocked peer has fewer fields).
QJsonObject peer(const PeerInfo &p);
QJsonObject stateItem(const StateItem &item);

}  // namespace dn::apijson
