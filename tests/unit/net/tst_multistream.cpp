// multistream-select: dialer/listener agreement, "na" fallback, "ls",
// pipelined data after the agreement, byte-by-byte delivery, and refusal of
// malformed or oversized input.
#include "net/MultistreamSelect.h"
#include "net/Varint.h"

#include <QRandomGenerator>
#include <QtTest>

using namespace dn;

namespace {

using MS = MultistreamSelect;

MS listenerFor(QStringList supported) {
    return MS::listener([supported](const QString &p) { return supported.contains(p); }, supported);
}

// Runs both machines against each other, delivering `chunk` bytes at a time.
void converse(MS &dialer, MS &listener, int chunk = 1 << 20) {
    QByteArray toListener = dialer.start();
    QByteArray toDialer = listener.start();
    for (int round = 0; round < 100 && (!toListener.isEmpty() || !toDialer.isEmpty()); ++round) {
        QByteArray a, b;
        for (qsizetype i = 0; i < toListener.size(); i += chunk) listener.feed(toListener.mid(i, chunk), b);
        for (qsizetype i = 0; i < toDialer.size(); i += chunk) dialer.feed(toDialer.mid(i, chunk), a);
        toListener = a;
        toDialer = b;
    }
}

}  // namespace

class TstMultistream : public QObject {
    Q_OBJECT
private slots:
    void wireFormat() {
        QCOMPARE(MS::encodeMessage(QStringLiteral("na")), QByteArray::fromHex("036e610a"));
        QCOMPARE(MS::dialer({QStringLiteral("/noise")}).start(),
                 QByteArray("\x13/multistream/1.0.0\n\x07/noise\n"));
    }

    void agreesOnFirstSupported() {
        for (int chunk : {1, 3, 1 << 20}) {
            MS d = MS::dialer({"/a/1", "/b/1", "/c/1"});
            MS l = listenerFor({"/c/1", "/b/1"});
            converse(d, l, chunk);
            QCOMPARE(d.status(), MS::Status::Done);
            QCOMPARE(l.status(), MS::Status::Done);
            QCOMPARE(d.protocol(), QStringLiteral("/b/1"));
            QCOMPARE(l.protocol(), QStringLiteral("/b/1"));
        }
    }

    void noCommonProtocol() {
        MS d = MS::dialer({"/a/1", "/b/1"});
        MS l = listenerFor({"/z/1"});
        converse(d, l);
        QCOMPARE(d.status(), MS::Status::Failed);
        QCOMPARE(d.failure(), MS::Failure::NoCommonProtocol);
        QCOMPARE(d.netError().reason, NetReject::MultistreamUnsupported);
        QCOMPARE(l.status(), MS::Status::Pending);
    }

    void remainderAfterAgreement() {
        MS l = listenerFor({"/echo/1"});
        QByteArray out;
        // A pipelining dialer: header, proposal and data in one write.
        l.feed(MS::encodeMessage(MS::kHeader) + MS::encodeMessage("/echo/1") + "hello", out);
        QCOMPARE(l.status(), MS::Status::Done);
        QCOMPARE(out, MS::encodeMessage("/echo/1"));
        QCOMPARE(l.takeRemainder(), QByteArray("hello"));
        // and on the dialer side, data right after the echo
        MS d = MS::dialer({"/echo/1"});
        QByteArray o2;
        d.start();
        d.feed(l.start() + out + "world", o2);
        QCOMPARE(d.status(), MS::Status::Done);
        QCOMPARE(d.takeRemainder(), QByteArray("world"));
    }

    void listAnswers() {
        MS l = listenerFor({"/x/1", "/y/1"});
        QByteArray out;
        l.feed(MS::encodeMessage(MS::kHeader) + MS::encodeMessage("ls"), out);
        QCOMPARE(l.status(), MS::Status::Pending);
        QByteArray inner = MS::encodeMessage("/x/1") + MS::encodeMessage("/y/1") + "\n";
        QCOMPARE(out, encodeVarint(inner.size()) + inner);
    }

    void headerMustComeFirst() {
        MS l = listenerFor({"/x/1"});
        QByteArray out;
        QCOMPARE(l.feed(MS::encodeMessage("/x/1"), out), MS::Status::Failed);
        QCOMPARE(l.netError().reason, NetReject::MultistreamMalformed);
    }

    void malformed_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("reason");
        const int mal = int(NetReject::MultistreamMalformed), big = int(NetReject::MultistreamOversized);
        QTest::newRow("no newline") << QByteArray("\x05hello") << mal;
        QTest::newRow("zero length") << QByteArray(1, '\0') << mal;
        QTest::newRow("non-minimal varint") << QByteArray::fromHex("8000") << mal;
        QTest::newRow("oversized") << (encodeVarint(5000) + QByteArray(10, 'a')) << big;
        QTest::newRow("huge varint") << QByteArray::fromHex("ffffffffffffffff7f") << big;
        QTest::newRow("wrong header") << MS::encodeMessage("/multistream/2.0.0") << mal;
    }
    void malformed() {
        QFETCH(QByteArray, bytes);
        QFETCH(int, reason);
        MS l = listenerFor({"/x/1"});
        QByteArray out;
        QCOMPARE(l.feed(bytes, out), MS::Status::Failed);
        QCOMPARE(int(l.netError().reason), reason);
        // further input is ignored, the machine stays failed
        QCOMPARE(l.feed(MS::encodeMessage(MS::kHeader), out), MS::Status::Failed);
    }

    void dialerRejectsOddAnswer() {
        MS d = MS::dialer({"/x/1"});
        d.start();
        QByteArray out;
        QCOMPARE(d.feed(MS::encodeMessage(MS::kHeader) + MS::encodeMessage("/y/1"), out), MS::Status::Failed);
        QCOMPARE(d.failure(), MS::Failure::Malformed);
    }

    void proposalFloodBounded() {
        MS l = listenerFor({"/x/1"});
        QByteArray out, in = MS::encodeMessage(MS::kHeader);
        for (int i = 0; i <= MS::kMaxProposals; ++i) in += MS::encodeMessage(QStringLiteral("/nope/%1").arg(i));
        QCOMPARE(l.feed(in, out), MS::Status::Failed);
        QCOMPARE(l.failure(), MS::Failure::TooManyAttempts);
    }

    void randomInputNeverCrashes() {
        QRandomGenerator rng(3);
        for (int i = 0; i < 3000; ++i) {
            MS l = listenerFor({"/x/1"});
            QByteArray b(rng.bounded(0, 64), Qt::Uninitialized);
            for (char &c : b) c = char(rng.bounded(256));
            QByteArray out;
            l.feed(MS::encodeMessage(MS::kHeader) + b, out);
            QVERIFY(out.size() < 4096);
        }
    }
};

QTEST_GUILESS_MAIN(TstMultistream)
#include "tst_multistream.moc"
