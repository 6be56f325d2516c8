// Fail-stop storage at the node (ARCHITECTURE "Fail-stop storage"): a node on
// its thread, its database behind a LevelDB Env that fails on command
// (tests/integration/FailingEnv.h). At the first write error the node emits
// storageFailed once with the LevelDB message, stops serving (the API port
// closes), refuses every change from then on, and the data directory it
// leaves reopens consistent with every acknowledged change.
#include "../../integration/FailingEnv.h"
#include "NodeTestUtil.h"
#include "context/Engine.h"
#include "node/Node.h"
#include "node/NodeThread.h"
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

using namespace dn;
using namespace dn::test;

namespace {
QByteArray setArgs(int i) { return QStringLiteral(R"({"key":"k%1","value":"v%1"})").arg(i).toUtf8(); }
}  // namespace

class TestNodeStorageFailure : public QObject {
    Q_OBJECT
private slots:
    void nodeStopsAtTheFirstWriteError();
};

void TestNodeStorageFailure::nodeStopsAtTheFirstWriteError() {
    QTemporaryDir dir;
    FailingEnv env;
    NodeConfig config = nodeConfig(dir.path());
    config.store.env = &env;
    Hash32 ctx;
    QList<int> acked;
    {
        NodeThread thread(config);
        auto started = thread.start();
        QVERIFY2(started, started ? "" : qPrintable(started.error().message));
        QObject receiver;  // on this thread: the signal arrives queued
        QStringList failures;
        QUrl api;
        thread.call([&](Node &n) {
            api = n.apiUrl();
            QObject::connect(&n, &Node::storageFailed, &receiver,
                             [&failures](const QString &message) { failures << message; }, Qt::QueuedConnection);
        });
        Engine &engine = thread.node()->engine();  // thread-safe
        auto app = engine.installApp(wasm("kv_store"), QStringLiteral("kv_store"));
        QVERIFY2(app, app ? "" : qPrintable(app.error().message));
        auto c = engine.createContextSync(app->id, QStringLiteral("fail-stop"));
        QVERIFY2(c, c ? "" : qPrintable(c.error().message));
        ctx = c->id;
        for (int i = 0; i < 5; ++i) {
            auto r = engine.executeSync(ctx, "set", setArgs(i));
            QVERIFY2(r, r ? "" : qPrintable(r.error().message));
            acked << i;
        }
        QVERIFY(failures.isEmpty());

        env.failWritesAfter(0);
        auto r = engine.executeSync(ctx, "set", setArgs(100));
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::StorageFailed);
        QTRY_COMPARE_WITH_TIMEOUT(failures.size(), 1, 10000);
        QVERIFY2(failures.front().contains(QLatin1String("injected")), qPrintable(failures.front()));
        QString nodeFailure;
        thread.call([&](Node &n) { nodeFailure = n.storageFailure(); });
        QCOMPARE(nodeFailure, failures.front());

        // It stopped serving: nothing can ask it for a change any more.
        QVERIFY(api.isValid());
        QTcpSocket socket;
        socket.connectToHost(api.host(), quint16(api.port()));
        QVERIFY2(!socket.waitForConnected(5000), "the API still accepts connections after the storage failed");

        env.heal();
        auto again = engine.executeSync(ctx, "set", setArgs(101));
        QVERIFY(!again);
        QCOMPARE(again.error().code, ErrorCode::StorageFailed);
        thread.stop();
        QCOMPARE(failures.size(), 1);
    }
    Engine::Options o;
    o.dataDir = dir.path();
    auto e = Engine::open(o);
    QVERIFY2(e, e ? "" : qPrintable(e.error().message));
    for (int i : acked) {
        auto r = (*e)->executeSync(ctx, "get", QStringLiteral(R"({"key":"k%1"})").arg(i).toUtf8());
        QVERIFY(r);
        QCOMPARE(r->output, QStringLiteral(R"("v%1")").arg(i).toUtf8());
    }
    auto v = (*e)->verify(ctx);
    QVERIFY(v);
    QVERIFY2(v->ok, qPrintable(v->problem));
}

QTEST_GUILESS_MAIN(TestNodeStorageFailure)
#include "tst_node_storage_failure.moc"
