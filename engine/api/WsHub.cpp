#include "api/WsHub.h"
#include "api/ApiErrors.h"
#include "api/ApiJson.h"
#include "api/ApiLimits.h"
#include "api/ApiLog.h"
#include "api/JsonRpc.h"
#include "api/NodeServices.h"
#include "context/Engine.h"
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QPointer>
#include <QWebSocket>

namespace dn {
namespace {
QJsonObject errorObj(int code, const QString &message) {
    return {{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
}
}  // namespace

WsHub::WsHub(NodeServices &node, JsonRpc &rpc, QObject *parent)
    : QObject(parent), node_(node), rpc_(rpc), maxBacklog_(api::kMaxWebSocketBacklog) {
    connect(&node_, &NodeServices::stateMutated, this, &WsHub::onStateMutated);
}

WsHub::~WsHub() {
    for (auto &[ws, c] : clients_) {
        ws->disconnect(this);
        ws->abort();
        delete ws;
    }
}

void WsHub::accept(std::unique_ptr<QWebSocket> socket) {
    QWebSocket *ws = socket.release();
    ws->setParent(this);
    ws->setMaxAllowedIncomingMessageSize(quint64(api::kMaxWebSocketMessage));
    ws->setMaxAllowedIncomingFrameSize(quint64(api::kMaxWebSocketMessage));
    clients_[ws] = Client{};
    connect(ws, &QWebSocket::textMessageReceived, this, [this, ws](const QString &text) { onMessage(ws, text); });
    connect(ws, &QWebSocket::binaryMessageReceived, this, [this, ws](const QByteArray &) {
        reply(ws, QJsonValue::Null, errorObj(apierr::kInvalidRequest, QStringLiteral("send requests as text frames")), true);
    });
    connect(ws, &QWebSocket::disconnected, this, [this, ws] {
        forget(ws);
        ws->deleteLater();
    });
    qCDebug(lcApi) << "websocket client connected from" << ws->peerAddress().toString() << ws->peerPort();
}

void WsHub::forget(QWebSocket *ws) {
    auto it = clients_.find(ws);
    if (it == clients_.end()) return;
    for (const Hash32 &ctx : it->second.subscriptions) {
        auto s = subscribers_.find(ctx);
        if (s == subscribers_.end()) continue;
        s->remove(ws);
        if (s->isEmpty()) subscribers_.erase(s);
    }
    clients_.erase(it);
}

void WsHub::drop(QWebSocket *ws) {
    ++dropped_;
    qCWarning(lcApi) << "dropping websocket client" << ws->peerAddress().toString() << ws->peerPort() << "with"
                     << ws->bytesToWrite() << "bytes unsent (it stopped reading)";
    forget(ws);
    ws->disconnect(this);
    ws->abort();  // discards the unsent data at once
    ws->deleteLater();
}

bool WsHub::send(QWebSocket *ws, const QString &text) {
    ws->sendTextMessage(text);
    if (ws->bytesToWrite() <= maxBacklog_) return true;
    drop(ws);
    return false;
}

void WsHub::reply(QWebSocket *ws, const QJsonValue &id, const QJsonObject &resultOrError, bool isError) {
    const QJsonObject msg{{QStringLiteral("id"), id.isUndefined() ? QJsonValue(QJsonValue::Null) : id},
                          {isError ? QStringLiteral("error") : QStringLiteral("result"), resultOrError}};
    send(ws, QString::fromUtf8(QJsonDocument(msg).toJson(QJsonDocument::Compact)));
}

void WsHub::onMessage(QWebSocket *ws, const QString &text) {
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return reply(ws, QJsonValue::Null,
                     errorObj(apierr::kParseError, QStringLiteral("a request is a JSON object {id, method, params}")), true);
    const QJsonObject req = doc.object();
    const QJsonValue id = req.value(QStringLiteral("id"));
    const QString method = req.value(QStringLiteral("method")).toString();
    const QJsonObject params = req.value(QStringLiteral("params")).toObject();
    if (method == QLatin1String("subscribe") || method == QLatin1String("unsubscribe"))
        return subscribe(ws, id, params, method == QLatin1String("subscribe"));
    if (method != QLatin1String("execute"))
        return reply(ws, id, errorObj(apierr::kMethodNotFound,
                                      QStringLiteral("unknown method \"%1\" (subscribe, unsubscribe, execute)").arg(method)), true);
    QPointer<QWebSocket> target(ws);
    rpc_.execute(params, [this, target, id](JsonRpc::Outcome outcome) {
        if (!target || !clients_.count(target.data())) return;
        if (const auto *result = std::get_if<QJsonObject>(&outcome)) reply(target, id, *result, false);
        else reply(target, id, JsonRpc::errorObject(std::get<JsonRpc::Failure>(outcome)), true);
    });
}

void WsHub::subscribe(QWebSocket *ws, const QJsonValue &id, const QJsonObject &params, bool on) {
    const QJsonValue list = params.value(QStringLiteral("contextIds"));
    if (!list.isArray())
        return reply(ws, id, errorObj(apierr::kInvalidParams, QStringLiteral("params.contextIds must be an array of context ids")), true);
    std::vector<Hash32> ids;
    for (const QJsonValue &v : list.toArray()) {
        const auto ctx = apijson::parseId(v.toString());
        if (!ctx)
            return reply(ws, id, errorObj(apierr::kInvalidParams, QStringLiteral("\"%1\" is not a valid context id").arg(v.toString())), true);
        if (on && !node_.engine().context(*ctx))
            return reply(ws, id, errorObj(apierr::kUnknownContext, errors::contextNotFound(*ctx).message), true);
        ids.push_back(*ctx);
    }
    Client &c = clients_[ws];
    for (const Hash32 &ctx : ids) {
        if (on) {
            c.subscriptions.insert(ctx);
            subscribers_[ctx].insert(ws);
        } else {
            c.subscriptions.remove(ctx);
            auto s = subscribers_.find(ctx);
            if (s != subscribers_.end() && (s->remove(ws), s->isEmpty())) subscribers_.erase(s);
        }
    }
    QJsonArray now;
    for (const Hash32 &ctx : c.subscriptions) now.append(ctx.toBase58());
    reply(ws, id, {{QStringLiteral("subscriptions"), now}}, false);
}

void WsHub::onStateMutated(const Hash32 &contextId, const Hash32 &deltaId, const Hash32 &newRoot,
                           const std::vector<Event> &events) {
    QElapsedTimer timer;
    timer.start();
    const auto it = subscribers_.constFind(contextId);
    if (it == subscribers_.constEnd()) return;
    const QJsonObject msg{{QStringLiteral("result"),
                           QJsonObject{{QStringLiteral("contextId"), contextId.toBase58()},
                                       {QStringLiteral("type"), QStringLiteral("StateMutation")},
                                       {QStringLiteral("data"), QJsonObject{{QStringLiteral("newRoot"), newRoot.toBase58()},
                                                                            {QStringLiteral("deltaId"), deltaId.toBase58()},
                                                                            {QStringLiteral("events"), apijson::pushedEvents(events)}}}}}};
    const QString text = QString::fromUtf8(QJsonDocument(msg).toJson(QJsonDocument::Compact));
    const QSet<QWebSocket *> targets = *it;  // a drop edits the index
    for (QWebSocket *ws : targets) {
        if (!send(ws, text)) continue;
        ++pushed_;
        node_.recordWebsocketLatency(timer.nsecsElapsed() / 1000);
    }
}

}  // namespace dn
