// Two (or three) Hosts in one process over loopback: connection, Identify
// both ways, Ping, streams in both directions, multi-MiB transfers through
// yamux windows, half-close, reset, disconnect, dial dedupe, peer-id
// mismatch and blocking.
#include "HostFixture.h"

#include "crypto/Sha256.h"
#include "net/IdentifyService.h"
#include "net/PingService.h"

#include <QSignalSpy>

using namespace dn;
using namespace dn::test;

class TstHost : public QObject {
    Q_OBJECT
private slots:
    void connectIdentifyBothWays() {
        TestHost a, b;
        QVERIFY(!b.addr.isEmpty());
        QCOMPARE(b.addr.peerId(), b->peerId());
        QSignalSpy aConn(a.host.get(), &Host::peerConnected), bConn(b.host.get(), &Host::peerConnected);
        QSignalSpy aId(a.host.get(), &Host::peerIdentified), bId(b.host.get(), &Host::peerIdentified);
        QString err;
        Connection *c = dialAndWait(*a.host, b.addr, &err);
        QVERIFY2(c, qPrintable(err));
        QCOMPARE(c->remotePeer(), b->peerId());
        QCOMPARE(c->direction(), Direction::Outbound);
        QTRY_COMPARE_WITH_TIMEOUT(bConn.size(), 1, 5000);
        QCOMPARE(aConn.size(), 1);
        QCOMPARE(bConn[0][0].value<PeerId>(), a->peerId());
        QCOMPARE(bConn[0][1].value<Direction>(), Direction::Inbound);
        QCOMPARE(b->connectionTo(a->peerId())->direction(), Direction::Inbound);

        QTRY_VERIFY_WITH_TIMEOUT(aId.size() >= 1 && bId.size() >= 1, 5000);
        const QStringList bProtos = aId[0][1].toStringList();
        QVERIFY(bProtos.contains(kEcho));
        QVERIFY(bProtos.contains(IdentifyService::kProtocol));
        QVERIFY(bProtos.contains(PingService::kProtocol));
        const auto bAddrs = aId[0][2].value<QList<Multiaddr>>();
        QVERIFY(bAddrs.contains(b.addr.withoutPeerId()));
        QCOMPARE(bId[0][0].value<PeerId>(), a->peerId());

        auto recB = a->peerStore().get(b->peerId());
        QVERIFY(recB);
        QVERIFY(recB->identified);
        QVERIFY(recB->connected);
        QCOMPARE(recB->agentVersion, QStringLiteral("deltanode/0.1.0"));
        QCOMPARE(recB->protocolVersion, QStringLiteral("ipfs/0.1.0"));
        QCOMPARE(recB->lastDirection, Direction::Outbound);
        QVERIFY(recB->addresses.contains(b.addr.withoutPeerId()));
        // B told A where it sees A from: A's side of the connection.
        QCOMPARE(recB->observedAddr, c->localAddress());
        auto recA = b->peerStore().get(a->peerId());
        QVERIFY(recA && recA->identified);
        QCOMPARE(recA->lastDirection, Direction::Inbound);
    }

    void pingBothWays() {
        TestHost a, b;
        QVERIFY(dialAndWait(*a.host, b.addr));
        QTRY_VERIFY_WITH_TIMEOUT(b->isConnected(a->peerId()), 5000);
        for (Host *from : {a.host.get(), b.host.get()}) {
            const PeerId to = from == a.host.get() ? b->peerId() : a->peerId();
            for (int i = 0; i < 3; ++i) {  // the stream is reused
                std::optional<Result<qint64>> rtt;
                from->ping(to, [&rtt](Result<qint64> r) { rtt = r; });
                QTRY_VERIFY_WITH_TIMEOUT(rtt.has_value(), 5000);
                QVERIFY2(*rtt, *rtt ? "" : qPrintable(rtt->error().message));
                QVERIFY(rtt->value() > 0);
                qInfo() << "ping RTT" << rtt->value() << "µs";
            }
            QVERIFY(from->peerStore().rtt(to) > 0);
        }
        // Pinging a peer we are not connected to fails cleanly.
        std::optional<Result<qint64>> none;
        a->ping(PeerId::fromPublicKey(Ed25519Key::generate().publicKey()), [&none](Result<qint64> r) { none = r; });
        QTRY_VERIFY_WITH_TIMEOUT(none.has_value(), 2000);
        QVERIFY(!*none);
    }

