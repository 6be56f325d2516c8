// Hostile bytes on the raw TCP port at every layer (multistream, Noise,
// yamux, per-stream negotiation, Identify, Ping): the connection or stream
// is closed cleanly, the refusal is counted by reason, and the host keeps
// serving a well-behaved peer.
#include "HostFixture.h"

#include "net/ConnectionUpgrade.h"
#include "net/NoiseSession.h"
#include "net/IdentifyService.h"
#include "net/PingService.h"
#include "net/Varint.h"
#include "net/YamuxFrame.h"

#include <QRandomGenerator>
#include <QTcpSocket>

using namespace dn;
using namespace dn::test;

namespace {

// A TCP client that speaks only what the test makes it speak.
struct RawClient {
    QTcpSocket sock;
    QByteArray received;
    bool closed = false;
    std::unique_ptr<ConnectionUpgrade> upgrade;

    explicit RawClient(const Multiaddr &to) {
        QObject::connect(&sock, &QTcpSocket::readyRead, [this] { onData(sock.readAll()); });
        QObject::connect(&sock, &QTcpSocket::disconnected, [this] { closed = true; });
        sock.connectToHost(to.ipAddress(), to.tcpPort());
    }
    bool waitConnected() {
        QElapsedTimer t;
        t.start();
        while (sock.state() != QAbstractSocket::ConnectedState && t.elapsed() < 5000) QTest::qWait(2);
        return sock.state() == QAbstractSocket::ConnectedState;
    }
    void onData(const QByteArray &b) {
        if (!upgrade || upgrade->isDone() || upgrade->hasFailed()) {
            received += b;
            return;
        }
        QByteArray out;
        upgrade->feed(b, out);
        if (!out.isEmpty()) sock.write(out);
    }
    // Runs a genuine upgrade as the dialer (fresh identity).
    void beginUpgrade(bool inlineMuxers) {
        upgrade = std::make_unique<ConnectionUpgrade>(true, Ed25519Key::generate(), inlineMuxers);
        sock.write(upgrade->start());
        onData(std::exchange(received, {}));  // the listener's header may be here already
    }
    bool upgradeFully(bool inlineMuxers) {
        beginUpgrade(inlineMuxers);
        QElapsedTimer t;
        t.start();
        while (!upgrade->isDone() && !upgrade->hasFailed() && t.elapsed() < 5000) QTest::qWait(2);
        if (!upgrade->isDone())
            qWarning() << "upgrade stopped in" << upgrade->phaseName()
                       << (upgrade->error() ? upgrade->error()->message : QString()) << closed;
        return upgrade->isDone();
    }
    void send(const QByteArray &b) { sock.write(b); }
    void sendEncrypted(const QByteArray &plain) { sock.write(upgrade->noise().encrypt(plain)); }
    bool waitClosed(int ms = 5000) {
        QElapsedTimer t;
        t.start();
        while (!closed && t.elapsed() < ms) QTest::qWait(2);
        return closed;
    }
};

QByteArray yamuxFrame(uint8_t version, uint8_t type, uint16_t flags, uint32_t id, uint32_t len,
                      const QByteArray &data = {}) {
    YamuxHeader h;
    h.version = version;
    h.type = type;
    h.flags = flags;
    h.streamId = id;
    h.length = len;
    QByteArray out;
    h.appendTo(out);
    return out + data;
}

QByteArray mss(const QString &p) { return MultistreamSelect::encodeMessage(p); }

}  // namespace

class TstHostBadInput : public QObject {
    Q_OBJECT

    std::unique_ptr<TestHost> b;  // the victim
    std::unique_ptr<TestHost> good;

    // The victim still serves: a fresh peer connects, identifies and pings.
    void victimStillServes() {
        TestHost c;
        QString err;
        QVERIFY2(dialAndWait(*c.host, b->addr, &err), qPrintable(err));
        std::optional<Result<qint64>> rtt;
        c->ping((*b)->peerId(), [&rtt](Result<qint64> r) { rtt = r; });
        QTRY_VERIFY_WITH_TIMEOUT(rtt.has_value(), 5000);
        QVERIFY(*rtt);
        QVERIFY((*good)->isConnected((*b)->peerId()));
    }

