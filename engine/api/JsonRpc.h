#pragma once
// JSON-RPC 2.0 (docs/API.md): `execute` → Engine::execute, asynchronously.
// The engine answers on its own threads; the answer is brought back to the
// node thread through the inbox before anything touches a socket. Shared by
// POST /jsonrpc and the WebSocket `execute` method.
#include "api/NodeInbox.h"
#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <functional>
#include <memory>
#include <variant>

namespace dn {

class NodeServices;

class JsonRpc {
public:
    struct Failure {
        int code = 0;
        QString message;
        QString engineCode;  // error.data.code, when the engine refused
    };
    using Outcome = std::variant<QJsonObject, Failure>;
    // `response` is an object, an array (batch) or undefined (only notifications: nothing to send).
    using Respond = std::function<void(const QJsonValue &response)>;

    JsonRpc(NodeServices &node, std::shared_ptr<NodeInbox> inbox) : node_(node), inbox_(std::move(inbox)) {}

    // A whole POST /jsonrpc body.
    void handleBody(const QByteArray &body, Respond respond);
    // `execute` params {contextId, method, argsJson}; `done` runs on the node thread.
    void execute(const QJsonObject &params, std::function<void(Outcome)> done);

    // {"code","message"[,"data":{"code"}]}
    static QJsonObject errorObject(const Failure &f);
    static QJsonObject response(const QJsonValue &id, const Outcome &outcome);

private:
    // Answers one request object; an empty object means "notification, no answer".
    void handleOne(const QJsonValue &request, std::function<void(QJsonObject)> respond);

    NodeServices &node_;
    std::shared_ptr<NodeInbox> inbox_;
};

}  // namespace dn
