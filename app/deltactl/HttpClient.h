#pragma once
// Synchronous HTTP over QNetworkAccessManager: each helper runs a local event
// loop until the reply finishes or the node stays silent for `timeoutMs`
// (an inactivity timeout, so long streamed transfers are fine). deltactl runs
// one request at a time, so a blocking style keeps every command linear.
#include <QByteArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QString>
#include <QUrl>
#include <functional>
#include <optional>

class QIODevice;

namespace dn::ctl {

struct HttpReply {
    int status = 0;            // HTTP status; 0 when the node gave no answer
    QByteArray body;
    QString transportError;    // why there is no answer (status == 0)
    qint64 contentLength = -1; // from the header, -1 when absent
    QString localError;        // the transfer failed on our side (disk full, body cut short)

    bool reached() const { return status != 0; }
    bool ok() const { return localError.isEmpty() && status >= 200 && status < 300; }
    // The body as a JSON object, nullopt when it is not one.
    std::optional<QJsonObject> object() const;
    // The API's error sentence ("error.message"), or a generic one.
    QString errorMessage() const;
    // The API's stable error code ("error.code"), empty when absent.
    QString errorCode() const;
};

class HttpClient {
public:
    HttpClient(QUrl base, QString token, int timeoutMs);

    const QUrl &base() const { return base_; }
    const QString &token() const { return token_; }
    int timeoutMs() const { return timeoutMs_; }

    // `path` is relative to the node URL, e.g. "/admin-api/contexts"; it may
    // carry a query string.
    HttpReply get(const QString &path);
    HttpReply del(const QString &path);
    HttpReply postJson(const QString &path, const QJsonObject &body);
    HttpReply send(const QByteArray &verb, const QString &path, const QByteArray &body,
                   const QByteArray &contentType);
    // PUT/POST from a device (read by Qt as it sends; the device must stay
    // open and, for a file, seekable).
    HttpReply sendDevice(const QByteArray &verb, const QString &path, QIODevice *body, qint64 size,
                         const QByteArray &contentType);

    // GET streamed into `out` as it arrives; the body of HttpReply stays empty
    // on success (it holds the error body otherwise). `progress(done, total)`
    // is called as data arrives (total -1 when unknown). At most `bufferBytes`
    // are buffered in the reply, so memory stays flat for any size.
    HttpReply download(const QString &path, QIODevice *out, const std::function<void(qint64, qint64)> &progress,
                       qint64 *written, qint64 bufferBytes = 1 << 20);

    QUrl url(const QString &path) const;
    QNetworkRequest request(const QString &path) const;

private:
    HttpReply finish(class QNetworkReply *reply, QIODevice *sink = nullptr,
                     const std::function<void(qint64, qint64)> &progress = {}, qint64 *written = nullptr);

    QUrl base_;
    QString token_;
    int timeoutMs_;
    QNetworkAccessManager nam_;
};

}  // namespace dn::ctl
