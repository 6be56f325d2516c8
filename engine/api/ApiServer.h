#pragma once
// The client API of a node (ARCHITECTURE §12, docs/API.md) on one QHttpServer:
// POST /jsonrpc, /admin-api/…, GET /ws (WebSocket), GET /metrics, /health.
// Lives on the node thread and never blocks it: engine calls are asynchronous
// or run on a small offload pool, and their results come back as queued calls.
//
// QHttpServer's own router is used only for two rules: WebSocket upgrades of
// /ws with a valid token (handed to QtWebSockets), and everything else, which
// goes to our Router — that is where auth, 404/405 and the answer order of
// pipelined requests are handled, which the 6.4 router cannot express.
#include "api/ApiListener.h"
#include "util/Result.h"
#include <QHostAddress>
#include <QObject>
#include <QUrl>
#include <memory>

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponder;

namespace dn {

class AdminRoutes;
class MemberRoutes;
class ApiAuth;
class ApiListener;
class BlobRoutes;
class JsonRpc;
class NodeInbox;
class NodeServices;
class Offload;
class Router;
class UploadSessions;
class WsHub;

// What a node's config says about its API ([api] in deltanode.toml).
struct ApiServerOptions {
    QList<QByteArray> allowedHosts;    // besides IP literals and localhost
    QList<QByteArray> allowedOrigins;  // browser origins allowed to call
    bool metricsPublic = false;        // GET /metrics without the token
    ApiListenerLimits limits;
};

struct ApiStats {
    quint64 requests = 0;         // HTTP requests routed
    quint64 refused = 0;          // refused by the gate before parsing (framing, host, origin, token, size, time)
    ApiListenerStats connections;
    int webSocketClients = 0;
    quint64 webSocketDropped = 0; // slow consumers cut off
    quint64 webSocketPushed = 0;  // StateMutation frames queued
    size_t uploads = 0;           // upload sessions open
    quint64 uploadsExpired = 0;
};

class ApiServer : public QObject {
    Q_OBJECT
public:
    explicit ApiServer(NodeServices &node, ApiServerOptions options = {}, QObject *parent = nullptr);
    ~ApiServer() override;

    // Port 0 picks a free port; returns the bound port.
    Result<quint16> listen(const QHostAddress &host, quint16 port);
    QUrl url() const;  // http://host:port, empty before listen()

    // Also in the node's metrics as the deltanode_api_* families, which the
    // constructor registers (one ApiServer per node: a second one would
    // register them twice).
    ApiStats stats() const;

    // Tuning, mostly for tests: idle time before an upload session is dropped
    // (default 10 min) and the unsent-bytes limit of a WebSocket client (8 MiB).
    void setUploadIdleTimeout(qint64 ms);
    void setWebSocketBacklogLimit(qint64 bytes);

private:
    struct MetricsSource;
    void dispatch(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void installRoutes();
    void registerMetrics();

    NodeServices &node_;
    ApiServerOptions options_;
    std::unique_ptr<ApiAuth> auth_;
    std::shared_ptr<NodeInbox> inbox_;
    std::unique_ptr<Offload> offload_;
    std::unique_ptr<JsonRpc> rpc_;
    std::unique_ptr<UploadSessions> uploads_;
    std::unique_ptr<Router> router_;
    std::unique_ptr<AdminRoutes> admin_;
    std::unique_ptr<MemberRoutes> members_;
    std::unique_ptr<BlobRoutes> blobs_;
    std::unique_ptr<WsHub> hub_;
    std::unique_ptr<QHttpServer> http_;
    ApiListener *listener_ = nullptr;  // owned by http_
    QUrl url_;
    quint64 requests_ = 0;
    // Read by the registry's samples, which outlive this server.
    std::shared_ptr<MetricsSource> metricsSource_;
};

}  // namespace dn
