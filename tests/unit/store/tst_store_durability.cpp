// Crash durability: whatever the store acknowledged (its done callback ran)
// must survive a SIGKILL of the process.
//
// The binary re-executes itself with `--child <dir>`: the child commits
// numbered batches as fast as it can and prints each acknowledged number; the
// parent kills it mid-stream and then checks every printed number is stored.
#include "store/Store.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <cstdio>
#include <cstring>
#include <semaphore>

using namespace dn;

namespace {
QByteArray ackKey(quint64 n) { return "n/" + QByteArray::number(n).rightJustified(12, '0'); }

// Runs until killed (or a safety deadline, should the parent have vanished).
int runChild(const char *dir) {
    auto r = Store::open(QString::fromLocal8Bit(dir));
    if (!r) {
        std::fprintf(stderr, "child: %s\n", qPrintable(r.error().message));
        return 2;
    }
    Store &store = *r.value();
    // Bounds the queue: the child produces far faster than fsync drains.
    std::counting_semaphore<1024> inFlight(1024);
    QElapsedTimer alive;
    alive.start();
    for (quint64 n = 0; alive.elapsed() < 120000; ++n) {
        inFlight.acquire();
        Batch b;
        b.put(ackKey(n), QByteArray(64, char('a' + n % 26)));
        store.commit(std::move(b), [n, &inFlight](bool ok) {
            if (ok) {
                std::printf("%llu\n", static_cast<unsigned long long>(n));
                std::fflush(stdout);
            }
            inFlight.release();
        });
    }
    return 3;
}
}  // namespace

class TstStoreDurability : public QObject {
    Q_OBJECT
private slots:
    void acknowledgedSurvivesSigkill();
};

void TstStoreDurability::acknowledgedSurvivesSigkill() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QProcess child;
    QByteArray pendingOut;
    std::vector<quint64> acks;
    connect(&child, &QProcess::readyReadStandardOutput, this, [&] {
        pendingOut += child.readAllStandardOutput();
        qsizetype nl;
        while ((nl = pendingOut.indexOf('\n')) >= 0) {  // only complete lines count
            acks.push_back(pendingOut.left(nl).toULongLong());
            pendingOut.remove(0, nl + 1);
        }
    });
    child.start(QCoreApplication::applicationFilePath(), {"--child", dir.path()});
    QVERIFY2(child.waitForStarted(10000), qPrintable(child.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(acks.size() >= 2000 || child.state() == QProcess::NotRunning, 60000);
    QVERIFY2(child.state() == QProcess::Running, child.readAllStandardError().constData());
    child.kill();  // SIGKILL: no destructor, no flush
    QVERIFY(child.waitForFinished(10000));
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);
    // Lines already in the pipe were acknowledged before the kill too.
    pendingOut += child.readAllStandardOutput();
    const QByteArray complete = pendingOut.left(pendingOut.lastIndexOf('\n') + 1);
    for (const QByteArray &line : complete.split('\n'))
        if (!line.isEmpty()) acks.push_back(line.toULongLong());
    QVERIFY(acks.size() >= 2000);

    auto r = Store::open(dir.path());
    QVERIFY2(r, qPrintable(r ? QString() : r.error().message));
    Store &store = *r.value();
    quint64 maxAck = 0;
    for (quint64 n : acks) {
        QVERIFY2(store.contains(ackKey(n)), qPrintable(QStringLiteral("acknowledged batch %1 lost").arg(n)));
        maxAck = std::max(maxAck, n);
    }
    // Batches become durable in order, so nothing below the last ack is missing.
    quint64 stored = 0;
    store.scan("n/", [&](const QByteArray &k, const QByteArray &) {
        if (k != ackKey(stored)) return false;
        ++stored;
        return true;
    });
    QVERIFY2(stored > maxAck, qPrintable(QStringLiteral("gap below %1 (contiguous prefix %2)").arg(maxAck).arg(stored)));
    qInfo() << acks.size() << "acks checked; highest" << maxAck << "; stored" << stored;
}

int main(int argc, char **argv) {
    // Child mode must bypass QtTest entirely (it would parse the arguments).
    if (argc == 3 && std::strcmp(argv[1], "--child") == 0) return runChild(argv[2]);
    QCoreApplication app(argc, argv);
    TstStoreDurability t;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&t, argc, argv);
}

#include "tst_store_durability.moc"
