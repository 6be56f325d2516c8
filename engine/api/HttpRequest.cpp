#include "api/HttpRequest.h"
#include <QUrl>

namespace dn {

HttpRequest HttpRequest::from(const QHttpServerRequest &request) {
    HttpRequest r;
    r.method = request.method();
    const QUrl url = request.url();
    r.path = url.path(QUrl::FullyEncoded);
    // Split before decoding, so an encoded "/" (%2F) stays inside its segment
    // and can never create or remove a path level.
    const QList<QByteArray> raw = r.path.toLatin1().split('/');
    for (const QByteArray &s : raw)
        if (!s.isEmpty()) r.segments << QString::fromUtf8(QByteArray::fromPercentEncoding(s));
    r.query = QUrlQuery(url);
    r.headers = request.headers();
    r.body = request.body();
    return r;
}

QByteArray HttpRequest::header(const QByteArray &name) const {
    for (const auto &h : headers)
        if (h.first.compare(name, Qt::CaseInsensitive) == 0) return h.second;
    return {};
}

QString HttpRequest::queryValue(const QString &key) const {
    return query.queryItemValue(key, QUrl::FullyDecoded);
}

}  // namespace dn
