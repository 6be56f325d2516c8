// The desktop monitor end to end (issue 5, acceptance 2 and 3): the real
// window (Main.qml of the DeltaNode module) over an embedded node A, and a
// second node B — a real `deltanode --headless` process — writing into a
// context A joined by clicking, over the p2p network. Context management is
// done by clicking — create, call, invite, join, delete — and every page is
// walked, checked for real content by objectName and saved as a PNG in
// <build>/screenshots/.
#include "../integration/DaemonHarness.h"
#include "GuiDriver.h"
#include "RpcLoad.h"
#include "Monitor.h"
#include "MonitorWindow.h"
#include "NodeActions.h"
#include "TestUtil.h"
#include "client/NodeClient.h"
#include "node/NodeCommandLine.h"
#include "node/NodeThread.h"
#include <QClipboard>
#include <QGuiApplication>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QtQml/QQmlExtensionPlugin>
#include <QSignalSpy>
#include <QtTest>

Q_IMPORT_QML_PLUGIN(DeltaNodePlugin)

using namespace dn;
using namespace dn::test;

namespace {

constexpr int kWait = 20000;

Result<NodeConfig> nodeConfig(const QString &dir) {
    NodeArgs args;
    args.headless = true;
    args.dataDir = dir;
    args.apiPort = 0;
    args.workers = 1;
    args.listen = {QStringLiteral("/ip4/127.0.0.1/tcp/0")};
    return NodeCommandLine::resolve(args);
}

}  // namespace

class GuiWalkthrough : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void createContextByClicking();
    void callMethodAndSeeEvent();
    void inviteShowsAndCopies();
    void joinSecondNodesContext();
    void walkEveryPageUnderLoad();
    void evictBlobByClicking();
    void disconnectPeerByClicking();
    void removeMemberByClicking();
    void deleteContextByClicking();
    void cleanupTestCase();

private:
    int contextRow(const QString &id) const { return monitor()->contexts()->indexOf(id); }
    Monitor *monitor() const { return window_->monitor(); }
    QString peerIdOfB() const {
        const QRegularExpression line(QStringLiteral("^peer id:\\s+(\\S+)"), QRegularExpression::MultilineOption);
        return line.match(QString::fromUtf8(b_->output())).captured(1);
    }
    void selectContext(const QString &id);

    QTemporaryDir dir_;
    std::unique_ptr<NodeThread> a_;
    std::unique_ptr<Daemon> b_;
    RawHttp http_;
    std::unique_ptr<QWebSocket> ws_;  // a client of A, so the websocket phase has samples
    int wsFrames_ = 0;                // what it received
    std::unique_ptr<NodeClient> client_;
    std::unique_ptr<MonitorWindow> window_;
    std::unique_ptr<GuiDriver> ui_;
    std::unique_ptr<RpcLoad> load_;
    QString created_;     // the context made by clicking on A
    QString invitation_;  // to it, copied from the invite dialog
    QString shared_;    // B's context, joined by clicking on A
};

