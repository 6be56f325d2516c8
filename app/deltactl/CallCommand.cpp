// call CTX METHOD [JSON_ARGS]: one JSON-RPC `execute`.
#include "Commands.h"
#include "Output.h"
#include "Session.h"
#include "Validate.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace dn::ctl {

int cmdCall(Session &s, const QStringList &args) {
    if (auto bad = checkId(QStringLiteral("context id"), args[0])) return s.usage(*bad);
    if (args[1].isEmpty()) return s.usage(QStringLiteral("the method name is empty"));
    const QByteArray argText = args.size() > 2 ? args[2].toUtf8() : QByteArrayLiteral("{}");
    const JsonParse parsed = parseJsonText(argText);
    if (!parsed.value) return s.usage(QStringLiteral("the arguments are not JSON: ") + parsed.error);
    // Objects and arrays travel as JSON; a scalar as its JSON text (the
    // API's "string holding JSON" form), so that "\"x\"" stays a JSON string.
    const QJsonValue argsJson = parsed.value->isObject() || parsed.value->isArray() ? *parsed.value : QJsonValue(QString::fromUtf8(argText));

    const QJsonObject request{
        {QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
        {QStringLiteral("id"), 1},
        {QStringLiteral("method"), QStringLiteral("execute")},
        {QStringLiteral("params"), QJsonObject{{QStringLiteral("contextId"), args[0]},
                                               {QStringLiteral("method"), args[1]},
                                               {QStringLiteral("argsJson"), argsJson}}},
    };
    const HttpReply r = s.http().postJson(QStringLiteral("/jsonrpc"), request);
    if (!r.reached() || !r.localError.isEmpty()) return s.fail(r);
    const auto o = r.object();
    if (!o) return r.ok() ? s.failed(QStringLiteral("the node's answer is not JSON")) : s.fail(r);

    const QJsonValue error = o->value(QLatin1String("error"));
    if (error.isObject()) {
        // JSON-RPC errors: the engine's own code (trap, timeout, …) is in data.code.
        const QJsonObject e = error.toObject();
        const QJsonValue data = e.value(QLatin1String("data"));
        const QString detail = data.isObject() ? data.toObject().value(QLatin1String("code")).toString() : QString();
        printErr(QStringLiteral("deltactl: %1 (JSON-RPC %2%3)")
                     .arg(e.value(QLatin1String("message")).toString())
                     .arg(e.value(QLatin1String("code")).toInt())
                     .arg(detail.isEmpty() ? QString() : QStringLiteral(", ") + detail));
        if (s.json()) printOut(jsonText(QJsonObject{{QStringLiteral("error"), e}}));
        return kRefused;
    }
    if (!r.ok()) return s.fail(r);
    const QJsonObject result = o->value(QLatin1String("result")).toObject();
    if (s.json()) {
        printOut(jsonText(result));
        return kOk;
    }
    for (const QJsonValue &log : result.value(QLatin1String("logs")).toArray())
        printErr(QStringLiteral("log: ") + (log.isString() ? log.toString() : jsonText(log)));
    printOut(jsonText(result.value(QLatin1String("output")), true));
    return kOk;
}

}  // namespace dn::ctl
