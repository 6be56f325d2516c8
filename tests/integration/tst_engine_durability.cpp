// Acceptance: a child process runs transactions through the engine and is
// killed with SIGKILL mid-load; after reopening, every transaction it
// acknowledged is present, and DAG heads, state and root hash agree.
#include "TestUtil.h"
#include "context/Engine.h"
#include <QCoreApplication>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <cstdio>
#include <mutex>

using namespace dn;

namespace {

// Child: write keys k<N> as fast as possible, print "ack N" once each is durable.
int runChild(const QString &dir, const QString &ctxB58) {
    Engine::Options o;
    o.dataDir = dir;
    o.workers = 2;
    auto e = Engine::open(o);
    if (!e) return 2;
    const Hash32 ctx = *Hash32::fromBase58(ctxB58);
    std::mutex out;
    std::atomic<int> inflight{0};
    for (int i = 0;; ++i) {
        while (inflight.load() > 256) QThread::yieldCurrentThread();  // bounded pipelining
        ++inflight;
        const QByteArray args = QStringLiteral(R"({"key":"k%1","value":"v%1"})").arg(i).toUtf8();
        (*e)->execute(ctx, "set", args, [i, &out, &inflight](Result<ExecuteResult> r) {
            --inflight;
            if (!r) return;
            std::lock_guard lock(out);
            std::printf("ack %d\n", i);
            std::fflush(stdout);
        });
    }
}

}  // namespace

class TestEngineDurability : public QObject {
    Q_OBJECT
private slots:
    void killedChildLosesNothingAcknowledged();
};

void TestEngineDurability::killedChildLosesNothingAcknowledged() {
    QTemporaryDir dir;
    Hash32 ctx;
    {
        Engine::Options o;
        o.dataDir = dir.path();
        auto e = Engine::open(o);
        QVERIFY(e);
        auto app = (*e)->installApp(test::readWasm("kv_store"), "kv_store");
        QVERIFY(app);
        auto c = (*e)->createContextSync(app->id, "durable");
        QVERIFY(c);
        ctx = c->id;
    }
    QProcess child;
    child.setProcessChannelMode(QProcess::SeparateChannels);
    child.start(QCoreApplication::applicationFilePath(), {"--child", dir.path(), ctx.toBase58()});
    QVERIFY(child.waitForStarted(10000));
    QList<int> acked;
    QByteArray buffer;
    QDeadlineTimer deadline(60000);
    while (acked.size() < 3000 && !deadline.hasExpired()) {
        child.waitForReadyRead(1000);
        buffer += child.readAllStandardOutput();
        int nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
            const QByteArray line = buffer.left(nl);
            buffer.remove(0, nl + 1);
            if (line.startsWith("ack ")) acked << line.mid(4).toInt();
        }
        QVERIFY2(child.state() == QProcess::Running, child.readAllStandardError().constData());
    }
    QVERIFY2(acked.size() >= 3000, "child did not acknowledge enough transactions in time");
    child.kill();  // SIGKILL, mid-load
    QVERIFY(child.waitForFinished(10000));
    // Acks printed between our last read and the kill still count.
    buffer += child.readAllStandardOutput();
    for (const QByteArray &line : buffer.split('\n'))
        if (line.startsWith("ack ")) acked << line.mid(4).toInt();

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
    QVERIFY(v->appliedDeltas >= uint64_t(acked.size()) + 1);
    qInfo() << "acknowledged" << acked.size() << "applied on disk" << v->appliedDeltas;
}

int main(int argc, char **argv) {
    if (argc == 4 && qstrcmp(argv[1], "--child") == 0) {
        QCoreApplication app(argc, argv);
        return runChild(QString::fromLocal8Bit(argv[2]), QString::fromLocal8Bit(argv[3]));
    }
    QCoreApplication app(argc, argv);
    TestEngineDurability t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_engine_durability.moc"