void GuiWalkthrough::initTestCase() {
    QVERIFY(dir_.isValid());
    auto ca = nodeConfig(dir_.filePath("a"));
    QVERIFY2(ca, "node config");
    a_ = std::make_unique<NodeThread>(*ca);
    auto ra = a_->start();
    QVERIFY2(ra, qPrintable(ra ? QString() : ra.error().message));
    b_ = std::make_unique<Daemon>(dir_.filePath("b"));
    QString error;
    QVERIFY2(b_->start(&error), qPrintable(error));

    Node *a = a_->node();
    NodeClient::Options options;
    options.phaseHistograms = [a](const QString &phase) -> const Histogram * {
        const auto p = Node::phaseFromName(phase);
        return p ? &a->phaseHistogram(*p) : nullptr;
    };
    options.appDirs = {QStringLiteral(DN_WASM_DIR)};
    client_ = std::make_unique<NodeClient>(a, options);
    MonitorWindow::configureStyle();
    window_ = std::make_unique<MonitorWindow>(client_.get());
    auto loaded = window_->load();
    QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().message));
    QQuickWindow *w = window_->window();
    // DN_GUI_WINDOW_SIZE=WxH walks the same pages in another window size
    // (e.g. 960x600, the smallest the window allows) for screenshots.
    QSize size(1440, 900);
    if (const QStringList wh = qEnvironmentVariable("DN_GUI_WINDOW_SIZE").split(QLatin1Char('x')); wh.size() == 2)
        size = QSize(wh[0].toInt(), wh[1].toInt()).expandedTo(QSize(320, 240));
    w->resize(size);
    w->show();
    w->requestActivate();  // the page shortcuts (Ctrl+1…7) go to the active window
    QVERIFY(QTest::qWaitForWindowActive(w));
    ui_ = std::make_unique<GuiDriver>(w);
    QTRY_VERIFY_WITH_TIMEOUT(monitor()->ready(), kWait);
    QCOMPARE(ui_->get("peerIdField", "text").toString(), a->status().peerId.toBase58());
    qInfo() << "scene graph backend:" << w->rendererInterface()->graphicsApi();
}

void GuiWalkthrough::selectContext(const QString &id) {
    ui_->page(1);
    QTRY_COMPARE_WITH_TIMEOUT(ui_->get("pageStack", "currentIndex").toInt(), 1, kWait);
    QTRY_VERIFY_WITH_TIMEOUT(contextRow(id) >= 0, kWait);
    ui_->set("contextsList", "currentIndex", contextRow(id));
    QTRY_COMPARE_WITH_TIMEOUT(monitor()->selectedContext(), id, kWait);
}

void GuiWalkthrough::createContextByClicking() {
    ui_->page(1);
    QTRY_COMPARE_WITH_TIMEOUT(ui_->get("pageStack", "currentIndex").toInt(), 1, kWait);
    QVERIFY(ui_->click("createContextButton"));
    QTRY_VERIFY_WITH_TIMEOUT(ui_->get("createDialog", "opened").toBool(), kWait);
    // The app picker offers the bundled samples; pick kv_store.
    const QVariantList choices = ui_->get("createDialog", "choices").toList();
    int kv = -1;
    for (int i = 0; i < choices.size(); ++i)
        if (choices[i].toMap().value("source").toString() == QLatin1String("kv_store")) kv = i;
    QVERIFY2(kv >= 0, "kv_store is offered");
    ui_->set("appCombo", "currentIndex", kv);
    ui_->set("contextNameField", "text", QStringLiteral("shared notes"));
    ui_->set("initArgsField", "text", QStringLiteral("{oops"));
    QVERIFY(!ui_->get("createError", "text").toString().isEmpty());  // invalid JSON is caught before sending
    QVERIFY(!ui_->click("createConfirmButton"));
    ui_->set("initArgsField", "text", QString());
    ui_->screenshot(QStringLiteral("contexts-create-dialog"));
    QVERIFY(ui_->click("createConfirmButton"));
    QTRY_VERIFY_WITH_TIMEOUT(!ui_->get("createDialog", "visible").toBool(), kWait);
    QTRY_COMPARE_WITH_TIMEOUT(monitor()->contexts()->rowCount(), 1, kWait);
    created_ = monitor()->contexts()->get(0).value("contextId").toString();
    QCOMPARE(monitor()->contexts()->get(0).value("name").toString(), QStringLiteral("shared notes"));
    QTRY_COMPARE_WITH_TIMEOUT(monitor()->selectedContext(), created_, kWait);  // the new context is selected
    QTRY_VERIFY_WITH_TIMEOUT(ui_->get("contextTitle", "text").toString() == QLatin1String("shared notes"), kWait);
}

