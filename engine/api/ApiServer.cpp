#include "api/ApiServer.h"
#include "api/AdminRoutes.h"
#include "api/MemberRoutes.h"
#include "api/ApiAuth.h"
#include "api/ApiJson.h"
#include "api/ApiListener.h"
#include "api/ApiLog.h"
#include "api/BlobRoutes.h"
#include "api/JsonRpc.h"
#include "api/NodeInbox.h"
#include "api/NodeServices.h"
#include "api/Offload.h"
#include "api/Router.h"
#include "api/UploadSessions.h"
#include "api/WsHub.h"
#include "metrics/MetricsRegistry.h"
#include <QJsonArray>
#include <QJsonDocument>
#include <QWebSocket>
#include <QtHttpServer/QHttpServer>
#include <QtHttpServer/QHttpServerRouterRule>

Q_LOGGING_CATEGORY(lcApi, "dn.api")

namespace dn {
namespace {

bool isWebSocketUpgrade(const QHttpServerRequest &r) {
    return r.value("upgrade").compare("websocket", Qt::CaseInsensitive) == 0 &&
           r.value("connection").toLower().contains("upgrade");
}

// GET /ws upgrades with a valid token. Matching here (rather than answering
// from a handler) matters: QHttpServer 6.4 hands a socket to QtWebSockets
// whenever a rule matched its upgrade request, so a bad token must not match;
// it then reaches the missing handler, which answers 401 and closes.
class WebSocketRule : public QHttpServerRouterRule {
public:
    WebSocketRule(const QString &path, const ApiAuth *auth, RouterHandler handler)
        : QHttpServerRouterRule(path, std::move(handler)), auth_(auth) {}

protected:
    bool matches(const QHttpServerRequest &r, QRegularExpressionMatch *) const override {
        return r.url().path() == QLatin1String("/ws") && isWebSocketUpgrade(r) &&
               auth_->allows(r.value("authorization"), QUrlQuery(r.url()).queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded));
    }

private:
    const ApiAuth *auth_;
};

// Every ordinary request (never an upgrade: see above).
class AnyRequestRule : public QHttpServerRouterRule {
public:
    AnyRequestRule(const QString &path, RouterHandler handler) : QHttpServerRouterRule(path, std::move(handler)) {}

protected:
    bool matches(const QHttpServerRequest &r, QRegularExpressionMatch *) const override {
        return !r.value("upgrade").size();
    }
};

}  // namespace

// What the registry's samples read: the stats of the running server, taken
// once per scrape, or the last ones once it is gone. Node thread only, like
// the server (the node renders its metrics there).
struct ApiServer::MetricsSource {
    const ApiServer *server = nullptr;
    ApiStats last;
};

ApiServer::ApiServer(NodeServices &node, ApiServerOptions options, QObject *parent)
    : QObject(parent),
      node_(node),
      options_(std::move(options)),
      auth_(std::make_unique<ApiAuth>([&node] { return node.apiToken(); })),
      inbox_(std::make_shared<NodeInbox>(this)),
      offload_(std::make_unique<Offload>(inbox_, 2)),
      rpc_(std::make_unique<JsonRpc>(node, inbox_)),
      uploads_(std::make_unique<UploadSessions>()),
      router_(std::make_unique<Router>()),
      admin_(std::make_unique<AdminRoutes>(node, *offload_)),
      members_(std::make_unique<MemberRoutes>(node, *offload_)),
      blobs_(std::make_unique<BlobRoutes>(node, *offload_, *uploads_)),
      hub_(std::make_unique<WsHub>(node, *rpc_)),
      http_(std::make_unique<QHttpServer>()) {
    installRoutes();
    http_->route<WebSocketRule>(QStringLiteral("/ws"), static_cast<const ApiAuth *>(auth_.get()),
                                [](const QHttpServerRequest &, QHttpServerResponder &&) {
                                    // Nothing to write: QHttpServer now hands the socket to QtWebSockets.
                                });
    http_->route<AnyRequestRule>(QStringLiteral("/"), [this](const QHttpServerRequest &r, QHttpServerResponder &&resp) {
        dispatch(r, std::move(resp));
    });
    // Upgrade requests no rule took (bad token, wrong path); QHttpServer closes them after this.
    http_->setMissingHandler([this](const QHttpServerRequest &r, QHttpServerResponder &&resp) {
        dispatch(r, std::move(resp));
    });
    connect(http_.get(), &QHttpServer::newWebSocketConnection, this, [this] {
        while (http_->hasPendingWebSocketConnections()) hub_->accept(http_->nextPendingWebSocketConnection());
    });
    registerMetrics();
}

