// Yamux sessions wired back to back (no sockets): stream life cycle, flow
// control windows, half-close, reset, ping, go-away, limits, and refusal of
// protocol violations.
#include "net/YamuxSession.h"

#include <QtTest>

using namespace dn;

namespace {

struct Link {
    YamuxSession client{true}, server{false};
    std::vector<YamuxEvent> cEvents, sEvents;
    explicit Link(YamuxConfig c = {}) : client(true, c), server(false, c) {}
    // Delivers queued output both ways until quiet.
    void pump() {
        for (int i = 0; i < 100; ++i) {
            QByteArray a = client.takeOutput(), b = server.takeOutput();
            if (a.isEmpty() && b.isEmpty()) break;
            if (!a.isEmpty()) server.feed(a);
            if (!b.isEmpty()) client.feed(b);
        }
        for (auto &e : client.takeEvents()) cEvents.push_back(e);
        for (auto &e : server.takeEvents()) sEvents.push_back(e);
    }
    static int count(const std::vector<YamuxEvent> &ev, YamuxEvent::Kind k, uint32_t id = 0) {
        int n = 0;
        for (auto &e : ev) n += e.kind == k && (id == 0 || e.stream == id);
        return n;
    }
};

QByteArray frame(uint8_t type, uint16_t flags, uint32_t id, uint32_t len, QByteArray data = {}) {
    YamuxHeader h;
    h.type = type;
    h.flags = flags;
    h.streamId = id;
    h.length = len;
    QByteArray out;
    h.appendTo(out);
    return out + data;
}

}  // namespace

class TstYamux : public QObject {
    Q_OBJECT
private slots:
    void headerRoundTrip() {
        QByteArray b = frame(YamuxHeader::WindowUpdate, YamuxHeader::Syn | YamuxHeader::Fin, 0x01020304, 0xa0b0c0d0);
        QCOMPARE(b.toHex(), QByteArray("000100050102030" "4a0b0c0d0"));
        auto h = YamuxHeader::parse(b);
        QVERIFY(h);
        QCOMPARE(h->streamId, 0x01020304u);
        QCOMPARE(h->length, 0xa0b0c0d0u);
        QVERIFY(h->has(YamuxHeader::Fin));
        QVERIFY(!YamuxHeader::parse(b.left(11)));
    }

    void openWriteReadBothWays() {
        Link l;
        const uint32_t id = l.client.openStream();
        QCOMPARE(id, 1u);  // client ids are odd
        QVERIFY(l.client.write(id, "hello"));
        l.pump();
        QCOMPARE(Link::count(l.sEvents, YamuxEvent::Opened, id), 1);
        QCOMPARE(l.server.read(id), QByteArray("hello"));
        QVERIFY(l.server.write(id, "world"));
        l.pump();
        QCOMPARE(l.client.read(id), QByteArray("world"));
        QCOMPARE(l.server.openStream(), 2u);  // server ids are even
    }

    void halfCloseThenClose() {
        Link l;
        const uint32_t id = l.client.openStream();
        l.client.write(id, "req");
        l.client.closeWrite(id);
        QVERIFY(!l.client.write(id, "late"));
        l.pump();
        QCOMPARE(Link::count(l.sEvents, YamuxEvent::RemoteFin, id), 1);
        QVERIFY(l.server.remoteClosed(id));
        QCOMPARE(l.server.read(id), QByteArray("req"));
        l.server.write(id, "resp");  // the other half still works
        l.server.closeWrite(id);
        l.pump();
        QCOMPARE(l.client.read(id), QByteArray("resp"));
        // both halves closed and drained: forgotten on both sides
        QVERIFY(!l.client.contains(id));
        QVERIFY(!l.server.contains(id));
    }

    void resetDropsStream() {
        Link l;
        const uint32_t id = l.client.openStream();
        l.client.write(id, "x");
        l.pump();
        l.server.reset(id);
        l.pump();
        QCOMPARE(Link::count(l.cEvents, YamuxEvent::Reset, id), 1);
        QVERIFY(!l.client.contains(id));
        QVERIFY(!l.client.write(id, "y"));
        QVERIFY(!l.client.hasFailed() && !l.server.hasFailed());
    }

    void windowLimitsInFlightData() {
        Link l;
        const uint32_t id = l.client.openStream();
        const QByteArray big(1 << 20, 'z');  // 4 windows
        l.client.write(id, big);
        l.pump();
        // The server app has read nothing: exactly one window arrived.
        QCOMPARE(l.server.bytesAvailable(id), qsizetype(YamuxConfig::kInitialWindow));
        QCOMPARE(l.client.bytesToWrite(id), qsizetype(big.size() - YamuxConfig::kInitialWindow));
        QByteArray got;
        for (int i = 0; i < 50 && got.size() < big.size(); ++i) {
            got += l.server.read(id);
            l.pump();
        }
        QCOMPARE(got, big);
        QVERIFY(Link::count(l.cEvents, YamuxEvent::Writable, id) > 1);
    }

    void largerConfiguredWindowIsAdvertised() {
        YamuxConfig c;
        c.window = 1 << 20;
        Link l(c);
        const uint32_t id = l.client.openStream();
        l.client.write(id, QByteArray(c.window, 'q'));
        l.pump();
        QCOMPARE(l.server.bytesAvailable(id), qsizetype(c.window));
    }

