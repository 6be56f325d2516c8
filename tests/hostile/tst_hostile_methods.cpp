// App methods that never return, in several contexts of a real `deltanode
// --headless` with two workers (issue 12, DESIGN §16): a client keeps every
// looping context busy (each call runs until the watchdog stops it) and then
// floods one of them far past its queue. A member's call in an unrelated
// context must answer within 200 ms throughout, the flood must be answered
// `busy` instead of queued without bound, and RSS must stay within 64 MB.
#include "HostileBudget.h"
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

using namespace dn;
using namespace dn::test;

namespace {
constexpr int kLoopingContexts = 3;
constexpr int kInFlightPerContext = 2;
constexpr int kSpinSeconds = 6;
}  // namespace

class TestHostileMethods : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::unique_ptr<Daemon> node_;
    RawHttp http_;
    QString kv_;
    QStringList looping_;
    qint64 rss0_ = 0;
    QNetworkAccessManager nam_;
    int timeouts_ = 0, busy_ = 0, other_ = 0, inFlight_ = 0;
    bool stop_ = false;

    QNetworkReply *post(const QString &ctx, const QString &method) {
        const QJsonObject rpc{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                              {QStringLiteral("id"), 1},
                              {QStringLiteral("method"), QStringLiteral("execute")},
                              {QStringLiteral("params"), QJsonObject{{QStringLiteral("contextId"), ctx},
                                                                     {QStringLiteral("method"), method},
                                                                     {QStringLiteral("argsJson"), QJsonObject{}}}}};
        QNetworkRequest req(QUrl(node_->apiUrl() + QStringLiteral("/jsonrpc")));
        req.setRawHeader("Authorization", "Bearer " + node_->token().toUtf8());
        req.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        ++inFlight_;
        return nam_.post(req, QJsonDocument(rpc).toJson(QJsonDocument::Compact));
    }

    // Sorts an answer to `spin`: the watchdog's timeout, `busy`, or anything else.
    void count(QNetworkReply *r) {
        --inFlight_;
        const int status = r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QString code = QJsonDocument::fromJson(r->readAll()).object().value(QLatin1String("error")).toObject()
                                 .value(QLatin1String("data")).toObject().value(QLatin1String("code")).toString();
        if (status == 503 || code == QLatin1String("busy")) ++busy_;
        else if (code == QLatin1String("timeout")) ++timeouts_;
        else ++other_;
        r->deleteLater();
    }

    // One `spin` in `ctx`, sent again as soon as it is answered.
    void spin(const QString &ctx) {
        QNetworkReply *r = post(ctx, QStringLiteral("spin"));
        connect(r, &QNetworkReply::finished, this, [this, r, ctx] {
            count(r);
            if (!stop_) spin(ctx);
        });
    }

private slots:
    void initTestCase() {
        QLoggingCategory::setFilterRules(QStringLiteral("dn.*.debug=false\ndn.*.info=false"));
        nam_.setProxy(QNetworkProxy::NoProxy);
        QVERIFY(dir_.isValid());
        QString error;
        node_ = startTarget(dir_.path(), "[runtime]\nworkers = 2\ntimeout_ms = 300\n", http_, &kv_, &error);
        QVERIFY2(node_, qPrintable(error));
        for (int i = 0; i < kLoopingContexts; ++i) {
            looping_ << http_.appContext(*node_, "loop_forever", &error);
            QVERIFY2(!looping_.last().isEmpty(), qPrintable(error));
        }
        rss0_ = node_->rss();
        QVERIFY(rss0_ > 0);
    }

    void loopingContextsDoNotStarveOthers() {
        for (const QString &c : looping_)
            for (int i = 0; i < kInFlightPerContext; ++i) spin(c);
        // Until each looping context has been seen running long, a read may
        // wait up to one time limit behind the first wave.
        QVERIFY(QTest::qWaitFor([&] { return timeouts_ >= kLoopingContexts * kInFlightPerContext; }, 20000));
        std::vector<qint64> calls;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < kSpinSeconds * 1000) {
            calls.push_back(memberCallMs(http_, *node_, kv_));
            QTest::qWait(50);
        }
        std::sort(calls.begin(), calls.end());
        const qint64 p50 = calls[calls.size() / 2], p95 = calls[calls.size() * 95 / 100];
        qInfo("%zu member calls beside %d looping contexts: p50 %lld ms, p95 %lld ms, max %lld ms; %d spins timed out",
              calls.size(), kLoopingContexts, p50, p95, calls.back(), timeouts_);
        QVERIFY2(p95 < kHostileCallMs, qPrintable(QStringLiteral("member calls p95 %1 ms").arg(p95)));
        QCOMPARE(other_, 0);
        checkStillServing(http_, *node_, kv_, rss0_, "looping methods");
    }

    // 5 000 calls queued on one looping context at once, over a WebSocket
    // (which, unlike HTTP/1.1, does not wait for one answer before the next
    // request): past the context's queue (2 048) the node answers `busy` at
    // once instead of holding them.
    void floodIsAnsweredBusy() {
        QWebSocket ws;
        int busy = 0, answered = 0;
        connect(&ws, &QWebSocket::textMessageReceived, this, [&](const QString &t) {
            ++answered;
            const QJsonObject err = QJsonDocument::fromJson(t.toUtf8()).object().value(QLatin1String("error")).toObject();
            if (err.value(QLatin1String("data")).toObject().value(QLatin1String("code")).toString() == QLatin1String("busy")) ++busy;
        });
        QNetworkRequest req(QUrl(QString(node_->apiUrl()).replace(QLatin1String("http://"), QLatin1String("ws://")) + QStringLiteral("/ws")));
        req.setRawHeader("Authorization", "Bearer " + node_->token().toUtf8());
        ws.setProxy(QNetworkProxy::NoProxy);
        ws.open(req);
        QVERIFY(QTest::qWaitFor([&] { return ws.state() == QAbstractSocket::ConnectedState; }, 10000));
        constexpr int kFlood = 5000;
        for (int i = 0; i < kFlood; ++i) {
            const QJsonObject m{{QStringLiteral("id"), i},
                                {QStringLiteral("method"), QStringLiteral("execute")},
                                {QStringLiteral("params"), QJsonObject{{QStringLiteral("contextId"), looping_[0]},
                                                                       {QStringLiteral("method"), QStringLiteral("spin")},
                                                                       {QStringLiteral("argsJson"), QJsonObject{}}}}};
            ws.sendTextMessage(QString::fromUtf8(QJsonDocument(m).toJson(QJsonDocument::Compact)));
        }
        QVERIFY(QTest::qWaitFor([&] { return busy >= kFlood - 2048 - 2 * kInFlightPerContext; }, 60000));
        qInfo("%d of %d answered busy at once", busy, kFlood);
        checkStillServing(http_, *node_, kv_, rss0_, "queue flood");
        // The queued ones run out one time limit at a time; we do not wait.
        stop_ = true;
        ws.abort();
        QVERIFY(answered <= kFlood);
    }

    void cleanupTestCase() {
        stop_ = true;
        nam_.clearConnectionCache();
        if (node_) {
            QString error;
            QVERIFY2(node_->stop(&error), qPrintable(error));
        }
    }
};

QTEST_GUILESS_MAIN(TestHostileMethods)
#include "tst_hostile_methods.moc"
