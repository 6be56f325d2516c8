// Interop with js-libp2p (issue 4, acceptance 5, transport part): a real
// js-libp2p 3.x node (tests/interop/peer.mjs) and a deltanode Host dial each
// other in both directions over TCP + multistream + Noise + yamux, identify
// each other, ping each other (RTT seen on both sides) and push megabytes
// through each other's echo protocol (yamux flow control on both stacks).
// Without Node.js or the npm packages this test fails; it never skips.
#include "JsPeer.h"

#include "crypto/Ed25519.h"
#include "net/Host.h"
#include "net/IdentifyService.h"
#include "net/PingService.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QtTest>

using namespace dn;
using namespace dn::test;

namespace {

const QString kEcho = QStringLiteral("/deltanode/interop/echo/1.0.0");

QByteArray pattern(qsizetype n) {  // same bytes as peer.mjs's pattern()
    QByteArray b(n, Qt::Uninitialized);
    for (qsizetype i = 0; i < n; ++i) b[i] = char((i * 7 + (i >> 8)) & 0xff);
    return b;
}

std::unique_ptr<Host> makeHost(bool inlineMuxers = true) {
    HostConfig c;
    c.pingIntervalMs = 0;  // pings are explicit here
    c.inlineMuxerNegotiation = inlineMuxers;
    auto h = std::make_unique<Host>(Ed25519Key::generate(), c);
    h->setStreamHandler(kEcho, [](Stream *s) {
        QObject::connect(s, &Stream::readyRead, s, [s] { s->write(s->readAll()); });
        QObject::connect(s, &Stream::readFinished, s, [s] {
            s->write(s->readAll());
            s->closeWrite();
        });
    });
    return h;
}

bool hasString(const QJsonValue &arr, const QString &s) { return arr.toArray().contains(QJsonValue(s)); }

// js names peers by their base58 text; null if it is not a peer id.
PeerId peerOf(const QJsonValue &text) { return PeerId::fromBase58(text.toString()).value_or(PeerId()); }

}  // namespace

class TstJsLibp2pTransport : public QObject {
    Q_OBJECT

