// The DAG page is never stale (issue 13): the real window over an embedded
// node A, which shares a context with two real `deltanode --headless`
// processes B and C. B and C each send 2 000 writes within 2 s (one
// WebSocket each, every request sent before the first answer), five times.
// After each burst, once A has the deltas (A's heads equal B's and C's), the
// DAG page must show A's heads — in its model and drawn in view with "Follow
// heads" on — within 1 s.
#include "../integration/DaemonHarness.h"
#include "GuiDriver.h"
#include "Monitor.h"
#include "MonitorWindow.h"
#include "DagModel.h"
#include "client/NodeClient.h"
#include "node/NodeCommandLine.h"
#include "node/NodeThread.h"
#include <QGuiApplication>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QtQml/QQmlExtensionPlugin>
#include <QtTest>

Q_IMPORT_QML_PLUGIN(DeltaNodePlugin)

using namespace dn;
using namespace dn::test;

namespace {

constexpr int kWait = 60000;
constexpr int kBursts = 5;
constexpr int kPerNode = 2000;
constexpr qint64 kFreshMs = 1000;

Result<NodeConfig> nodeConfig(const QString &dir) {
    NodeArgs args;
    args.headless = true;
    args.dataDir = dir;
    args.apiPort = 0;
    args.listen = {QStringLiteral("/ip4/127.0.0.1/tcp/0")};
    return NodeCommandLine::resolve(args);
}

// A WebSocket JSON-RPC client that sends many calls without waiting.
class Burst {
public:
    explicit Burst(const Daemon &d) {
        QObject::connect(&ws_, &QWebSocket::textMessageReceived, &ws_, [this](const QString &t) {
            const QJsonObject o = QJsonDocument::fromJson(t.toUtf8()).object();
            if (o.contains(QLatin1String("result"))) ++ok_;
            else if (o.contains(QLatin1String("error"))) {
                ++failed_;
                lastError_ = t;
            }
        });
        QNetworkRequest req(QUrl(QString(d.apiUrl()).replace(QLatin1String("http://"), QLatin1String("ws://")) + QStringLiteral("/ws")));
        req.setRawHeader("Authorization", "Bearer " + d.token().toUtf8());
        ws_.setProxy(QNetworkProxy::NoProxy);
        ws_.open(req);
    }
    bool connected() const { return ws_.state() == QAbstractSocket::ConnectedState; }
    void send(const QString &ctx, const QString &prefix, int n) {
        for (int i = 0; i < n; ++i) {
            const QJsonObject m{{QStringLiteral("id"), ++sent_},
                                {QStringLiteral("method"), QStringLiteral("execute")},
                                {QStringLiteral("params"), QJsonObject{{QStringLiteral("contextId"), ctx},
                                                                       {QStringLiteral("method"), QStringLiteral("set")},
                                                                       {QStringLiteral("argsJson"), QJsonObject{{QStringLiteral("key"), prefix + QString::number(i)},
                                                                                                                 {QStringLiteral("value"), QStringLiteral("v")}}}}}};
            ws_.sendTextMessage(QString::fromUtf8(QJsonDocument(m).toJson(QJsonDocument::Compact)));
        }
    }
    bool done() const { return ok_ + failed_ == sent_; }
    int failed() const { return failed_; }
    QString lastError() const { return lastError_; }

private:
    QWebSocket ws_;
    int sent_ = 0, ok_ = 0, failed_ = 0;
    QString lastError_;
};

}  // namespace

class GuiDagBurst : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void pageFollowsBursts();
    void cleanupTestCase();

private:
    Monitor *monitor() const { return window_->monitor(); }
    QStringList nodeHeads() const {
        QStringList out;
        if (auto c = a_->node()->engine().context(Hash32::fromBase58(ctx_).value()))
            for (const Hash32 &h : c->heads) out << h.toBase58();
        out.sort();
        return out;
    }
    QStringList headsOf(const Daemon &d) {
        QStringList out;
        const QJsonArray heads = http_.get(d, QStringLiteral("/admin-api/contexts/") + ctx_).json()
                                     .value(QLatin1String("context")).toObject().value(QLatin1String("heads")).toArray();
        for (const QJsonValue &h : heads) out << h.toString();
        out.sort();
        return out;
    }
    QStringList headsInView() const {
        QStringList out;
        QMetaObject::invokeMethod(ui_->must(QStringLiteral("dagGraph")), "headsInView", Q_RETURN_ARG(QStringList, out));
        return out;
    }
    void join(const QString &node, const QString &apiUrl, const QString &token);

    QTemporaryDir dir_;
    std::unique_ptr<NodeThread> a_;
    std::unique_ptr<Daemon> b_, c_;
    RawHttp http_;
    std::unique_ptr<NodeClient> client_;
    std::unique_ptr<MonitorWindow> window_;
    std::unique_ptr<GuiDriver> ui_;
    QString ctx_;
};

void GuiDagBurst::join(const QString &node, const QString &apiUrl, const QString &token) {
    const HttpAnswer inv = http_.postJson(*b_, QStringLiteral("/admin-api/contexts/") + ctx_ + QStringLiteral("/invite"), {});
    QVERIFY2(inv.status == 200, qPrintable(inv.describe()));
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("invitation"), inv.json().value(QLatin1String("invitation"))}})
                                .toJson(QJsonDocument::Compact);
    const HttpAnswer joined = http_.request("POST", QUrl(apiUrl + QStringLiteral("/admin-api/contexts/join")), body, token);
    QVERIFY2(joined.status == 200 || joined.status == 201, qPrintable(node + QLatin1String(": ") + joined.describe()));
}

