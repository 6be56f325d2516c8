// watch CTX [--count N]: subscribes over the WebSocket API and prints one line
// per StateMutation until interrupted (or after N events).
#include "Commands.h"
#include "Output.h"
#include "Session.h"
#include "Validate.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>
#include <QNetworkProxy>
#include <QWebSocket>

namespace dn::ctl {
namespace {

QUrl webSocketUrl(const QUrl &node) {
    QUrl u = node;
    u.setScheme(node.scheme() == QLatin1String("https") ? QStringLiteral("wss") : QStringLiteral("ws"));
    QString path = node.path();
    while (path.endsWith(QLatin1Char('/'))) path.chop(1);
    u.setPath(path + QStringLiteral("/ws"));
    return u;
}

// "<deltaId>  root <newRoot>  Inserted {…}; Removed {…}"
QString mutationLine(const QJsonObject &data) {
    QStringList events;
    for (const QJsonValue &v : data.value(QLatin1String("events")).toArray()) {
        const QJsonObject e = v.toObject();
        events << e.value(QLatin1String("kind")).toString() + QLatin1Char(' ') + jsonText(e.value(QLatin1String("data")));
    }
    return QStringLiteral("%1  root %2  %3")
        .arg(data.value(QLatin1String("deltaId")).toString(), data.value(QLatin1String("newRoot")).toString(),
             events.isEmpty() ? QStringLiteral("(no events)") : events.join(QStringLiteral("; ")));
}

}  // namespace

int cmdWatch(Session &s, const QStringList &args) {
    if (auto bad = checkId(QStringLiteral("context id"), args[0])) return s.usage(*bad);
    qint64 limit = -1;
    if (s.isSet(QStringLiteral("count"))) {
        const auto n = parseCount(s.value(QStringLiteral("count")));
        if (!n || *n == 0) return s.usage(QStringLiteral("--count needs a positive number"));
        limit = *n;
    }

    QWebSocket ws;
    QEventLoop loop;
    int rc = kOk;
    bool subscribed = false;
    qint64 seen = 0;
    auto stop = [&](int code) {
        rc = code;
        loop.exit();
    };

    // Until subscribed, the usual timeout applies; afterwards watching may
    // be silent for as long as the user likes.
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &loop, [&] {
        printErr(QStringLiteral("deltactl: no answer from the node at %1 within %2 s").arg(s.http().base().toString()).arg(s.http().timeoutMs() / 1000.0));
        stop(kUnreachable);
    });
    QObject::connect(&ws, &QWebSocket::connected, &loop, [&] {
        const QJsonObject sub{{QStringLiteral("id"), 1},
                              {QStringLiteral("method"), QStringLiteral("subscribe")},
                              {QStringLiteral("params"), QJsonObject{{QStringLiteral("contextIds"), QJsonArray{args[0]}}}}};
        ws.sendTextMessage(QString::fromUtf8(QJsonDocument(sub).toJson(QJsonDocument::Compact)));
    });
    QObject::connect(&ws, &QWebSocket::textMessageReceived, &loop, [&](const QString &text) {
        const QJsonObject msg = QJsonDocument::fromJson(text.toUtf8()).object();
        if (msg.value(QLatin1String("id")).toInt() == 1 && !subscribed) {
            const QJsonObject err = msg.value(QLatin1String("error")).toObject();
            if (!err.isEmpty()) {
                printErr(QStringLiteral("deltactl: %1").arg(err.value(QLatin1String("message")).toString()));
                if (s.json()) printOut(text);
                stop(kRefused);
                return;
            }
            subscribed = true;
            deadline.stop();
            printErr(QStringLiteral("watching %1 (Ctrl-C to stop)").arg(args[0]));  // stderr: --json output stays clean
            return;
        }
        const QJsonObject result = msg.value(QLatin1String("result")).toObject();
        if (result.value(QLatin1String("type")).toString() != QLatin1String("StateMutation")) return;
        if (s.json()) printOut(QString::fromUtf8(QJsonDocument(result).toJson(QJsonDocument::Compact)));
        else printOut(mutationLine(result.value(QLatin1String("data")).toObject()));
        if (limit > 0 && ++seen >= limit) stop(kOk);
    });
    QObject::connect(&ws, &QWebSocket::disconnected, &loop, [&] {
        if (!subscribed) {
            const QString why = ws.closeReason().isEmpty() ? ws.errorString() : ws.closeReason();
            printErr(QStringLiteral("deltactl: cannot subscribe at %1: %2").arg(ws.requestUrl().toString(), why));
            stop(ws.error() == QAbstractSocket::ConnectionRefusedError || ws.error() == QAbstractSocket::HostNotFoundError ? kUnreachable : kRefused);
        } else {
            printErr(QStringLiteral("deltactl: the node closed the event stream%1")
                         .arg(ws.closeReason().isEmpty() ? QString() : QStringLiteral(": ") + ws.closeReason()));
            stop(kRefused);
        }
    });

    QNetworkRequest req(webSocketUrl(s.http().base()));
    if (!s.http().token().isEmpty()) req.setRawHeader("Authorization", "Bearer " + s.http().token().toUtf8());
    ws.setProxy(QNetworkProxy::NoProxy);
    deadline.start(s.http().timeoutMs());
    ws.open(req);
    loop.exec();
    QObject::disconnect(&ws, nullptr, nullptr, nullptr);  // no callbacks into this frame's lambdas
    ws.abort();
    return rc;
}

}  // namespace dn::ctl
