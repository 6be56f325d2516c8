#include "BlobUpload.h"

#include "ProgressBar.h"

#include <QFile>
#include <QUrl>

namespace dn::ctl {

HttpReply uploadChunked(HttpClient &http, QFile &file, ProgressBar *progress) {
    HttpReply start = http.send("POST", QStringLiteral("/admin-api/blobs/uploads"), QByteArray(), "application/json");
    if (!start.ok()) return start;
    const QString uploadId = start.object().value_or(QJsonObject()).value(QLatin1String("uploadId")).toString();
    if (uploadId.isEmpty()) {
        start.localError = QStringLiteral("the node did not return an upload id");
        return start;
    }
    const QString base = QStringLiteral("/admin-api/blobs/uploads/") + QString::fromLatin1(QUrl::toPercentEncoding(uploadId));
    const qint64 total = file.size();
    qint64 sent = 0;
    for (qint64 n = 0;; ++n) {
        const QByteArray part = file.read(kUploadPartBytes);  // the only copy of the data in memory
        if (part.isEmpty()) {
            if (file.error() != QFileDevice::NoError) {
                HttpReply r;
                r.status = 200;
                r.localError = QStringLiteral("cannot read %1: %2").arg(file.fileName(), file.errorString());
                return r;
            }
            break;
        }
        HttpReply r = http.send("PUT", base + QStringLiteral("/%1").arg(n), part, "application/octet-stream");
        if (!r.ok()) return r;
        sent += part.size();
        if (progress) progress->update(sent, total);
    }
    return http.send("POST", base + QStringLiteral("/finish"), QByteArray(), "application/json");
}

HttpReply uploadBlob(HttpClient &http, QFile &file, ProgressBar *progress) {
    if (file.size() > kUploadPartBytes) return uploadChunked(http, file, progress);
    HttpReply r = http.send("PUT", QStringLiteral("/admin-api/blobs"), file.readAll(), "application/octet-stream");
    if (r.ok() && progress) progress->update(file.size(), file.size());
    return r;
}

}  // namespace dn::ctl
