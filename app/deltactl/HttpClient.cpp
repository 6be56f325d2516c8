#include "HttpClient.h"

#include <QEventLoop>
#include <QIODevice>
#include <QJsonDocument>
#include <QNetworkProxy>
#include <QNetworkReply>

namespace dn::ctl {

std::optional<QJsonObject> HttpReply::object() const {
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) return std::nullopt;
    return doc.object();
}

QString HttpReply::errorMessage() const {
    if (!localError.isEmpty()) return localError;
    if (!reached()) return transportError;
    if (auto o = object()) {
        const QJsonValue e = o->value(QLatin1String("error"));
        if (e.isObject() && e.toObject().value(QLatin1String("message")).isString())
            return e.toObject().value(QLatin1String("message")).toString();
        if (e.isString()) return e.toString();
    }
    const QString text = QString::fromUtf8(body.left(200)).trimmed();
    return text.isEmpty() ? QStringLiteral("the node answered HTTP %1").arg(status) : text;
}

QString HttpReply::errorCode() const {
    if (auto o = object()) return o->value(QLatin1String("error")).toObject().value(QLatin1String("code")).toString();
    return {};
}

HttpClient::HttpClient(QUrl base, QString token, int timeoutMs)
    : base_(std::move(base)), token_(std::move(token)), timeoutMs_(timeoutMs) {
    // A CLI talks to one node; no proxy from the environment should divert it.
    nam_.setProxy(QNetworkProxy::NoProxy);
}

QUrl HttpClient::url(const QString &path) const {
    QString b = base_.toString(QUrl::StripTrailingSlash);
    return QUrl(b + path, QUrl::StrictMode);
}

QNetworkRequest HttpClient::request(const QString &path) const {
    QNetworkRequest req(url(path));
    if (!token_.isEmpty()) req.setRawHeader("Authorization", "Bearer " + token_.toUtf8());
    req.setTransferTimeout(timeoutMs_);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    return req;
}

HttpReply HttpClient::get(const QString &path) { return finish(nam_.get(request(path))); }

HttpReply HttpClient::del(const QString &path) { return finish(nam_.deleteResource(request(path))); }

HttpReply HttpClient::postJson(const QString &path, const QJsonObject &body) {
    return send("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact), "application/json");
}

HttpReply HttpClient::send(const QByteArray &verb, const QString &path, const QByteArray &body,
                           const QByteArray &contentType) {
    QNetworkRequest req = request(path);
    req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    return finish(nam_.sendCustomRequest(req, verb, body));
}

HttpReply HttpClient::sendDevice(const QByteArray &verb, const QString &path, QIODevice *body, qint64 size,
                                 const QByteArray &contentType) {
    QNetworkRequest req = request(path);
    req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    req.setHeader(QNetworkRequest::ContentLengthHeader, size);
    return finish(nam_.sendCustomRequest(req, verb, body));
}

HttpReply HttpClient::download(const QString &path, QIODevice *out,
                               const std::function<void(qint64, qint64)> &progress, qint64 *written,
                               qint64 bufferBytes) {
    QNetworkReply *reply = nam_.get(request(path));
    // Bounded read buffer: when the disk is slower than the socket, Qt stops
    // reading the socket instead of buffering the rest of the blob.
    reply->setReadBufferSize(bufferBytes);
    return finish(reply, out, progress, written);
}

HttpReply HttpClient::finish(QNetworkReply *reply, QIODevice *sink,
                             const std::function<void(qint64, qint64)> &progress, qint64 *written) {
    QEventLoop loop;
    HttpReply r;
    qint64 done = 0;
    bool writeFailed = false;
    auto status = [reply] { return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(); };
    if (sink) {
        QObject::connect(reply, &QNetworkReply::readyRead, &loop, [&] {
            const int s = status();
            if (s < 200 || s >= 300) return;  // an error body: read it at the end
            while (reply->bytesAvailable() > 0) {
                const QByteArray piece = reply->read(256 * 1024);
                if (piece.isEmpty()) break;
                if (sink->write(piece) != piece.size()) {
                    writeFailed = true;
                    reply->abort();
                    return;
                }
                done += piece.size();
            }
            if (progress) progress(done, reply->header(QNetworkRequest::ContentLengthHeader).toLongLong());
        });
    }
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!reply->isFinished()) loop.exec();

    r.status = status();
    const QVariant len = reply->header(QNetworkRequest::ContentLengthHeader);
    r.contentLength = len.isValid() ? len.toLongLong() : -1;
    if (writeFailed) {
        r.localError = QStringLiteral("cannot write the output: %1").arg(sink->errorString());
    } else if (r.status == 0) {
        switch (reply->error()) {
        case QNetworkReply::OperationCanceledError:
        case QNetworkReply::TimeoutError:
            r.transportError = QStringLiteral("no answer from the node at %1 within %2 s")
                                   .arg(base_.toString())
                                   .arg(timeoutMs_ / 1000.0);
            break;
        default:
            r.transportError = QStringLiteral("cannot reach the node at %1: %2").arg(base_.toString(), reply->errorString());
        }
    } else if (sink && r.ok()) {
        // Whatever arrived after the last readyRead.
        const QByteArray rest = reply->readAll();
        if (!rest.isEmpty() && sink->write(rest) != rest.size())
            r.localError = QStringLiteral("cannot write the output: %1").arg(sink->errorString());
        done += rest.size();
        if (reply->error() != QNetworkReply::NoError) {
            // The connection broke mid-body: the status line said 200 but the
            // data is incomplete.
            r.localError = QStringLiteral("the download broke off: %1").arg(reply->errorString());
        }
        if (progress) progress(done, r.contentLength);
    } else {
        r.body = reply->readAll();
    }
    if (written) *written = done;
    reply->deleteLater();
    return r;
}

}  // namespace dn::ctl