    void periodicPingFillsRtt() {
        HostConfig c = quietConfig();
        c.pingIntervalMs = 100;
        TestHost a(c), b(c);
        QSignalSpy rtts(a.host.get(), &Host::rttMeasured);
        QVERIFY(dialAndWait(*a.host, b.addr));
        QTRY_VERIFY_WITH_TIMEOUT(rtts.size() >= 3, 5000);  // on connect, then every interval
        QTRY_VERIFY_WITH_TIMEOUT(b->peerStore().rtt(a->peerId()) > 0, 5000);
    }

    void echoStreamsBothDirections() {
        TestHost a, b;
        QVERIFY(dialAndWait(*a.host, b.addr));
        QTRY_VERIFY_WITH_TIMEOUT(b->isConnected(a->peerId()), 5000);
        QString err;
        Stream *s1 = openAndWait(*a.host, b->peerId(), {kEcho}, &err);
        QVERIFY2(s1, qPrintable(err));
        QCOMPARE(s1->protocol(), kEcho);
        QCOMPARE(s1->direction(), Direction::Outbound);
        QCOMPARE(s1->remotePeer(), b->peerId());
        QCOMPARE(roundTrip(s1, "ping from a").value_or("?"), QByteArray("ping from a"));
        Stream *s2 = openAndWait(*b.host, a->peerId(), {"/not/there", kEcho}, &err);  // na, then echo
        QVERIFY2(s2, qPrintable(err));
        QCOMPARE(s2->protocol(), kEcho);
        QCOMPARE(roundTrip(s2, "ping from b").value_or("?"), QByteArray("ping from b"));
        // Many concurrent streams on one connection.
        QList<QPointer<Stream>> streams;
        for (int i = 0; i < 20; ++i) streams.append(openAndWait(*a.host, b->peerId(), {kEcho}));
        for (int i = 0; i < 20; ++i) {
            QVERIFY(streams[i]);
            QCOMPARE(roundTrip(streams[i], QByteArray::number(i)).value_or("?"), QByteArray::number(i));
        }
        auto bytes = a->peerStore().get(b->peerId())->bytesByProtocol.value(kEcho);
        QVERIFY(bytes.out > 0 && bytes.in > 0);
        QCOMPARE(a->connections().size(), 1);
        QVERIFY(a->counters().streamsOpened > 20);
    }

    void unknownProtocolRefused() {
        TestHost a, b;
        QVERIFY(dialAndWait(*a.host, b.addr));
        QString err;
        QVERIFY(!openAndWait(*a.host, b->peerId(), {"/nobody/1.0.0"}, &err));
        QVERIFY2(err.contains(QStringLiteral("none of the proposed")), qPrintable(err));
        QVERIFY(a->isConnected(b->peerId()));  // the connection is fine
    }

    void largeTransfersThroughWindows() {
        TestHost a, b;
        QVERIFY(dialAndWait(*a.host, b.addr));
        // A → B: 6 MiB, B answers with its SHA-256.
        const QByteArray up = patternBytes(6 << 20, 7);
        Stream *s = openAndWait(*a.host, b->peerId(), {kSink});
        QVERIFY(s);
        auto hash = roundTrip(s, up, 60000);
        QVERIFY(hash.has_value());
        QCOMPARE(*hash, sha256(up).toByteArray());
        // B → A: 5 MiB produced by B on request.
        Stream *d = openAndWait(*a.host, b->peerId(), {kSource});
        QVERIFY(d);
        auto down = roundTrip(d, "5242880\n", 60000);
        QVERIFY(down.has_value());
        QCOMPARE(down->size(), 5 << 20);
        QVERIFY(*down == patternBytes(5 << 20, 42));
    }

    void slowReaderIsFlowControlled() {
        TestHost a, b;
        QVERIFY(dialAndWait(*a.host, b.addr));
        Stream *s = openAndWait(*a.host, b->peerId(), {kHold});
        QVERIFY(s);
        QTRY_COMPARE_WITH_TIMEOUT(b.held.size(), 1, 5000);
        const qsizetype total = 2 << 20;
        s->write(QByteArray(total, 'w'));  // nobody reads on B
        // Nothing in flight any more: B buffers at most one window (less the
        // few bytes multistream-select used), A keeps the rest.
        QTRY_COMPARE_WITH_TIMEOUT(b.held[0]->bytesAvailable() + s->bytesToWrite(), total, 5000);
        QVERIFY(b.held[0]->bytesAvailable() <= qsizetype(YamuxConfig::kInitialWindow));
        QVERIFY(b.held[0]->bytesAvailable() > qsizetype(YamuxConfig::kInitialWindow) - 100);
        QTest::qWait(50);
        QVERIFY(s->bytesToWrite() >= total - qsizetype(YamuxConfig::kInitialWindow));
        // Reading opens the window again and the rest flows.
        qsizetype got = 0;
        Stream *r = b.held[0];
        QObject::connect(r, &Stream::readyRead, r, [r, &got] { got += r->readAll().size(); });
        got += r->readAll().size();
        QTRY_COMPARE_WITH_TIMEOUT(got, qsizetype(2 << 20), 10000);
        QCOMPARE(s->bytesToWrite(), 0);
    }