void GuiWalkthrough::callMethodAndSeeEvent() {
    selectContext(created_);
    QTRY_VERIFY_WITH_TIMEOUT(monitor()->methods()->indexOf("set") >= 0, kWait);
    ui_->set("methodCombo", "currentIndex", monitor()->methods()->indexOf("set"));
    ui_->set("argsEditor", "text", QStringLiteral("{\"key\": \"greeting\""));
    QVERIFY(!ui_->get("argsError", "text").toString().isEmpty());
    QVERIFY(!ui_->get("callButton", "enabled").toBool());  // no call with broken JSON
    ui_->set("argsEditor", "text", QStringLiteral("{\"key\": \"greeting\", \"value\": \"hello from the GUI\"}"));
    QVERIFY(ui_->get("argsError", "text").toString().isEmpty());
    QVERIFY(ui_->click("callButton"));
    QTRY_COMPARE_WITH_TIMEOUT(ui_->get("callResult", "text").toString(), QStringLiteral("null"), kWait);
    QVERIFY(ui_->get("callEvents", "text").toString().contains(QLatin1String("Inserted")));
    QVERIFY(ui_->get("callMeta", "text").toString().contains(QLatin1String("delta")));

    // The event arrives in the live event log, and the state browser has the key.
    ui_->set("contextTabs", "currentIndex", 2);
    QTRY_VERIFY_WITH_TIMEOUT(ui_->get("eventList", "count").toInt() >= 1, kWait);
    ui_->set("contextTabs", "currentIndex", 1);
    QTRY_VERIFY_WITH_TIMEOUT(ui_->get("stateList", "count").toInt() >= 1, kWait);
    QCOMPARE(monitor()->state()->get(0).value("key").toString(), QStringLiteral("kv/greeting"));
    ui_->set("contextTabs", "currentIndex", 0);
}

void GuiWalkthrough::inviteShowsAndCopies() {
    selectContext(created_);
    QVERIFY(ui_->click("inviteButton"));
    QTRY_VERIFY_WITH_TIMEOUT(ui_->get("inviteDialog", "opened").toBool(), kWait);
    // The defaults: valid for a day, one join.
    QCOMPARE(ui_->get("inviteUses", "value").toInt(), 1);
    QCOMPARE(ui_->get("inviteExpiry", "currentValue").toInt(), 86400);
    QVERIFY(!ui_->get("invitationText", "visible").toBool());
    ui_->set("inviteUses", "value", 3);
    ui_->set("inviteExpiry", "currentIndex", 2);  // 7 days
    QVERIFY(ui_->click("createInvitationButton"));
    QTRY_VERIFY_WITH_TIMEOUT(ui_->get("invitationText", "text").toString().startsWith(QLatin1String("dn1")), kWait);
    const QString invitation = ui_->get("invitationText", "text").toString();
    QVERIFY(ui_->get("invitationTerms", "text").toString().contains(QLatin1String("3 joins")));
    QVERIFY(ui_->click("copyInvitationButton"));
    QCOMPARE(QGuiApplication::clipboard()->text(), invitation);
    invitation_ = invitation;
    ui_->screenshot(QStringLiteral("contexts-invite-dialog"));
    QMetaObject::invokeMethod(ui_->must("inviteDialog"), "close");
    QTRY_VERIFY_WITH_TIMEOUT(!ui_->get("inviteDialog", "visible").toBool(), kWait);
}

