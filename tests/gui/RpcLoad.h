#pragma once
// The live load of the GUI test: JSON-RPC `execute` calls against a running
// deltanode (the second node), at a steady rate, from a thread of its own so
// the GUI thread only watches. At most kInFlight requests are outstanding
// (keep-alive connections are reused).
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QThread>
#include <QTimer>
#include <QUrl>
#include <atomic>
#include <functional>
#include <mutex>

namespace dn::test {

class RpcLoad : public QObject {
public:
    static constexpr int kInFlight = 8;
    using Args = std::function<QJsonObject(quint64 i)>;

    RpcLoad(QString apiUrl, QString token, QString contextId, QString method, Args args, int perSecond)
        : url_(apiUrl + QStringLiteral("/jsonrpc")), token_(std::move(token)), context_(std::move(contextId)),
          method_(std::move(method)), args_(std::move(args)), perSecond_(perSecond) {
        moveToThread(&thread_);
        connect(&thread_, &QThread::started, this, [this] {
            nam_ = new QNetworkAccessManager(this);
            nam_->setProxy(QNetworkProxy::NoProxy);
            timer_ = new QTimer(this);
            timer_->setInterval(10);
            connect(timer_, &QTimer::timeout, this, [this] { tick(); });
            clock_.start();
            timer_->start();
        });
        thread_.start();
    }
    ~RpcLoad() override { stop(); }

    void stop() {
        if (!thread_.isRunning()) return;
        QMetaObject::invokeMethod(this, [this] {
            if (timer_) timer_->stop();
            delete nam_;  // aborts what is still in flight
            nam_ = nullptr;
        }, Qt::BlockingQueuedConnection);
        thread_.quit();
        thread_.wait();
    }
    quint64 succeeded() const { return ok_; }
    quint64 failed() const { return failed_; }
    QString lastError() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return lastError_;
    }

private:
    void tick() {
        // The calls due by now: a steady rate whatever the timer does.
        const quint64 due = quint64(clock_.elapsed()) * quint64(perSecond_) / 1000;
        while (sent_ < due && inFlight_ < kInFlight) send();
    }
    void send() {
        const quint64 i = sent_++;
        const QJsonObject rpc{{"jsonrpc", "2.0"}, {"id", double(i)}, {"method", "execute"},
                              {"params", QJsonObject{{"contextId", context_}, {"method", method_}, {"argsJson", args_(i)}}}};
        QNetworkRequest req{QUrl(url_)};
        req.setRawHeader("Authorization", "Bearer " + token_.toUtf8());
        req.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        QNetworkReply *reply = nam_->post(req, QJsonDocument(rpc).toJson(QJsonDocument::Compact));
        ++inFlight_;
        connect(reply, &QNetworkReply::finished, this, [this, reply] {
            --inFlight_;
            const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
            if (reply->error() == QNetworkReply::NoError && answer.contains(QStringLiteral("result"))) {
                ++ok_;
            } else {
                ++failed_;
                std::lock_guard<std::mutex> lock(mutex_);
                lastError_ = reply->errorString() + QLatin1Char(' ') +
                             QString::fromUtf8(QJsonDocument(answer).toJson(QJsonDocument::Compact));
            }
            reply->deleteLater();
        });
    }

    const QString url_, token_, context_, method_;
    const Args args_;
    const int perSecond_;
    QThread thread_;
    QNetworkAccessManager *nam_ = nullptr;  // on thread_
    QTimer *timer_ = nullptr;
    QElapsedTimer clock_;
    quint64 sent_ = 0;
    int inFlight_ = 0;
    std::atomic<quint64> ok_{0}, failed_{0};
    mutable std::mutex mutex_;
    QString lastError_;
};

}  // namespace dn::test
