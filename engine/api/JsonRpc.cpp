#include "api/JsonRpc.h"
#include "api/ApiErrors.h"
#include "api/ApiJson.h"
#include "api/ApiLimits.h"
#include "api/NodeServices.h"
#include "context/Engine.h"
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace dn {
namespace {
const QString kJsonRpc = QStringLiteral("jsonrpc");
const QString kId = QStringLiteral("id");

JsonRpc::Failure fail(int code, QString message) { return {code, std::move(message), {}}; }
}  // namespace

QJsonObject JsonRpc::errorObject(const Failure &f) {
    QJsonObject e{{QStringLiteral("code"), f.code}, {QStringLiteral("message"), f.message}};
    if (!f.engineCode.isEmpty()) e.insert(QStringLiteral("data"), QJsonObject{{QStringLiteral("code"), f.engineCode}});
    return e;
}

QJsonObject JsonRpc::response(const QJsonValue &id, const Outcome &outcome) {
    QJsonObject r{{kJsonRpc, QStringLiteral("2.0")}, {kId, id.isUndefined() ? QJsonValue(QJsonValue::Null) : id}};
    if (const auto *result = std::get_if<QJsonObject>(&outcome))
        r.insert(QStringLiteral("result"), *result);
    else
        r.insert(QStringLiteral("error"), errorObject(std::get<Failure>(outcome)));
    return r;
}

void JsonRpc::handleBody(const QByteArray &body, Respond respond) {
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError) {
        return respond(response(QJsonValue::Null,
                                fail(apierr::kParseError, QStringLiteral("the body is not valid JSON: %1 at offset %2")
                                                              .arg(err.errorString()).arg(err.offset))));
    }
    if (doc.isObject()) {
        return handleOne(doc.object(), [respond](QJsonObject r) {
            respond(r.isEmpty() ? QJsonValue(QJsonValue::Undefined) : QJsonValue(r));
        });
    }
    const QJsonArray batch = doc.array();
    if (batch.isEmpty() || batch.size() > api::kMaxBatch)
        return respond(response(QJsonValue::Null,
                                fail(apierr::kInvalidRequest, QStringLiteral("a batch holds 1 to %1 requests")
                                                                  .arg(api::kMaxBatch))));
    // Answers are collected in request order; the batch is answered when the last one is in.
    struct Pending {
        std::vector<QJsonObject> answers;
        qsizetype left;
    };
    auto pending = std::make_shared<Pending>(Pending{std::vector<QJsonObject>(size_t(batch.size())), batch.size()});
    for (qsizetype i = 0; i < batch.size(); ++i) {
        handleOne(batch.at(i), [pending, i, respond](QJsonObject r) {
            pending->answers[size_t(i)] = std::move(r);
            if (--pending->left > 0) return;
            QJsonArray out;
            for (auto &a : pending->answers)
                if (!a.isEmpty()) out.append(a);
            respond(out.isEmpty() ? QJsonValue(QJsonValue::Undefined) : QJsonValue(out));
        });
    }
}

void JsonRpc::handleOne(const QJsonValue &request, std::function<void(QJsonObject)> respond) {
    if (!request.isObject())
        return respond(response(QJsonValue::Null, fail(apierr::kInvalidRequest, QStringLiteral("a request must be a JSON object"))));
    const QJsonObject req = request.toObject();
    const QJsonValue id = req.value(kId);
    if (!id.isUndefined() && !id.isString() && !id.isDouble() && !id.isNull())
        return respond(response(QJsonValue::Null, fail(apierr::kInvalidRequest, QStringLiteral("\"id\" must be a string, a number or null"))));
    if (req.value(kJsonRpc).toString() != QLatin1String("2.0"))
        return respond(response(id, fail(apierr::kInvalidRequest, QStringLiteral("not a JSON-RPC 2.0 request: \"jsonrpc\" must be \"2.0\""))));
    const QJsonValue method = req.value(QStringLiteral("method"));
    if (!method.isString())
        return respond(response(id, fail(apierr::kInvalidRequest, QStringLiteral("the request has no \"method\" string"))));
    const bool notification = id.isUndefined();
    auto answer = [respond, id, notification](Outcome outcome) {
        respond(notification ? QJsonObject{} : response(id, outcome));
    };
    if (method.toString() != QLatin1String("execute"))
        return answer(fail(apierr::kMethodNotFound,
                           QStringLiteral("unknown method \"%1\" (this node offers \"execute\")").arg(method.toString())));
    const QJsonValue params = req.value(QStringLiteral("params"));
    if (!params.isObject())
        return answer(fail(apierr::kInvalidParams, QStringLiteral("\"params\" must be an object {contextId, method, argsJson}")));
    execute(params.toObject(), answer);
}

void JsonRpc::execute(const QJsonObject &params, std::function<void(Outcome)> done) {
    const QJsonValue ctx = params.value(QStringLiteral("contextId"));
    if (!ctx.isString())
        return done(fail(apierr::kInvalidParams, QStringLiteral("params.contextId is missing")));
    const auto contextId = apijson::parseId(ctx.toString());
    if (!contextId)
        return done(fail(apierr::kInvalidParams, QStringLiteral("params.contextId is not a valid id (base58 of 32 bytes)")));
    const QJsonValue m = params.value(QStringLiteral("method"));
    if (!m.isString() || m.toString().isEmpty())
        return done(fail(apierr::kInvalidParams, QStringLiteral("params.method is missing")));
    const QByteArray method = m.toString().toUtf8();
    if (method.size() > 256)
        return done(fail(apierr::kInvalidParams, QStringLiteral("params.method is longer than 256 bytes")));
    QString why;
    const auto args = apijson::argsBytes(params.value(QStringLiteral("argsJson")), QStringLiteral("params.argsJson"), &why);
    if (!args) return done(fail(apierr::kInvalidParams, why));

    // The engine calls back on one of its threads; hop to the node thread with
    // the raw result and build the JSON there. The callback hands `done` over
    // by move so that nothing it captured is released on the engine's thread
    // after the node thread has run.
    node_.engine().execute(*contextId, method, *args,
                           [inbox = inbox_, done = std::move(done)](Result<ExecuteResult> r) mutable {
        auto result = std::make_shared<Result<ExecuteResult>>(std::move(r));
        inbox->post([done = std::move(done), result]() {
            if (result->ok()) return done(apijson::executeResult(result->value()));
            const Error &e = result->error();
            done(Failure{apierr::jsonRpcCode(e), e.message, e.wire()});
        });
    });
}

}  // namespace dn