void GuiWalkthrough::joinSecondNodesContext() {
    // B takes the invitation copied from A's dialog: it fetches the app
    // from A (through A's blob cache) and syncs the context.
    const HttpAnswer joined = http_.postJson(*b_, "/admin-api/contexts/join", {{"invitation", invitation_}});
    QVERIFY2(joined.status == 200 || joined.status == 201, qPrintable(joined.describe()));
    QCOMPARE(joined.json().value("context").toObject().value("contextId").toString(), created_);
    QTRY_COMPARE_WITH_TIMEOUT(monitor()->contexts()->get(contextRow(created_)).value("members").toInt(), 2, kWait);

    // B (the other process) makes a chat context and invites A. Chat's
    // messages carry an event handler, which A runs for each one it receives.
    QFile wasm(QStringLiteral(DN_WASM_DIR "/chat.wasm"));
    QVERIFY(wasm.open(QIODevice::ReadOnly));
    const HttpAnswer app = http_.post(*b_, "/admin-api/applications?name=chat", wasm.readAll(), "application/wasm");
    QVERIFY2(app.status == 201, qPrintable(app.describe()));
    const QString appId = app.json().value("application").toObject().value("applicationId").toString();
    const HttpAnswer ctx = http_.postJson(*b_, "/admin-api/contexts", {{"applicationId", appId}, {"name", "from node B"}});
    QVERIFY2(ctx.status == 201, qPrintable(ctx.describe()));
    shared_ = ctx.json().value("context").toObject().value("contextId").toString();
    const HttpAnswer inv = http_.postJson(*b_, "/admin-api/contexts/" + shared_ + "/invite", {});
    QVERIFY2(inv.status == 200, qPrintable(inv.describe()));
    const QString invitation = inv.json().value("invitation").toString();
    QVERIFY(invitation.startsWith(QLatin1String("dn1")));
    // B keeps posting from now on: 100 messages a second.
    load_ = std::make_unique<RpcLoad>(b_->apiUrl(), b_->token(), shared_, QStringLiteral("post"),
                                      [](quint64 i) { return QJsonObject{{"author", "node B"}, {"text", QStringLiteral("message %1").arg(i)}}; },
                                      100);

    ui_->page(1);
    QVERIFY(ui_->click("joinButton"));
    QTRY_VERIFY_WITH_TIMEOUT(ui_->get("joinDialog", "opened").toBool(), kWait);
    ui_->set("invitationField", "text", invitation);
    QVERIFY(ui_->click("joinConfirmButton"));
    QTRY_VERIFY_WITH_TIMEOUT(!ui_->get("joinDialog", "visible").toBool(), kWait);
    QVERIFY(ui_->get("joinError", "text").toString().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(contextRow(shared_) >= 0, kWait);
    // The invitation carried B's names for the context and its app.
    QCOMPARE(monitor()->contexts()->get(contextRow(shared_)).value("name").toString(), QStringLiteral("from node B"));
    QCOMPARE(monitor()->contexts()->get(contextRow(shared_)).value("appName").toString(), QStringLiteral("chat"));
    QTRY_VERIFY_WITH_TIMEOUT(monitor()->contexts()->get(contextRow(shared_)).value("applied").toDouble() > 10, kWait);
    QVERIFY2(load_->failed() == 0, qPrintable(load_->lastError()));
}

void GuiWalkthrough::walkEveryPageUnderLoad() {
    // A WebSocket client of A subscribed to the shared context.
    Node *a = a_->node();
    const NodeStatus st = a->status();
    ws_ = std::make_unique<QWebSocket>();
    connect(ws_.get(), &QWebSocket::textMessageReceived, this, [this](const QString &) { ++wsFrames_; });
    QNetworkRequest wsReq(QUrl(QString(st.apiUrl).replace(QLatin1String("http:"), QLatin1String("ws:")) + "/ws"));
    wsReq.setRawHeader("Authorization", "Bearer " + a->apiToken().toUtf8());
    ws_->open(wsReq);
    QTRY_VERIFY_WITH_TIMEOUT(ws_->state() == QAbstractSocket::ConnectedState, kWait);
    ws_->sendTextMessage(QJsonDocument(QJsonObject{{"id", 1}, {"method", "subscribe"},
                                                   {"params", QJsonObject{{"contextIds", QJsonArray{shared_}}}}})
                             .toJson(QJsonDocument::Compact));
    QTRY_VERIFY_WITH_TIMEOUT(wsFrames_ > 10, kWait);

    // A's own messages into the shared context, between B's.
    selectContext(shared_);
    QTRY_VERIFY_WITH_TIMEOUT(monitor()->methods()->indexOf("post") >= 0, kWait);
    ui_->set("methodCombo", "currentIndex", monitor()->methods()->indexOf("post"));
    for (int i = 0; i < 3; ++i) {
        ui_->set("argsEditor", "text", QStringLiteral("{\"author\": \"node A\", \"text\": \"hello %1 from the GUI\"}").arg(i));
        QTRY_VERIFY2_WITH_TIMEOUT(ui_->get("callButton", "enabled").toBool(),
                                  qPrintable(QStringLiteral("method '%1', args error '%2'")
                                                 .arg(ui_->get("methodCombo", "currentText").toString(),
                                                      ui_->get("argsError", "text").toString())),
                                  kWait);
        QVERIFY(ui_->click("callButton"));
        QTRY_VERIFY_WITH_TIMEOUT(ui_->get("callButton", "enabled").toBool(), kWait);
        QVERIFY(ui_->get("callEvents", "text").toString().contains(QLatin1String("MessagePosted")));
    }
    ui_->set("contextTabs", "currentIndex", 2);  // the live event log
    QTRY_VERIFY_WITH_TIMEOUT(ui_->get("eventList", "count").toInt() > 20, kWait);

    struct Page { int index; const char *name; std::function<void()> check; };
    const std::vector<Page> pages{
        {0, "overview", [&] {
             QTRY_VERIFY_WITH_TIMEOUT(monitor()->deltaRate()->values().size() >= 3, kWait);
             QTRY_VERIFY_WITH_TIMEOUT(monitor()->deltaRate()->current() > 0, kWait);
             QCOMPARE(ui_->get("contextsTile", "value").toString(), QStringLiteral("2"));
         }},
        {1, "contexts", [&] { QCOMPARE(ui_->get("contextsList", "count").toInt(), 2); }},
        {2, "dag", [&] {
             const int row = ui_->get("dagContextCombo", "count").toInt() > 0 ? contextRow(shared_) : -1;
             QVERIFY(row >= 0);
             ui_->set("dagContextCombo", "currentIndex", row);
             QTRY_COMPARE_WITH_TIMEOUT(monitor()->dagContext(), shared_, kWait);
             QTRY_VERIFY_WITH_TIMEOUT(ui_->get("dagGraph", "nodeCount").toInt() > 100, kWait);
             // Click a delta: its details open.
             QObject *graph = ui_->must("dagGraph");
             auto *item = qobject_cast<QQuickItem *>(graph);
             const int last = ui_->get("dagGraph", "nodeCount").toInt() - 1;
             ui_->set("followHeadsSwitch", "checked", false);
             QPointF at;
             QMetaObject::invokeMethod(graph, "rowPosition", Q_RETURN_ARG(QPointF, at), Q_ARG(int, last));
             QTest::mouseClick(ui_->window(), Qt::LeftButton, {}, item->mapToScene(at).toPoint());
             QTRY_VERIFY_WITH_TIMEOUT(ui_->get("deltaDetails", "visible").toBool(), kWait);
             QVERIFY(ui_->get("deltaIdField", "text").toString().size() > 40);
             QVERIFY(ui_->findAll("deltaActions").size() == 1);
         }},
        {3, "latency", [&] {
             for (const char *phase : {"transaction", "broadcast", "reception", "application", "event_handlers",
                                       "websocket", "end_to_end"})
                 QTRY_VERIFY2_WITH_TIMEOUT(ui_->get(QStringLiteral("histogram_") + phase, "sampleCount").toInt() > 0,
                                           phase, kWait);
         }},
        {4, "peers", [&] {
             // B is connected: its row, with traffic.
             QTRY_VERIFY_WITH_TIMEOUT(!ui_->findAll("peerRow").isEmpty(), kWait);
             QTRY_VERIFY_WITH_TIMEOUT(monitor()->trafficIn()->current() > 0, kWait);
             QCOMPARE(monitor()->peers()->get(0).value("peerId").toString(), peerIdOfB());
         }},
        {5, "blobs", [&] {
             // B fetched kv_store's module from A when it joined: A served it
             // through its blob cache.
             QTRY_VERIFY_WITH_TIMEOUT(ui_->get("blobTable", "count").toInt() > 0, kWait);
             QTRY_VERIFY_WITH_TIMEOUT(!ui_->findAll("blobRow").isEmpty(), kWait);
         }},
        {6, "log", [&] { QTRY_VERIFY_WITH_TIMEOUT(ui_->get("logList", "count").toInt() > 0, kWait); }},
    };
    for (const Page &p : pages) {
        ui_->page(p.index);
        QTRY_COMPARE_WITH_TIMEOUT(ui_->get("pageStack", "currentIndex").toInt(), p.index, kWait);
        p.check();
        if (QTest::currentTestFailed()) return;
        QTest::qWait(600);  // let the next batch paint (≤ 4 Hz) before the picture
        const QString path = ui_->screenshot(QString::fromLatin1(p.name));
        QVERIFY2(!path.isEmpty(), p.name);
        qInfo() << "screenshot" << path;
    }
    QVERIFY2(load_->succeeded() > 100 && load_->failed() == 0, qPrintable(load_->lastError()));
}

void GuiWalkthrough::evictBlobByClicking() {
    ui_->page(5);
    QTRY_COMPARE_WITH_TIMEOUT(ui_->get("pageStack", "currentIndex").toInt(), 5, kWait);
    const int before = ui_->get("blobTable", "count").toInt();
    QVERIFY(before > 0);
    ui_->set("blobTable", "currentIndex", 0);
    QVERIFY(ui_->click("evictButton"));
    QTRY_COMPARE_WITH_TIMEOUT(ui_->get("blobTable", "count").toInt(), before - 1, kWait);
    QTRY_COMPARE_WITH_TIMEOUT(monitor()->blobCache()->evictedManual(), 1.0, kWait);
}

void GuiWalkthrough::disconnectPeerByClicking() {
    ui_->page(4);
    QTRY_COMPARE_WITH_TIMEOUT(ui_->get("pageStack", "currentIndex").toInt(), 4, kWait);
    QTRY_VERIFY_WITH_TIMEOUT(!ui_->findAll("peerRow").isEmpty(), kWait);
    ui_->set("peersTable", "currentIndex", 0);
    QSignalSpy done(monitor()->actions(), &NodeActions::finished);
    QVERIFY(ui_->click("disconnectButton"));
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, kWait);
    QCOMPARE(done[0][1].toString(), QStringLiteral("disconnect"));
    QVERIFY2(done[0][2].toBool(), qPrintable(done[0][3].toString()));
    // B is a fellow member: the connection comes back (discovery redials).
    QTRY_VERIFY_WITH_TIMEOUT(monitor()->peers()->rowCount() == 1, kWait);
}

