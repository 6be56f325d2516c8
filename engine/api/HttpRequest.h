#pragma once
// What a route handler sees of a request: a copy, because QHttpServer reuses
// its request object for the connection's next request while our answer may
// still be pending.
#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrlQuery>
#include <QtHttpServer/QHttpServerRequest>

namespace dn {

struct HttpRequest {
    QHttpServerRequest::Method method = QHttpServerRequest::Method::Unknown;
    QString path;            // as sent (percent-encoded)
    QStringList segments;    // path segments, each percent-decoded
    QStringList params;      // the {placeholders} of the matched route, in order
    QUrlQuery query;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    static HttpRequest from(const QHttpServerRequest &request);
    QByteArray header(const QByteArray &name) const;  // case-insensitive; empty if absent
    QString queryValue(const QString &key) const;     // decoded
    bool hasQuery(const QString &key) const { return query.hasQueryItem(key); }
};

}  // namespace dn
