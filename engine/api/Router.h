#pragma once
// Method + path routing of the REST API. Patterns are literal segments and
// {placeholders} (one whole segment each). When several patterns fit a path,
// the one with the most literal segments wins, so "contexts/join" is never
// taken for an id; a path that fits but not with this method is a 405.
#include "api/HttpReply.h"
#include "api/HttpRequest.h"
#include <QStringList>
#include <functional>
#include <vector>

namespace dn {

class Router {
public:
    using Method = QHttpServerRequest::Method;
    using Handler = std::function<void(const HttpRequest &, const HttpReplyPtr &)>;

    void add(Method method, const QString &pattern, Handler handler);
    // Routes `request` (filling request.params), or answers 404/405 itself.
    void dispatch(HttpRequest &request, const HttpReplyPtr &reply) const;

    static QByteArray methodName(Method m);

private:
    struct Route {
        Method method;
        QStringList segments;
        int literals = 0;
        Handler handler;
    };
    static bool fits(const Route &r, const QStringList &segments);
    std::vector<Route> routes_;
};

}  // namespace dn