    // Both directions of identify, ping and bulk echo on an open connection.
    void exercise(Host &h, JsPeer &js, const PeerId &jsId, const Multiaddr &ourAddr, QSignalSpy &identified) {
        // Identify: what we learned about js …
        QTRY_VERIFY_WITH_TIMEOUT(!identified.isEmpty(), 15000);
        QCOMPARE(identified[0][0].value<PeerId>(), jsId);
        const QStringList jsProtos = identified[0][1].toStringList();
        QVERIFY2(jsProtos.contains(PingService::kProtocol), qPrintable(jsProtos.join(u' ')));
        QVERIFY(jsProtos.contains(IdentifyService::kProtocol));
        QVERIFY(jsProtos.contains(QStringLiteral("/meshsub/1.1.0")));
        QVERIFY(jsProtos.contains(kEcho));
        QVERIFY(h.peerStore().get(jsId)->agentVersion.startsWith(QStringLiteral("js-libp2p/")));
        // … and what js learned about us.
        auto theirView = js.waitFor([&](const QJsonObject &e) {
            return e[QStringLiteral("event")] == QStringLiteral("identified") && e[QStringLiteral("peer")] == h.peerId().toBase58();
        });
        QVERIFY2(theirView, qPrintable(js.eventsText() + js.stderrText()));
        QCOMPARE((*theirView)[QStringLiteral("agentVersion")].toString(), h.config().agentVersion);
        QVERIFY(hasString((*theirView)[QStringLiteral("protocols")], PingService::kProtocol));
        QVERIFY(hasString((*theirView)[QStringLiteral("protocols")], kEcho));
        QVERIFY(hasString((*theirView)[QStringLiteral("listenAddrs")], ourAddr.withoutPeerId().toString()));

        // Ping: we ping js (stream reused across rounds) …
        for (int i = 0; i < 3; ++i) {
            std::optional<Result<qint64>> rtt;
            h.ping(jsId, [&rtt](Result<qint64> r) { rtt = r; });
            QTRY_VERIFY_WITH_TIMEOUT(rtt.has_value(), 10000);
            QVERIFY2(*rtt, *rtt ? "" : qPrintable(rtt->error().message));
            QVERIFY(rtt->value() > 0);
        }
        QVERIFY(h.peerStore().rtt(jsId) > 0);
        // … and js pings us and prints what it measured.
        js.send({{"cmd", "ping"}, {"peer", h.peerId().toBase58()}});
        auto pong = js.waitFor([](const QJsonObject &e) {
            return e[QStringLiteral("event")] == QStringLiteral("ping") || e[QStringLiteral("event")] == QStringLiteral("error");
        });
        QVERIFY2(pong, qPrintable(js.eventsText() + js.stderrText()));
        QCOMPARE((*pong)[QStringLiteral("event")].toString(), QStringLiteral("ping"));
        QVERIFY((*pong)[QStringLiteral("rttMs")].toDouble(-1) >= 0);  // js measures whole milliseconds
        QVERIFY((*pong)[QStringLiteral("elapsedMs")].toDouble() > 0);
        qInfo() << "RTT deltanode→js" << h.peerStore().rtt(jsId) << "µs; js→deltanode"
                << (*pong)[QStringLiteral("rttMs")].toDouble() << "ms (elapsed"
                << (*pong)[QStringLiteral("elapsedMs")].toDouble() << "ms)";

        // Bulk data through js's echo (our stream, js-yamux windows) …
        const QByteArray payload = pattern(3 << 20);
        std::optional<Result<Stream *>> opened;
        h.newStream(jsId, {kEcho}, [&opened](Result<Stream *> r) { opened = r; });
        QTRY_VERIFY_WITH_TIMEOUT(opened.has_value(), 10000);
        QVERIFY(*opened);
        Stream *s = opened->value();
        QByteArray back;
        bool eof = false;
        QObject::connect(s, &Stream::readyRead, s, [s, &back] { back += s->readAll(); });
        QObject::connect(s, &Stream::readFinished, s, [s, &back, &eof] {
            back += s->readAll();
            eof = true;
        });
        s->write(payload);
        s->closeWrite();
        QTRY_VERIFY_WITH_TIMEOUT(eof, 30000);
        QCOMPARE(back.size(), payload.size());
        QVERIFY(back == payload);
        // … and through ours (js's stream, our windows).
        js.clearEvents();
        js.send({{"cmd", "echo"}, {"peer", h.peerId().toBase58()}, {"protocol", kEcho}, {"bytes", 3 << 20}});
        auto echoed = js.waitFor([](const QJsonObject &e) {
            return e[QStringLiteral("event")] == QStringLiteral("echoed") || e[QStringLiteral("event")] == QStringLiteral("error");
        }, 30000);
        QVERIFY2(echoed, qPrintable(js.eventsText() + js.stderrText()));
        QVERIFY2((*echoed)[QStringLiteral("ok")].toBool(), qPrintable(js.eventsText()));
        QCOMPARE((*echoed)[QStringLiteral("bytes")].toInt(), 3 << 20);
        QCOMPARE(h.counters().rejectedTotal(), 0u);
    }

private slots:
    void initTestCase() {
        const QString why = JsPeer::unavailableReason();
        QVERIFY2(why.isEmpty(), qPrintable(QStringLiteral("js-libp2p interop cannot run: ") + why));
    }