    void pingMeasuresRtt() {
        Link l;
        l.client.ping();
        l.pump();
        QCOMPARE(Link::count(l.cEvents, YamuxEvent::PingRtt), 1);
        for (auto &e : l.cEvents)
            if (e.kind == YamuxEvent::PingRtt) QVERIFY(e.value > 0);
        // A stale or unsolicited ACK is ignored, not an error.
        QVERIFY(l.client.feed(frame(YamuxHeader::Ping, YamuxHeader::Ack, 0, 999)));
        QVERIFY(!l.client.hasFailed());
    }

    void goAwayStopsNewStreams() {
        Link l;
        l.server.goAway();
        l.pump();
        QCOMPARE(Link::count(l.cEvents, YamuxEvent::GoAway), 1);
        QVERIFY(l.client.remoteGoneAway());
        QCOMPARE(l.client.openStream(), 0u);
        // The side that sent it refuses (resets) streams opened anyway.
        QVERIFY(l.server.feed(frame(YamuxHeader::WindowUpdate, YamuxHeader::Syn, 5, 0)));
        QVERIFY(l.server.takeOutput().contains(frame(YamuxHeader::WindowUpdate, YamuxHeader::Rst, 5, 0)));
    }

    void streamLimitRefusesButKeepsSession() {
        YamuxConfig c;
        c.maxStreams = 3;
        YamuxSession s(false, c);
        for (uint32_t id = 1; id <= 7; id += 2) QVERIFY(s.feed(frame(YamuxHeader::WindowUpdate, YamuxHeader::Syn, id, 0)));
        int opened = 0, refused = 0;
        for (auto &e : s.takeEvents()) {
            opened += e.kind == YamuxEvent::Opened;
            refused += e.kind == YamuxEvent::Refused;
        }
        QCOMPARE(opened, 3);
        QCOMPARE(refused, 1);
        QVERIFY(!s.hasFailed());
    }

    void protocolViolations_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("reason");
        const int proto = int(NetReject::YamuxProtocolError), win = int(NetReject::YamuxWindowExceeded);
        QByteArray v1 = frame(YamuxHeader::Data, 0, 1, 0);
        v1[0] = 1;
        QTest::newRow("version") << v1 << proto;
        QTest::newRow("type") << frame(7, 0, 1, 0) << proto;
        QTest::newRow("data on stream 0") << frame(YamuxHeader::Data, 0, 0, 1, "x") << proto;
        QTest::newRow("ping on a stream") << frame(YamuxHeader::Ping, YamuxHeader::Syn, 3, 1) << proto;
        QTest::newRow("our parity") << frame(YamuxHeader::WindowUpdate, YamuxHeader::Syn, 2, 0) << proto;
        QTest::newRow("twice") << (frame(YamuxHeader::WindowUpdate, YamuxHeader::Syn, 1, 0) +
                                   frame(YamuxHeader::WindowUpdate, YamuxHeader::Syn, 1, 0)) << proto;
        QTest::newRow("frame over window") << frame(YamuxHeader::Data, YamuxHeader::Syn, 1, (256 << 10) + 1) << win;
        QByteArray fill = frame(YamuxHeader::Data, YamuxHeader::Syn, 1, 200000, QByteArray(200000, 'a'));
        QTest::newRow("window exceeded") << (fill + frame(YamuxHeader::Data, 0, 1, 100000, QByteArray(100000, 'b'))) << win;
        QTest::newRow("data after fin") << (frame(YamuxHeader::WindowUpdate, YamuxHeader::Syn | YamuxHeader::Fin, 1, 0) +
                                            frame(YamuxHeader::Data, 0, 1, 1, "x")) << proto;
        QTest::newRow("window overflow") << (frame(YamuxHeader::WindowUpdate, YamuxHeader::Syn, 1, 0xffff0000) +
                                             frame(YamuxHeader::WindowUpdate, 0, 1, 0xffff0000)) << proto;
    }
    void protocolViolations() {
        QFETCH(QByteArray, bytes);
        QFETCH(int, reason);
        YamuxSession s(false);
        QVERIFY(!s.feed(bytes));
        QVERIFY(s.hasFailed());
        QCOMPARE(int(s.error()->reason), reason);
        // A GoAway(protocol error) is queued for the peer.
        QVERIFY(s.takeOutput().endsWith(frame(YamuxHeader::GoAway, 0, 0, YamuxHeader::ProtocolError)));
        QVERIFY(!s.feed(frame(YamuxHeader::Ping, YamuxHeader::Syn, 0, 1)));
    }

    void lateFramesForForgottenStreamsIgnored() {
        YamuxSession s(false);
        QVERIFY(s.feed(frame(YamuxHeader::Data, 0, 9, 3, "abc")));
        QVERIFY(s.feed(frame(YamuxHeader::WindowUpdate, YamuxHeader::Fin, 9, 0)));
        QVERIFY(!s.hasFailed());
        QVERIFY(s.takeEvents().empty());
    }

    void byteByByteDelivery() {
        Link l;
        const uint32_t id = l.client.openStream();
        l.client.write(id, "fragmented");
        const QByteArray wire = l.client.takeOutput();
        for (char c : wire) QVERIFY(l.server.feed(QByteArray(1, c)));
        QCOMPARE(l.server.read(id), QByteArray("fragmented"));
    }
};

QTEST_GUILESS_MAIN(TstYamux)
#include "tst_yamux.moc"