    void halfCloseKeepsOtherDirection() {
        TestHost a, b;
        QVERIFY(dialAndWait(*a.host, b.addr));
        Stream *s = openAndWait(*a.host, b->peerId(), {kHold});
        QVERIFY(s);
        QTRY_COMPARE_WITH_TIMEOUT(b.held.size(), 1, 5000);
        QPointer<Stream> remote = b.held[0];
        QSignalSpy fin(remote.data(), &Stream::readFinished);
        QSignalSpy closedA(s, &Stream::closed), closedB(remote.data(), &Stream::closed);
        s->write("request");
        s->closeWrite();
        QCOMPARE(s->write("more"), qint64(-1));
        QTRY_COMPARE_WITH_TIMEOUT(fin.size(), 1, 5000);
        QCOMPARE(remote->readAll(), QByteArray("request"));
        QVERIFY(remote->atEnd());
        QVERIFY(closedB.isEmpty());  // B may still write
        remote->write("response");
        remote->closeWrite();
        QTRY_COMPARE_WITH_TIMEOUT(s->bytesAvailable(), qsizetype(8), 5000);
        QCOMPARE(s->readAll(), QByteArray("response"));
        QTRY_COMPARE_WITH_TIMEOUT(closedA.size(), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(closedB.size(), 1, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!remote, 5000);  // deleted after closed()
    }

    void resetReachesThePeer() {
        TestHost a, b;
        QVERIFY(dialAndWait(*a.host, b.addr));
        Stream *s = openAndWait(*a.host, b->peerId(), {kHold});
        QVERIFY(s);
        QTRY_COMPARE_WITH_TIMEOUT(b.held.size(), 1, 5000);
        QSignalSpy wasReset(b.held[0].data(), &Stream::wasReset);
        QSignalSpy localClosed(s, &Stream::closed);
        s->write("abc");
        s->reset();
        QTRY_COMPARE_WITH_TIMEOUT(wasReset.size(), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(localClosed.size(), 1, 5000);
        // the other way round
        Stream *t = openAndWait(*a.host, b->peerId(), {kHold});
        QTRY_COMPARE_WITH_TIMEOUT(b.held.size(), 2, 5000);
        QSignalSpy aReset(t, &Stream::wasReset);
        b.held[1]->reset();
        QTRY_COMPARE_WITH_TIMEOUT(aReset.size(), 1, 5000);
        QVERIFY(a->isConnected(b->peerId()));
    }

    void disconnectEndsEverything() {
        TestHost a, b;
        QVERIFY(dialAndWait(*a.host, b.addr));
        Stream *s = openAndWait(*a.host, b->peerId(), {kHold});
        QVERIFY(s);
        QTRY_COMPARE_WITH_TIMEOUT(b.held.size(), 1, 5000);
        QSignalSpy aGone(a.host.get(), &Host::peerDisconnected), bGone(b.host.get(), &Host::peerDisconnected);
        QSignalSpy sReset(s, &Stream::wasReset), rReset(b.held[0].data(), &Stream::wasReset);
        a->disconnect(b->peerId());
        QCOMPARE(aGone.size(), 1);
        QCOMPARE(sReset.size(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(bGone.size(), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(rReset.size(), 1, 5000);
        QVERIFY(!a->isConnected(b->peerId()));
        QVERIFY(!a->peerStore().get(b->peerId())->connected);
        // newStream re-dials the address learned from the first dial.
        QString err;
        Stream *again = openAndWait(*a.host, b->peerId(), {kEcho}, &err);
        QVERIFY2(again, qPrintable(err));
        QCOMPARE(roundTrip(again, "back").value_or("?"), QByteArray("back"));
    }

    void dialReusesConnection() {
        TestHost a, b;
        std::optional<Result<Connection *>> r1, r2;
        a->dial(b.addr, [&r1](Result<Connection *> r) { r1 = r; });
        a->dial(b.addr, [&r2](Result<Connection *> r) { r2 = r; });  // joins the first
        QTRY_VERIFY_WITH_TIMEOUT(r1 && r2, 5000);
        QVERIFY(*r1 && *r2);
        QCOMPARE(r1->value(), r2->value());
        Connection *again = dialAndWait(*a.host, b.addr);
        QCOMPARE(again, r1->value());
        QCOMPARE(a->connections().size(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(b->connections().size(), 1, 5000);
        QString err;
        QVERIFY(!dialAndWait(*a.host, a.addr, &err));
        QVERIFY(err.startsWith(QStringLiteral("self_dial")));
    }

    void peerIdMismatchRefused() {
        TestHost a, b, c;
        // B's address, C's identity.
        const Multiaddr wrong = b.addr.withoutPeerId().withPeerId(c->peerId());
        QString err;
        QVERIFY(!dialAndWait(*a.host, wrong, &err));
        QVERIFY2(err.contains(b->peerId().toBase58()), qPrintable(err));
        QCOMPARE(a->counters().rejected(NetReject::NoisePeerMismatch), 1u);
        QVERIFY(!a->isConnected(b->peerId()));
        // B keeps serving.
        QVERIFY(dialAndWait(*c.host, b.addr));
        QVERIFY(dialAndWait(*a.host, b.addr));
    }

    void blockRefusesBothWays() {
        TestHost a, b;
        QVERIFY(dialAndWait(*a.host, b.addr));
        QTRY_VERIFY_WITH_TIMEOUT(b->isConnected(a->peerId()), 5000);
        QSignalSpy aGone(a.host.get(), &Host::peerDisconnected);
        b->block(a->peerId());
        QVERIFY(b->isBlocked(a->peerId()));
        QTRY_COMPARE_WITH_TIMEOUT(aGone.size(), 1, 5000);
        // A's dial reaches B, which refuses once the handshake names A. A
        // may have finished its side of the handshake by then; either way the
        // connection ends at once and nothing is exchanged.
        QString err;
        QSignalSpy aIdentified(a.host.get(), &Host::peerIdentified);
        dialAndWait(*a.host, b.addr, &err);
        QTRY_COMPARE_WITH_TIMEOUT(b->counters().rejected(NetReject::BlockedPeer), 1u, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!a->isConnected(b->peerId()), 5000);
        QVERIFY(!b->isConnected(a->peerId()));
        QCOMPARE(aIdentified.size(), 0);
        // B cannot dial A either.
        QVERIFY(!dialAndWait(*b.host, a.addr, &err));
        QVERIFY(err.startsWith(QStringLiteral("blocked")));
        b->unblock(a->peerId());
        QVERIFY(dialAndWait(*a.host, b.addr, &err));
        QTRY_VERIFY_WITH_TIMEOUT(b->isConnected(a->peerId()), 5000);
    }

    void dialFailures() {
        TestHost a;
        QString err;
        // Nobody listens there (port of a closed listener).
        TestHost gone;
        const Multiaddr dead = gone.addr;
        gone->stopListening();
        QTest::qWait(10);
        QVERIFY(!dialAndWait(*a.host, dead, &err));
        QVERIFY(!dialAndWait(*a.host, *Multiaddr::parse(u"/ip4/127.0.0.1/udp/1/quic-v1"), &err));
        QVERIFY(err.startsWith(QStringLiteral("bad_multiaddr")));
        QVERIFY(!dialAndWait(*a.host, *Multiaddr::parse(u"/dns4/no-such-host.invalid/tcp/1"), &err));
        // DNS names that resolve are dialable.
        TestHost b;
        const Multiaddr byName = *Multiaddr::parse(QStringLiteral("/dns4/localhost/tcp/%1/p2p/%2")
                                                       .arg(b.addr.tcpPort()).arg(b->peerId().toBase58()));
        QVERIFY2(dialAndWait(*a.host, byName, &err), qPrintable(err));
    }

    void listenAddressesCarryPeerId() {
        TestHost a;
        const auto addrs = a->listenAddresses();
        QCOMPARE(addrs.size(), 1);
        QCOMPARE(addrs[0], a.addr);
        Host any(Ed25519Key::generate(), quietConfig());
        auto r = any.listen(*Multiaddr::parse(u"/ip4/0.0.0.0/tcp/0"));
        QVERIFY(r);
        const auto expanded = any.listenAddresses();
        QVERIFY(!expanded.isEmpty());
        for (const Multiaddr &m : expanded) {
            QCOMPARE(m.peerId(), any.peerId());
            QCOMPARE(m.tcpPort(), r->tcpPort());
        }
        QVERIFY(!any.listen(*Multiaddr::parse(u"/dns4/localhost/tcp/0")));
    }
};

QTEST_GUILESS_MAIN(TstHost)
#include "tst_host.moc"