ApiServer::~ApiServer() {
    // The registry keeps rendering the API families after the server is gone
    // (the node stops serving before it is destroyed): counters keep their
    // last values, gauges drop to zero.
    metricsSource_->last = stats();
    metricsSource_->last.webSocketClients = 0;
    metricsSource_->last.uploads = 0;
    metricsSource_->server = nullptr;
    // Results still on their way are dropped from here on; running jobs finish first.
    inbox_->close();
    offload_->waitForDone();
    hub_.reset();
    http_.reset();  // closes every connection (and any download in progress)
}

void ApiServer::installRoutes() {
    using M = Router::Method;
    router_->add(M::Post, QStringLiteral("/jsonrpc"), [this](const HttpRequest &req, const HttpReplyPtr &reply) {
        rpc_->handleBody(req.body, [reply](const QJsonValue &r) {
            if (r.isUndefined()) return reply->send(HttpResponse{204, {}, {}, {}});
            const QByteArray body = r.isArray() ? QJsonDocument(r.toArray()).toJson(QJsonDocument::Compact)
                                                : apijson::compact(r.toObject());
            reply->send(HttpResponse{200, "application/json", body, {}});
        });
    });
    router_->add(M::Get, QStringLiteral("/metrics"), [this](const HttpRequest &, const HttpReplyPtr &reply) {
        reply->send(HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8", node_.metrics().render(), {}});
    });
    router_->add(M::Get, QStringLiteral("/ws"), [](const HttpRequest &, const HttpReplyPtr &reply) {
        reply->error(ErrorCode::UpgradeRequired, QStringLiteral("/ws speaks WebSocket only"));
    });
    admin_->install(*router_);
    members_->install(*router_);
    blobs_->install(*router_);
}

void ApiServer::dispatch(const QHttpServerRequest &request, QHttpServerResponder &&responder) {
    ++requests_;
    auto reply = std::make_shared<HttpReply>(HttpConnection::of(responder.socket()), std::move(responder));
    HttpRequest req = HttpRequest::from(request);
    for (const QString &s : req.segments)
        if (s == QLatin1String(".") || s == QLatin1String("..") || s.contains(QLatin1Char('\\')) || s.contains(QChar(0)))
            return reply->error(ErrorCode::BadPath, QStringLiteral("the path must not contain \".\", \"..\", backslashes or NUL"));
    const QString normalized = QLatin1Char('/') + req.segments.join(QLatin1Char('/'));
    // The gate checked the token before the body was read; this is the same
    // check on the normalized path, so no spelling of a path slips past it.
    if (!HttpGate::isOpenPath(normalized.toUtf8(), options_.metricsPublic) && !auth_->allows(req.header("authorization"))) {
        HttpResponse r{401, "application/json",
                       apijson::compact(apijson::errorBody(ErrorCode::Unauthorized,
                                                           QStringLiteral("a valid API token is required (Authorization: Bearer <token>)"))),
                       {{"WWW-Authenticate", "Bearer"}}};
        return reply->send(std::move(r));
    }
    router_->dispatch(req, reply);
}

Result<quint16> ApiServer::listen(const QHostAddress &host, quint16 port) {
    if (listener_) return Error{ErrorCode::AlreadyListening, QStringLiteral("the API server is already listening on %1").arg(url_.toString())};
    HttpGatePolicy policy;
    policy.allowedHosts = options_.allowedHosts;
    policy.allowedOrigins = options_.allowedOrigins;
    policy.metricsPublic = options_.metricsPublic;
    policy.maxHeadBytes = api::kMaxHeaderBytes;
    policy.maxRequestBytes = api::kMaxRequestBytes;
    policy.authorized = [auth = auth_.get()](const QByteArray &authorization, const QString &queryToken) {
        return auth->allows(authorization, queryToken);
    };
    auto *listener = new ApiListener(std::move(policy), options_.limits, http_.get());
    if (!listener->listen(host, port)) {
        const QString why = listener->errorString();
        delete listener;
        return Error{ErrorCode::ListenFailed, QStringLiteral("cannot listen on %1 port %2: %3").arg(host.toString()).arg(port).arg(why)};
    }
    http_->bind(listener);
    listener->boundTo(http_.get());
    listener_ = listener;
    QHostAddress shown = host;
    if (host == QHostAddress::Any || host == QHostAddress::AnyIPv4) shown = QHostAddress(QHostAddress::LocalHost);
    if (host == QHostAddress::AnyIPv6) shown = QHostAddress(QHostAddress::LocalHostIPv6);
    url_ = QUrl();
    url_.setScheme(QStringLiteral("http"));
    url_.setHost(shown.toString());
    url_.setPort(listener->serverPort());
    qCInfo(lcApi) << "API listening on" << url_.toString();
    return listener->serverPort();
}

QUrl ApiServer::url() const { return url_; }

ApiStats ApiServer::stats() const {
    ApiStats s;
    s.requests = requests_;
    if (listener_) {
        s.connections = listener_->stats();
        s.refused = s.connections.refused;
    }
    s.webSocketClients = hub_->clientCount();
    s.webSocketDropped = hub_->droppedCount();
    s.webSocketPushed = hub_->pushedCount();
    s.uploads = uploads_->count();
    s.uploadsExpired = uploads_->expiredCount();
    return s;
}

void ApiServer::registerMetrics() {
    using T = MetricsRegistry::Type;
    metricsSource_ = std::make_shared<MetricsSource>();
    metricsSource_->server = this;
    MetricsRegistry &m = node_.metrics();
    m.beforeRender([src = metricsSource_] {
        if (src->server) src->last = src->server->stats();
    });
    auto family = [&m, src = metricsSource_](const QByteArray &name, T type, const QByteArray &help, auto field) {
        m.family(name, type, help);
        m.value(name, {}, [src, field] { return double(field(src->last)); });
    };
    family("deltanode_api_http_requests_total", T::Counter, "HTTP requests routed by the API server.",
           [](const ApiStats &s) { return s.requests; });
    m.family("deltanode_api_http_refused_total", T::Counter,
             "HTTP requests refused by the gate before their body was read, by error code.");
    for (ErrorCode code : ApiListener::refusalCodes()) {
        const QByteArray wire(errorInfo(code).wire);
        m.value("deltanode_api_http_refused_total", {{"code", QString::fromLatin1(wire)}}, [src = metricsSource_, wire] {
            const auto &by = src->last.connections.refusedBy;
            const auto it = by.find(wire);
            return it == by.end() ? 0.0 : double(it->second);
        });
    }
    family("deltanode_api_http_connections", T::Gauge, "HTTP connections open (WebSockets not included).",
           [](const ApiStats &s) { return s.connections.open; });
    family("deltanode_api_http_connections_shed_total", T::Counter,
           "API connections closed at accept because the process was out of file descriptors.",
           [](const ApiStats &s) { return s.connections.shed; });
    family("deltanode_api_http_idle_closed_total", T::Counter,
           "Keep-alive API connections closed for idling (timeout, or to make room at the connection cap).",
           [](const ApiStats &s) { return s.connections.idleClosed; });
    family("deltanode_api_http_cut_off_total", T::Counter,
           "API connections aborted for leaving more answer bytes unread than the cap.",
           [](const ApiStats &s) { return s.connections.cutOff; });
    family("deltanode_api_websocket_clients", T::Gauge, "WebSocket clients connected.",
           [](const ApiStats &s) { return s.webSocketClients; });
    family("deltanode_api_websocket_dropped_total", T::Counter,
           "WebSocket clients dropped for leaving more than the backlog limit unsent.",
           [](const ApiStats &s) { return s.webSocketDropped; });
    family("deltanode_api_websocket_pushed_total", T::Counter, "StateMutation frames queued to WebSocket clients.",
           [](const ApiStats &s) { return s.webSocketPushed; });
    family("deltanode_api_blob_uploads", T::Gauge, "Chunked blob upload sessions in progress.",
           [](const ApiStats &s) { return s.uploads; });
    family("deltanode_api_blob_uploads_expired_total", T::Counter, "Upload sessions dropped after being idle too long.",
           [](const ApiStats &s) { return s.uploadsExpired; });
}

void ApiServer::setUploadIdleTimeout(qint64 ms) { uploads_->setIdleTimeout(ms); }
void ApiServer::setWebSocketBacklogLimit(qint64 bytes) { hub_->setMaxBacklog(bytes); }

}  // namespace dn
