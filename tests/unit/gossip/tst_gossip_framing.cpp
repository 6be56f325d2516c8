// The adapter's pieces that need no network: uvarint RPC framing with its
// size bound, and the per-peer two-lane outbound queue.
#include "gossip/OutboundQueue.h"
#include "gossip/RpcFrameReader.h"

#include <QtTest>

using namespace dn;
using Status = RpcFrameReader::Status;

class TestGossipFraming : public QObject {
    Q_OBJECT
private slots:
    void framesSplitAcrossReads() {
        const QByteArray a(3, 'a'), b(200, 'b'), empty;
        const QByteArray stream = frameRpc(a) + frameRpc(b) + frameRpc(empty);
        QCOMPARE(frameRpc(b).left(2), QByteArray::fromHex("c801"));  // 200 as a uvarint
        // Fed one byte at a time, the frames come out whole and in order.
        RpcFrameReader r(1024);
        QList<QByteArray> got;
        for (char ch : stream) {
            r.append(QByteArrayView(&ch, 1));
            QByteArray f;
            while (r.next(f) == Status::Frame) got.append(f);
        }
        QCOMPARE(got, (QList<QByteArray>{a, b, empty}));
        QCOMPARE(r.buffered(), 0);
    }

    void oversizedLengthRefusedBeforeBuffering() {
        RpcFrameReader r(1000);
        r.append(QByteArray::fromHex("e907"));  // 1001
        QByteArray f;
        QCOMPARE(r.next(f), Status::TooLarge);
        QCOMPARE(r.next(f), Status::TooLarge);  // sticky
        RpcFrameReader exact(1000);
        exact.append(QByteArray::fromHex("e807"));  // 1000: allowed
        QCOMPARE(exact.next(f), Status::NeedMore);
        QCOMPARE(exact.pendingFrameSize(), 1000);
    }

    void malformedLengthRejected() {
        RpcFrameReader r(1 << 20);
        r.append(QByteArray::fromHex("8000"));  // non-minimal varint
        QByteArray f;
        QCOMPARE(r.next(f), Status::Invalid);
        RpcFrameReader endless(1 << 20);
        endless.append(QByteArray(12, char(0xff)));  // longer than any varint
        QCOMPARE(endless.next(f), Status::Invalid);
    }

    void queueControlFirst() {
        OutboundQueue q;
        QVERIFY(q.push("d1", false));
        QVERIFY(q.push("c1", true));
        QVERIFY(q.push("d2", false));
        QVERIFY(q.push("c2", true));
        QCOMPARE(q.size(), 4);
        QCOMPARE(q.bytes(), 8);
        QCOMPARE(q.pop(), QByteArray("c1"));
        QCOMPARE(q.pop(), QByteArray("c2"));
        QCOMPARE(q.pop(), QByteArray("d1"));
        QCOMPARE(q.pop(), QByteArray("d2"));
        QVERIFY(q.isEmpty());
        QCOMPARE(q.bytes(), 0);
    }

    void queueBoundedPerLane() {
        OutboundQueue q(OutboundQueueLimits{2, 3, 1 << 20});
        for (int i = 0; i < 3; ++i) QVERIFY(q.push("data", false));
        QVERIFY(!q.push("data", false));  // data lane full
        QVERIFY(q.push("ctl", true));     // control still has room
        QVERIFY(q.push("ctl", true));
        QVERIFY(!q.push("ctl", true));
        QCOMPARE(q.dropped(), quint64(2));
        QCOMPARE(q.size(), 5);
    }

    void queueBoundedInBytes() {
        OutboundQueue q(OutboundQueueLimits{10, 10, 100});
        QVERIFY(q.push(QByteArray(500, 'x'), false));  // an empty queue takes any one frame
        QVERIFY(!q.push(QByteArray(1, 'x'), true));
        q.pop();
        QVERIFY(q.push(QByteArray(60, 'x'), false));
        QVERIFY(!q.push(QByteArray(41, 'x'), false));
        QVERIFY(q.push(QByteArray(40, 'x'), false));
        q.clear();
        QVERIFY(q.isEmpty());
        QCOMPARE(q.bytes(), 0);
    }
};

QTEST_GUILESS_MAIN(TestGossipFraming)
#include "tst_gossip_framing.moc"
