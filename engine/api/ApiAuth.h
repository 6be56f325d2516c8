#pragma once
// Bearer-token check of the client API. The node's token is compared in
// constant time (both sides hashed first, so not even the length leaks).
#include <QByteArray>
#include <QString>
#include <functional>

namespace dn {

class ApiAuth {
public:
    using TokenFn = std::function<QString()>;
    explicit ApiAuth(TokenFn token) : token_(std::move(token)) {}

    // `authorization` is the Authorization header ("Bearer <token>"); `queryToken`
    // the ?token= of a WebSocket upgrade (browsers cannot set headers there).
    // An empty node token never authenticates anyone.
    bool allows(const QByteArray &authorization, const QString &queryToken = {}) const;
    // Which routes need no token: HttpGate::isOpenPath.
    static bool tokensEqual(const QByteArray &a, const QByteArray &b);

private:
    TokenFn token_;
};

}  // namespace dn
