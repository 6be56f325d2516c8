#include "Session.h"

#include "Output.h"

namespace dn::ctl {

int Session::usage(const QString &message) const {
    printErr(QStringLiteral("deltactl: ") + message);
    return kUsage;
}

int Session::fail(const HttpReply &reply) const {
    if (!reply.localError.isEmpty()) return failed(reply.localError);
    if (!reply.reached()) {
        printErr(QStringLiteral("deltactl: ") + reply.transportError);
        return kUnreachable;
    }
    const QString code = reply.errorCode();
    printErr(QStringLiteral("deltactl: %1 (HTTP %2%3)")
                 .arg(reply.errorMessage())
                 .arg(reply.status)
                 .arg(code.isEmpty() ? QString() : QStringLiteral(", ") + code));
    if (json_ && reply.object()) writeOut(reply.body.trimmed() + '\n');
    return kRefused;
}

int Session::failed(const QString &message) const {
    printErr(QStringLiteral("deltactl: ") + message);
    return kRefused;
}

std::optional<QJsonObject> Session::object(const HttpReply &reply, int *rc) const {
    if (!reply.ok()) {
        *rc = fail(reply);
        return std::nullopt;
    }
    auto o = reply.object();
    if (!o) {
        *rc = failed(QStringLiteral("the node answered HTTP %1 with a body that is not a JSON object").arg(reply.status));
        return std::nullopt;
    }
    *rc = kOk;
    return o;
}

bool Session::printRawJson(const HttpReply &reply) const {
    if (!json_) return false;
    writeOut(reply.body.trimmed() + '\n');
    return true;
}

}  // namespace dn::ctl
