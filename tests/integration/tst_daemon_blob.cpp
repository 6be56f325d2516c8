// Issue 3, acceptance 4: a 200 MiB blob goes up with `deltactl blob put` and
// comes back with `deltactl blob get` byte-identical, while the daemon's RSS
// (sampled from /proc throughout) grows by less than 64 MiB — neither side of
// the transfer may hold the blob in memory.
#include "DaemonHarness.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

using namespace dn::test;

namespace {

constexpr qint64 kBlobBytes = 200LL * 1024 * 1024;

// Deterministic incompressible bytes (splitmix64), written 1 MiB at a time;
// returns the SHA-256 of what was written.
QByteArray writePseudoRandomFile(const QString &path, qint64 size) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return {};
    QCryptographicHash sha(QCryptographicHash::Sha256);
    uint64_t state = 0x5eed'0000'dead'beefULL;
    QByteArray buf(1 << 20, Qt::Uninitialized);
    for (qint64 done = 0; done < size; done += buf.size()) {
        auto *w = reinterpret_cast<uint64_t *>(buf.data());
        for (qsizetype i = 0; i < buf.size() / 8; ++i) {
            uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            w[i] = z ^ (z >> 31);
        }
        const QByteArray piece = buf.left(qMin<qint64>(buf.size(), size - done));
        if (f.write(piece) != piece.size()) return {};
        sha.addData(piece);
    }
    return sha.result();
}

QByteArray sha256OfFile(const QString &path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    QCryptographicHash sha(QCryptographicHash::Sha256);
    sha.addData(&f);  // reads in pieces
    return sha.result();
}

}  // namespace

class DaemonBlobTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<Daemon> node_;
    RawHttp http_;
    qint64 peakRss_ = 0;
    QTimer sampler_;

    qint64 peakCtlRss_ = 0;

    // Runs deltactl while the sampler keeps measuring the daemon; deltactl's
    // own peak RSS goes to peakCtlRss_ (it must not hold the file either).
    CtlResult runSampled(const QStringList &args, int timeoutMs) {
        auto p = startCtl(nodeArgs(*node_) + args);
        QTimer ctlSampler;
        connect(&ctlSampler, &QTimer::timeout, this, [&] { peakCtlRss_ = qMax(peakCtlRss_, rssKiB(p->processId())); });
        ctlSampler.start(50);
        [&] { QTRY_VERIFY_WITH_TIMEOUT(p->state() == QProcess::NotRunning, timeoutMs); }();
        return finishCtl(*p, 1000);
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        node_ = std::make_unique<Daemon>(dir_.filePath(QStringLiteral("node")));
        QString error;
        QVERIFY2(node_->start(&error), qPrintable(error));
        connect(&sampler_, &QTimer::timeout, this, [this] { peakRss_ = qMax(peakRss_, node_->rss()); });
    }

    void twoHundredMiBRoundTrip() {
        const QString src = dir_.filePath(QStringLiteral("big.bin"));
        const QString dst = dir_.filePath(QStringLiteral("big.out"));
        const QByteArray srcHash = writePseudoRandomFile(src, kBlobBytes);
        QVERIFY(!srcHash.isEmpty());

        // Warm the upload and download paths with a small blob, so the
        // baseline includes the node's steady-state buffers.
        const QString small = dir_.filePath(QStringLiteral("small.bin"));
        QVERIFY(!writePseudoRandomFile(small, 3 * 1024 * 1024 + 5).isEmpty());
        CtlResult warm = ctl(*node_, {QStringLiteral("--json"), QStringLiteral("blob"), QStringLiteral("put"), small});
        QVERIFY2(warm.exitCode == 0, qPrintable(warm.describe()));
        warm = ctl(*node_, {QStringLiteral("blob"), QStringLiteral("get"), warm.json().value(QLatin1String("blobId")).toString(),
                            dir_.filePath(QStringLiteral("small.out"))});
        QVERIFY2(warm.exitCode == 0, qPrintable(warm.describe()));

        const qint64 baseline = node_->rss();
        QVERIFY(baseline > 0);
        peakRss_ = baseline;
        sampler_.start(50);
        QElapsedTimer t;
        t.start();

        const CtlResult put = runSampled({QStringLiteral("--json"), QStringLiteral("blob"), QStringLiteral("put"), src}, 120000);
        QVERIFY2(put.exitCode == 0, qPrintable(put.describe()));
        const qint64 putMs = t.restart();
        const QString blobId = put.json().value(QLatin1String("blobId")).toString();
        QVERIFY(!blobId.isEmpty());
        QCOMPARE(qint64(put.json().value(QLatin1String("size")).toDouble()), kBlobBytes);

        const CtlResult get = runSampled({QStringLiteral("blob"), QStringLiteral("get"), blobId, dst}, 120000);
        QVERIFY2(get.exitCode == 0, qPrintable(get.describe()));
        const qint64 getMs = t.elapsed();
        sampler_.stop();
        peakRss_ = qMax(peakRss_, node_->rss());

        qInfo("200 MiB: put %lld ms, get %lld ms; daemon RSS baseline %lld KiB, peak %lld KiB; deltactl peak %lld KiB", putMs, getMs,
              baseline, peakRss_, peakCtlRss_);
        QCOMPARE(QFileInfo(dst).size(), kBlobBytes);
        QCOMPARE(sha256OfFile(dst), srcHash);
        QVERIFY2(peakRss_ - baseline < 64 * 1024, qPrintable(QStringLiteral("daemon RSS grew by %1 KiB").arg(peakRss_ - baseline)));
        QVERIFY2(peakCtlRss_ > 0 && peakCtlRss_ < 64 * 1024, qPrintable(QStringLiteral("deltactl peaked at %1 KiB").arg(peakCtlRss_)));

        // The node describes it consistently: 200 chunks of 1 MiB, listed.
        const CtlResult info = ctl(*node_, {QStringLiteral("--json"), QStringLiteral("blob"), QStringLiteral("info"), blobId});
        QVERIFY2(info.exitCode == 0, qPrintable(info.describe()));
        QCOMPARE(qint64(info.json().value(QLatin1String("size")).toDouble()), kBlobBytes);
        QCOMPARE(info.json().value(QLatin1String("chunks")).toInt(), 200);
        bool listed = false;
        for (const QJsonValue &b : http_.get(*node_, QStringLiteral("/admin-api/blobs")).json().value(QLatin1String("blobs")).toArray())
            listed = listed || b.toObject().value(QLatin1String("blobId")).toString() == blobId;
        QVERIFY(listed);
        QFile::remove(src);
        QFile::remove(dst);
    }

    void cleanupTestCase() {
        QString error;
        if (node_ && node_->running()) QVERIFY2(node_->stop(&error), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(DaemonBlobTest)
#include "tst_daemon_blob.moc"