void GuiDagBurst::initTestCase() {
    QLoggingCategory::setFilterRules(QStringLiteral("dn.*.debug=false\ndn.*.info=false"));
    QVERIFY(dir_.isValid());
    auto ca = nodeConfig(dir_.filePath("a"));
    QVERIFY2(ca, "node config");
    a_ = std::make_unique<NodeThread>(*ca);
    auto ra = a_->start();
    QVERIFY2(ra, qPrintable(ra ? QString() : ra.error().message));
    b_ = std::make_unique<Daemon>(dir_.filePath("b"));
    c_ = std::make_unique<Daemon>(dir_.filePath("c"));
    QString error;
    QVERIFY2(b_->start(&error), qPrintable(error));
    QVERIFY2(c_->start(&error), qPrintable(error));
    ctx_ = http_.kvContext(*b_, &error);
    QVERIFY2(!ctx_.isEmpty(), qPrintable(error));
    join(QStringLiteral("C"), c_->apiUrl(), c_->token());
    Node *a = a_->node();
    join(QStringLiteral("A"), a->status().apiUrl, a->apiToken());

    client_ = std::make_unique<NodeClient>(a, NodeClient::Options{});
    MonitorWindow::configureStyle();
    window_ = std::make_unique<MonitorWindow>(client_.get());
    auto loaded = window_->load();
    QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().message));
    QQuickWindow *w = window_->window();
    w->resize(1440, 900);
    w->show();
    w->requestActivate();
    QVERIFY(QTest::qWaitForWindowActive(w));
    ui_ = std::make_unique<GuiDriver>(w);
    QTRY_VERIFY_WITH_TIMEOUT(monitor()->ready(), kWait);
    ui_->page(2);
    QTRY_COMPARE_WITH_TIMEOUT(ui_->get(QStringLiteral("pageStack"), "currentIndex").toInt(), 2, kWait);
    QTRY_VERIFY_WITH_TIMEOUT(monitor()->contexts()->indexOf(ctx_) >= 0, kWait);
    ui_->set(QStringLiteral("dagContextCombo"), "currentIndex", monitor()->contexts()->indexOf(ctx_));
    QTRY_COMPARE_WITH_TIMEOUT(monitor()->dag()->contextId(), ctx_, kWait);
    QVERIFY(ui_->get(QStringLiteral("dagGraph"), "followHeads").toBool());
}

void GuiDagBurst::pageFollowsBursts() {
    Burst fromB(*b_), fromC(*c_);
    QTRY_VERIFY_WITH_TIMEOUT(fromB.connected() && fromC.connected(), kWait);
    qint64 worstLag = 0;
    for (int round = 0; round < kBursts; ++round) {
        QElapsedTimer sending;
        sending.start();
        fromB.send(ctx_, QStringLiteral("b%1-").arg(round), kPerNode);
        fromC.send(ctx_, QStringLiteral("c%1-").arg(round), kPerNode);
        QVERIFY2(sending.elapsed() < 2000, qPrintable(QString::number(sending.elapsed())));
        QTRY_VERIFY_WITH_TIMEOUT(fromB.done() && fromC.done(), kWait);
        QVERIFY2(fromB.failed() == 0 && fromC.failed() == 0, qPrintable(fromB.lastError() + fromC.lastError()));
        // The node has them: A's heads are B's and C's (all three converged).
        QStringList heads;
        QTRY_VERIFY_WITH_TIMEOUT((heads = nodeHeads(), heads == headsOf(*b_) && heads == headsOf(*c_)), kWait);
        QElapsedTimer since;
        since.start();
        QStringList model, drawn;
        while (since.elapsed() < 10 * kFreshMs) {
            model = monitor()->dag()->headIds();
            drawn = headsInView();
            if (model == heads && drawn == heads) break;
            QTest::qWait(10);
        }
        const qint64 lag = since.elapsed();
        worstLag = std::max(worstLag, lag);
        qInfo("burst %d: node heads %s; page after %lld ms: model %s, drawn %s", round + 1, qPrintable(heads.join(',')), lag,
              qPrintable(model.join(',')), qPrintable(drawn.join(',')));
        QVERIFY2(model == heads, qPrintable(QStringLiteral("burst %1: the DAG model's heads %2 are not the node's %3")
                                                .arg(round + 1).arg(model.join(','), heads.join(','))));
        QVERIFY2(drawn == heads, qPrintable(QStringLiteral("burst %1: drawn in view %2, the node's heads %3")
                                                .arg(round + 1).arg(drawn.join(','), heads.join(','))));
        QVERIFY2(lag <= kFreshMs, qPrintable(QStringLiteral("burst %1: the page lagged the node by %2 ms").arg(round + 1).arg(lag)));
    }
    ui_->screenshot(QStringLiteral("dag-after-bursts"));
    qInfo("worst lag of the page behind the node: %lld ms", worstLag);
}

void GuiDagBurst::cleanupTestCase() {
    ui_.reset();
    window_.reset();
    client_.reset();
    if (a_) a_->stop();
    QString error;
    if (b_) QVERIFY2(b_->stop(&error), qPrintable(error));
    if (c_) QVERIFY2(c_->stop(&error), qPrintable(error));
}

DN_GUI_TEST_MAIN(GuiDagBurst, "tst_gui_dag_burst")

#include "tst_gui_dag_burst.moc"