    void deltanodeDialsJs() {
        JsPeer js;
        auto listening = js.waitForEvent(QStringLiteral("listening"));
        QVERIFY2(listening, qPrintable(js.stderrText()));
        const PeerId jsId = peerOf((*listening)[QStringLiteral("peerId")]);
        QVERIFY(!jsId.isNull());
        auto jsAddr = Multiaddr::parse((*listening)[QStringLiteral("addrs")].toArray().first().toString());
        QVERIFY(jsAddr);
        QCOMPARE(jsAddr->peerId(), jsId);

        auto h = makeHost();
        auto ours = h->listen(*Multiaddr::parse(u"/ip4/127.0.0.1/tcp/0"));
        QVERIFY(ours);
        QSignalSpy identified(h.get(), &Host::peerIdentified);
        std::optional<Result<Connection *>> dialed;
        h->dial(*jsAddr, [&dialed](Result<Connection *> r) { dialed = r; });
        QTRY_VERIFY_WITH_TIMEOUT(dialed.has_value(), 15000);
        QVERIFY2(*dialed, *dialed ? "" : qPrintable(dialed->error().message + js.stderrText()));
        QCOMPARE(dialed->value()->remotePeer(), jsId);
        QCOMPARE(dialed->value()->direction(), Direction::Outbound);
        auto conn = js.waitFor([&](const QJsonObject &e) {
            return e[QStringLiteral("event")] == QStringLiteral("connected") && e[QStringLiteral("peer")] == h->peerId().toBase58();
        });
        QVERIFY(conn);
        QCOMPARE((*conn)[QStringLiteral("direction")].toString(), QStringLiteral("inbound"));
        exercise(*h, js, jsId, *ours, identified);
    }

    // Without muxers in the Noise handshake, yamux is agreed with a second
    // multistream-select round inside Noise (the classic upgrade path).
    void multistreamMuxerNegotiation() {
        JsPeer js;
        auto listening = js.waitForEvent(QStringLiteral("listening"));
        QVERIFY2(listening, qPrintable(js.stderrText()));
        const PeerId jsId = peerOf((*listening)[QStringLiteral("peerId")]);
        QVERIFY(!jsId.isNull());
        auto h = makeHost(false);
        QSignalSpy identified(h.get(), &Host::peerIdentified);
        std::optional<Result<Connection *>> dialed;
        h->dial(*Multiaddr::parse((*listening)[QStringLiteral("addrs")].toArray().first().toString()),
                [&dialed](Result<Connection *> r) { dialed = r; });
        QTRY_VERIFY_WITH_TIMEOUT(dialed.has_value(), 15000);
        QVERIFY(*dialed);
        QTRY_VERIFY_WITH_TIMEOUT(!identified.isEmpty(), 15000);
        std::optional<Result<qint64>> rtt;
        h->ping(jsId, [&rtt](Result<qint64> r) { rtt = r; });
        QTRY_VERIFY_WITH_TIMEOUT(rtt.has_value(), 10000);
        QVERIFY(*rtt && rtt->value() > 0);
    }

    void jsDialsDeltanode() {
        auto h = makeHost();
        auto ours = h->listen(*Multiaddr::parse(u"/ip4/127.0.0.1/tcp/0"));
        QVERIFY(ours);
        QSignalSpy connected(h.get(), &Host::peerConnected), identified(h.get(), &Host::peerIdentified);
        JsPeer js({QStringLiteral("--dial"), ours->toString()});
        auto dialed = js.waitFor([](const QJsonObject &e) {
            return e[QStringLiteral("event")] == QStringLiteral("dialed") || e[QStringLiteral("event")] == QStringLiteral("error");
        });
        QVERIFY2(dialed, qPrintable(js.eventsText() + js.stderrText()));
        QCOMPARE((*dialed)[QStringLiteral("event")].toString(), QStringLiteral("dialed"));
        const PeerId jsId = peerOf(js.waitForEvent(QStringLiteral("listening"))->value(QStringLiteral("peerId")));
        QVERIFY(!jsId.isNull());
        QCOMPARE((*dialed)[QStringLiteral("peer")].toString(), h->peerId().toBase58());
        QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, 10000);
        QCOMPARE(connected[0][0].value<PeerId>(), jsId);
        QCOMPARE(connected[0][1].value<Direction>(), Direction::Inbound);
        exercise(*h, js, jsId, *ours, identified);
    }
};

QTEST_GUILESS_MAIN(TstJsLibp2pTransport)
#include "tst_js_libp2p_transport.moc"