void GuiWalkthrough::removeMemberByClicking() {
    // A created the context, so A is its admin; B joined it and is a member.
    selectContext(created_);
    QCOMPARE(monitor()->contexts()->get(contextRow(created_)).value("members").toInt(), 2);
    ui_->set("contextTabs", "currentIndex", 3);
    QTRY_COMPARE_WITH_TIMEOUT(ui_->get("memberList", "count").toInt(), 2, kWait);
    const QString b = peerIdOfB();
    QVERIFY(!b.isEmpty());
    QObject *removeB = nullptr;
    int enabled = 0;
    // Wait for the delegates and this node's role (admin enables the buttons).
    QTRY_VERIFY_WITH_TIMEOUT(ui_->findAll("removeMemberButton").size() == 2, kWait);
    QTRY_VERIFY_WITH_TIMEOUT([&] {
        enabled = 0;
        for (QObject *button : ui_->findAll("removeMemberButton")) {
            if (button->property("enabled").toBool()) ++enabled;
            if (button->property("peerId").toString() == b) removeB = button;
        }
        return removeB && removeB->property("enabled").toBool();
    }(), kWait);
    QCOMPARE(enabled, 1);  // not on this node's own row
    // B is connected (it may be redialing after the disconnect above): its
    // row says so within a refresh or two.
    QTRY_VERIFY_WITH_TIMEOUT([&] {
        for (int i = 0; i < 2; ++i)
            if (QObject *r = ui_->find(QStringLiteral("memberRow_%1").arg(i)); r && r->property("peerId").toString() == b)
                return r->property("online").toBool();
        return false;
    }(), kWait);
    ui_->screenshot(QStringLiteral("contexts-members"));
    // Make B an admin and back by clicking: the button names the other role.
    const auto roleButtonOfB = [&]() -> QObject * {
        for (QObject *button : ui_->findAll("roleButton"))
            if (button->property("peerId").toString() == b) return button;
        return nullptr;
    };
    QVERIFY(roleButtonOfB());
    QCOMPARE(roleButtonOfB()->property("text").toString(), QStringLiteral("Make admin"));
    QVERIFY(QMetaObject::invokeMethod(roleButtonOfB(), "clicked"));
    QTRY_VERIFY_WITH_TIMEOUT(roleButtonOfB() && roleButtonOfB()->property("text").toString() == QLatin1String("Make member"), kWait);
    ui_->screenshot(QStringLiteral("contexts-members-admin"));
    QVERIFY(QMetaObject::invokeMethod(roleButtonOfB(), "clicked"));
    QTRY_VERIFY_WITH_TIMEOUT(roleButtonOfB() && roleButtonOfB()->property("text").toString() == QLatin1String("Make admin"), kWait);
    for (QObject *button : ui_->findAll("removeMemberButton"))
        if (button->property("peerId").toString() == b) removeB = button;
    QVERIFY(QMetaObject::invokeMethod(removeB, "clicked"));
    QTRY_VERIFY_WITH_TIMEOUT(ui_->get("removeMemberDialog", "opened").toBool(), kWait);
    QSignalSpy done(monitor()->actions(), &NodeActions::finished);
    QVERIFY(ui_->click("confirmRemoveMemberButton"));
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(done.cbegin(), done.cend(), [](const QList<QVariant> &a) {
                                 return a[1].toString() == QLatin1String("removeMember");
                             }), kWait);
    for (const QList<QVariant> &a : done)
        if (a[1].toString() == QLatin1String("removeMember")) QVERIFY2(a[2].toBool(), qPrintable(a[3].toString()));
    QTRY_COMPARE_WITH_TIMEOUT(ui_->get("memberList", "count").toInt(), 1, kWait);
    QTRY_COMPARE_WITH_TIMEOUT(monitor()->contexts()->get(contextRow(created_)).value("members").toInt(), 1, kWait);
    ui_->set("contextTabs", "currentIndex", 0);
}

void GuiWalkthrough::deleteContextByClicking() {
    selectContext(created_);
    QVERIFY(ui_->click("deleteButton"));
    QTRY_VERIFY_WITH_TIMEOUT(ui_->get("deleteDialog", "opened").toBool(), kWait);
    QVERIFY(ui_->click("deleteConfirmButton"));
    QTRY_VERIFY_WITH_TIMEOUT(contextRow(created_) < 0, kWait);
    QCOMPARE(monitor()->contexts()->rowCount(), 1);
    QVERIFY(!a_->node()->engine().context(*Hash32::fromBase58(created_)));
}

void GuiWalkthrough::cleanupTestCase() {
    if (load_) load_->stop();
    window_.reset();
    client_.reset();
    load_.reset();
    ws_.reset();
    if (a_) a_->stop();
    QString error;
    if (b_) QVERIFY2(b_->stop(&error), qPrintable(error));
}

DN_GUI_TEST_MAIN(GuiWalkthrough, "tst_gui_walkthrough")

#include "tst_gui_walkthrough.moc"