    uint64_t rejected(NetReject r) const { return (*b)->counters().rejected(r); }

private slots:
    void init() {
        HostConfig c = quietConfig();
        c.upgradeTimeoutMs = 400;
        c.maxPendingUpgrades = 8;
        b = std::make_unique<TestHost>(c);
        good = std::make_unique<TestHost>();
        QVERIFY(dialAndWait(*good->host, b->addr));  // an established peer throughout
    }
    void cleanup() {
        good.reset();
        b.reset();
    }

    void multistreamLayer_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("reason");
        QTest::newRow("no newline") << QByteArray("\x05hello") << int(NetReject::MultistreamMalformed);
        QTest::newRow("wrong header") << mss("/multistream/9") << int(NetReject::MultistreamMalformed);
        QTest::newRow("oversized") << (encodeVarint(5000) + QByteArray(100, 'a')) << int(NetReject::MultistreamOversized);
        QTest::newRow("bad varint") << QByteArray::fromHex("ffffffffffffffffffff") << int(NetReject::MultistreamMalformed);
    }
    void multistreamLayer() {
        QFETCH(QByteArray, bytes);
        QFETCH(int, reason);
        RawClient raw(b->addr);
        QVERIFY(raw.waitConnected());
        raw.send(bytes);
        QVERIFY(raw.waitClosed());
        QCOMPARE(rejected(NetReject(reason)), 1u);
        victimStillServes();
    }

    void randomBytes() {
        QRandomGenerator rng(2024);
        for (int i = 0; i < 5; ++i) {
            QByteArray junk(4096, Qt::Uninitialized);
            for (char &c : junk) c = char(rng.bounded(256));
            RawClient raw(b->addr);
            QVERIFY(raw.waitConnected());
            raw.send(junk);
            QVERIFY(raw.waitClosed());
        }
        QCOMPARE((*b)->counters().rejectedTotal(), 5u);
        victimStillServes();
    }

    void truncatedHandshakeTimesOut() {
        RawClient raw(b->addr);
        QVERIFY(raw.waitConnected());
        // Agree on /noise, then promise a 65535-byte message and stall.
        raw.send(mss(MultistreamSelect::kHeader) + mss("/noise") + QByteArray::fromHex("ffff") + QByteArray(100, 'x'));
        QVERIFY(raw.waitClosed());
        QCOMPARE(rejected(NetReject::HandshakeTimeout), 1u);
        victimStillServes();
    }

    void noiseShortFrame() {
        RawClient raw(b->addr);
        QVERIFY(raw.waitConnected());
        raw.send(mss(MultistreamSelect::kHeader) + mss("/noise") + QByteArray::fromHex("0004deadbeef"));
        QVERIFY(raw.waitClosed());
        QCOMPARE(rejected(NetReject::NoiseBadFrame), 1u);
        victimStillServes();
    }

    void noiseGarbageAfterHandshake() {
        RawClient raw(b->addr);
        QVERIFY(raw.waitConnected());
        QVERIFY(raw.upgradeFully(true));
        raw.send(QByteArray::fromHex("0020") + QByteArray(32, '\x55'));  // does not decrypt
        QVERIFY(raw.waitClosed());
        QCOMPARE(rejected(NetReject::NoiseDecryptFailed), 1u);
        victimStillServes();
    }

    void muxerNegotiationGarbage() {
        RawClient raw(b->addr);
        QVERIFY(raw.waitConnected());
        // Agree on /noise and shake hands by hand, then answer the muxer
        // negotiation (inside Noise) with junk.
        const QByteArray mssReply = mss(MultistreamSelect::kHeader) + mss("/noise");
        raw.send(mssReply);
        NoiseSession noise(true, Ed25519Key::generate());
        raw.send(noise.start());
        QTRY_VERIFY_WITH_TIMEOUT(raw.received.size() > mssReply.size(), 5000);
        QVERIFY(raw.received.startsWith(mssReply));
        QByteArray out, plain;
        QVERIFY(noise.feed(std::exchange(raw.received, {}).mid(mssReply.size()), out, plain));
        QElapsedTimer t;
        t.start();
        while (!noise.isEstablished() && t.elapsed() < 5000) {
            QTest::qWait(2);
            QVERIFY(noise.feed(std::exchange(raw.received, {}), out, plain));
        }
        QVERIFY(noise.isEstablished());
        raw.send(out);
        raw.send(noise.encrypt("\x05oops!"));
        QVERIFY(raw.waitClosed());
        QCOMPARE(rejected(NetReject::MultistreamMalformed), 1u);
        victimStillServes();
    }

    void yamuxLayer_data() {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<int>("reason");
        QTest::newRow("version") << yamuxFrame(1, 0, 0, 1, 0) << int(NetReject::YamuxProtocolError);
        QTest::newRow("type") << yamuxFrame(0, 9, 0, 1, 0) << int(NetReject::YamuxProtocolError);
        QTest::newRow("listener parity") << yamuxFrame(0, 1, 1, 2, 0) << int(NetReject::YamuxProtocolError);
        QTest::newRow("oversized data") << yamuxFrame(0, 0, 1, 1, 1u << 30) << int(NetReject::YamuxWindowExceeded);
    }
    void yamuxLayer() {
        QFETCH(QByteArray, frame);
        QFETCH(int, reason);
        RawClient raw(b->addr);
        QVERIFY(raw.waitConnected());
        QVERIFY(raw.upgradeFully(true));
        raw.sendEncrypted(frame);
        QVERIFY(raw.waitClosed());
        QCOMPARE(rejected(NetReject(reason)), 1u);
        victimStillServes();
    }

    void streamNegotiationGarbageResetsOnlyTheStream() {
        RawClient raw(b->addr);
        QVERIFY(raw.waitConnected());
        QVERIFY(raw.upgradeFully(true));
        raw.sendEncrypted(yamuxFrame(0, 0, 1, 1, 6, "\x05nope!"));  // SYN + bad multistream
        QTRY_COMPARE_WITH_TIMEOUT(rejected(NetReject::MultistreamMalformed), 1u, 5000);
        QVERIFY(!raw.closed);  // the connection survives a bad stream
        raw.sendEncrypted(yamuxFrame(0, 2, 1, 0, 7));  // yamux ping
        QTRY_VERIFY_WITH_TIMEOUT(!raw.received.isEmpty(), 5000);
        victimStillServes();
    }

    void identifyGarbage() {
        Stream *s = openAndWait(*good->host, (*b)->peerId(), {IdentifyService::kPushProtocol});
        QVERIFY(s);
        s->write(QByteArray::fromHex("0affffffff"));  // length past the end
        s->closeWrite();
        QTRY_COMPARE_WITH_TIMEOUT(rejected(NetReject::IdentifyMalformed), 1u, 5000);
        Stream *big = openAndWait(*good->host, (*b)->peerId(), {IdentifyService::kPushProtocol});
        QVERIFY(big);
        big->write(QByteArray(IdentifyMessage::kMaxBytes + 10, '\x08'));
        QTRY_COMPARE_WITH_TIMEOUT(rejected(NetReject::IdentifyMalformed), 2u, 5000);
        victimStillServes();
    }

    void pingGarbage() {
        Stream *s = openAndWait(*good->host, (*b)->peerId(), {PingService::kProtocol});
        QVERIFY(s);
        s->write("short");
        s->closeWrite();
        QTRY_COMPARE_WITH_TIMEOUT(rejected(NetReject::PingMalformed), 1u, 5000);
        victimStillServes();
    }

    void pendingUpgradeLimit() {
        std::vector<std::unique_ptr<RawClient>> idle;
        for (int i = 0; i < 12; ++i) idle.push_back(std::make_unique<RawClient>(b->addr));
        QTRY_VERIFY_WITH_TIMEOUT(rejected(NetReject::ConnectionLimit) >= 4u, 5000);
        // They time out; then the host accepts again.
        QTRY_VERIFY_WITH_TIMEOUT(rejected(NetReject::HandshakeTimeout) >= 1u, 5000);
        idle.clear();
        victimStillServes();
    }
};

QTEST_GUILESS_MAIN(TstHostBadInput)
#include "tst_host_badinput.moc"
