#pragma once
// The WebSocket side of the API (GET /ws, docs/API.md): subscribe /
// unsubscribe / execute requests, and StateMutation pushes for subscribed
// contexts from NodeServices::stateMutated. Each push is serialized once and
// queued to every subscriber; a client whose unsent data passes the backlog
// limit (8 MiB) is dropped and counted, so a client that stops reading never
// makes the node's memory grow. Lives on the node thread.
#include "codec/Delta.h"
#include "crypto/Hash32.h"
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <memory>
#include <unordered_map>
#include <vector>

class QWebSocket;

namespace dn {

class JsonRpc;
class NodeServices;

class WsHub : public QObject {
    Q_OBJECT
public:
    WsHub(NodeServices &node, JsonRpc &rpc, QObject *parent = nullptr);
    ~WsHub() override;

    void accept(std::unique_ptr<QWebSocket> socket);
    int clientCount() const { return int(clients_.size()); }
    quint64 droppedCount() const { return dropped_; }
    quint64 pushedCount() const { return pushed_; }
    void setMaxBacklog(qint64 bytes) { maxBacklog_ = bytes; }

private:
    struct Client {
        QSet<Hash32> subscriptions;
    };
    void onMessage(QWebSocket *ws, const QString &text);
    void subscribe(QWebSocket *ws, const QJsonValue &id, const QJsonObject &params, bool on);
    void onStateMutated(const Hash32 &contextId, const Hash32 &deltaId, const Hash32 &newRoot,
                        const std::vector<Event> &events);
    // Queues `text`; false if that pushed the client over the backlog limit (it is dropped then).
    bool send(QWebSocket *ws, const QString &text);
    void reply(QWebSocket *ws, const QJsonValue &id, const QJsonObject &resultOrError, bool isError);
    void drop(QWebSocket *ws);
    void forget(QWebSocket *ws);

    NodeServices &node_;
    JsonRpc &rpc_;
    std::unordered_map<QWebSocket *, Client> clients_;
    QHash<Hash32, QSet<QWebSocket *>> subscribers_;
    qint64 maxBacklog_;
    quint64 dropped_ = 0;
    quint64 pushed_ = 0;
};

}  // namespace dn
