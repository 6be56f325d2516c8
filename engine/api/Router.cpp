#include "api/Router.h"
#include "api/ApiJson.h"

namespace dn {

void Router::add(Method method, const QString &pattern, Handler handler) {
    Route r{method, pattern.split(QLatin1Char('/'), Qt::SkipEmptyParts), 0, std::move(handler)};
    for (const QString &s : r.segments)
        if (!s.startsWith(QLatin1Char('{'))) ++r.literals;
    routes_.push_back(std::move(r));
}

bool Router::fits(const Route &r, const QStringList &segments) {
    if (r.segments.size() != segments.size()) return false;
    for (qsizetype i = 0; i < segments.size(); ++i)
        if (!r.segments[i].startsWith(QLatin1Char('{')) && r.segments[i] != segments[i]) return false;
    return true;
}

QByteArray Router::methodName(Method m) {
    switch (m) {
    case Method::Get: return "GET";
    case Method::Put: return "PUT";
    case Method::Delete: return "DELETE";
    case Method::Post: return "POST";
    case Method::Head: return "HEAD";
    case Method::Options: return "OPTIONS";
    case Method::Patch: return "PATCH";
    default: return "UNKNOWN";
    }
}

void Router::dispatch(HttpRequest &request, const HttpReplyPtr &reply) const {
    int best = -1;
    for (const Route &r : routes_)
        if (r.literals > best && fits(r, request.segments)) best = r.literals;
    if (best < 0)
        return reply->error(ErrorCode::NotFound,
                            QStringLiteral("no such route: %1").arg(request.path));
    QByteArray allowed;
    for (const Route &r : routes_) {
        if (r.literals != best || !fits(r, request.segments)) continue;
        if (r.method == request.method) {
            request.params.clear();
            for (qsizetype i = 0; i < r.segments.size(); ++i)
                if (r.segments[i].startsWith(QLatin1Char('{'))) request.params << request.segments[i];
            return r.handler(request, reply);
        }
        if (!allowed.isEmpty()) allowed += ", ";
        allowed += methodName(r.method);
    }
    HttpResponse resp{405, "application/json",
                      apijson::compact(apijson::errorBody(
                          ErrorCode::MethodNotAllowed,
                          QStringLiteral("%1 is not allowed on %2 (allowed: %3)")
                              .arg(QString::fromLatin1(methodName(request.method)), request.path,
                                   QString::fromLatin1(allowed)))),
                      {{"Allow", allowed}}};
    reply->send(std::move(resp));
}

}  // namespace dn
