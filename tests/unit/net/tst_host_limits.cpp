// The host's resource limits (ARCHITECTURE §16, "P2P resource limits") with
// real Hosts on loopback: a peer that stops reading is cut off once our
// queued output passes the cap, connections per peer id and per address are
// capped, a peer opening streams past the per-connection cap is dropped, a
// handshake that never ends is recorded, and every drop is counted and kept
// in the bounded record with its reason.
#include "HostFixture.h"

#include <QSignalSpy>
#include <QTcpSocket>

using namespace dn;
using namespace dn::test;

namespace {

constexpr int kWaitMs = 10000;

bool hasDrop(const Host &h, DropReason reason, const PeerId &peer = {}) {
    for (const DropRecord &d : h.drops())
        if (d.reason == reason && (peer.isNull() || d.peer == peer)) return true;
    return false;
}

}  // namespace

class TstHostLimits : public QObject {
    Q_OBJECT
private slots:
    void reasonNames() {
        QCOMPARE(QString::fromLatin1(dropReasonName(DropReason::PendingOutputOverCap)),
                 QStringLiteral("pending_output_over_cap"));
        QCOMPARE(QString::fromLatin1(dropReasonName(DropReason::TooManyConnections)), QStringLiteral("too_many_connections"));
        NetCounters c;
        const auto snap = c.dropSnapshot();
        QCOMPARE(snap.size(), int(kDropReasonCount));
        QVERIFY(!snap.contains(QStringLiteral("unknown")));
    }

    // The receiver takes the stream and never reads it: its window closes,
    // and everything further waits in our send buffers. Past the cap the
    // write fails, the connection goes and the drop names the reason.
    void peerThatStopsReadingIsCutOff() {
        HostConfig cfg = quietConfig();
        cfg.maxPendingOutput = 2 * 1024 * 1024;
        TestHost a(cfg), b;
        QSignalSpy dropped(a.host.get(), &Host::peerDropped);
        Connection *c = dialAndWait(*a.host, b.addr);
        QVERIFY(c);
        QPointer<Connection> conn(c);
        QString err;
        QPointer<Stream> s = openAndWait(*a.host, b->peerId(), {kHold}, &err);
        QVERIFY2(s, qPrintable(err));
        const QByteArray chunk = patternBytes(64 * 1024, 3);
        qint64 accepted = 0, maxPending = 0;
        bool refused = false;
        // 32 MiB offered, far past the cap; the event loop runs between
        // writes so that the socket drains what the peer's kernel takes.
        for (int i = 0; i < 512 && s && conn && !refused; ++i) {
            const qint64 n = s->write(chunk);
            if (n < 0) refused = true;
            else accepted += n;
            if (conn) maxPending = qMax(maxPending, conn->pendingOutput());
            QCoreApplication::processEvents();
        }
        QVERIFY2(refused || !conn, "writes past the cap were accepted");
        QVERIFY2(maxPending <= cfg.maxPendingOutput, qPrintable(QString::number(maxPending)));
        QVERIFY(accepted < 8 * 1024 * 1024);  // the peer's window and kernel buffers plus the cap
        QTRY_VERIFY_WITH_TIMEOUT(!a->isConnected(b->peerId()), kWaitMs);
        QVERIFY(hasDrop(*a.host, DropReason::PendingOutputOverCap, b->peerId()));
        QCOMPARE(a->counters().dropped(DropReason::PendingOutputOverCap), uint64_t(1));
        QCOMPARE(dropped.size(), 1);
        QCOMPARE(dropped[0][0].value<PeerId>(), b->peerId());
        QCOMPARE(dropped[0][1].value<DropReason>(), DropReason::PendingOutputOverCap);
        const DropRecord rec = a->drops().last();
        QVERIFY(rec.connectionClosed);
        QVERIFY(rec.at.isValid());
        QVERIFY(!rec.detail.isEmpty());
    }

    // Five hosts with one identity: the fifth connection of that peer id is
    // closed after the handshake names it; the first four stay.
    void tooManyConnectionsFromOnePeer() {
        TestHost a;
        const Ed25519Key key = Ed25519Key::generate();
        std::vector<std::unique_ptr<Host>> same;
        for (int i = 0; i < 5; ++i) same.push_back(std::make_unique<Host>(key, quietConfig()));
        const PeerId peer = same[0]->peerId();
        for (int i = 0; i < 4; ++i) {
            QVERIFY(dialAndWait(*same[size_t(i)], a.addr));
            QTRY_COMPARE_WITH_TIMEOUT(int(a->connectionsTo(peer).size()), i + 1, kWaitMs);
        }
        QVERIFY(!hasDrop(*a.host, DropReason::TooManyConnections));
        dialAndWait(*same[4], a.addr);  // may report success: its side finished first
        QTRY_VERIFY_WITH_TIMEOUT(hasDrop(*a.host, DropReason::TooManyConnections, peer), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!same[4]->isConnected(a->peerId()), kWaitMs);
        QCOMPARE(int(a->connectionsTo(peer).size()), 4);
        for (int i = 0; i < 4; ++i) QVERIFY(same[size_t(i)]->isConnected(a->peerId()));
        QCOMPARE(a->counters().dropped(DropReason::TooManyConnections), uint64_t(1));
    }

    // Per remote address, counted before any handshake: the third inbound
    // connection from 127.0.0.1 is refused at accept, by address.
    void tooManyConnectionsFromOneAddress() {
        HostConfig cfg = quietConfig();
        cfg.maxInboundPerIp = 2;
        TestHost a(cfg), b1, b2, b3;
        QVERIFY(dialAndWait(*b1.host, a.addr));
        QVERIFY(dialAndWait(*b2.host, a.addr));
        QString err;
        QVERIFY(!dialAndWait(*b3.host, a.addr, &err));
        QTRY_VERIFY_WITH_TIMEOUT(hasDrop(*a.host, DropReason::TooManyConnections), kWaitMs);
        const DropRecord rec = a->drops().last();
        QVERIFY(rec.peer.isNull());
        QCOMPARE(rec.remote.ipAddress(), QHostAddress(QHostAddress::LocalHost));
        QVERIFY(a->isConnected(b1->peerId()));
        QVERIFY(a->isConnected(b2->peerId()));
        QVERIFY(!a->isConnected(b3->peerId()));
    }

    // Inbound streams past the per-connection cap are refused one by one;
    // a peer that keeps on is dropped.
    void streamsPastTheCapDropThePeer() {
        HostConfig cfg = quietConfig();
        cfg.yamux.maxInboundStreams = 4;
        cfg.maxStreamRefusals = 3;
        TestHost a(cfg), b;
        QVERIFY(dialAndWait(*b.host, a.addr));
        // Identify may hold one of the four for a moment; hold streams until
        // one is refused.
        int opened = 0;
        while (opened < 5 && openAndWait(*b.host, a->peerId(), {kHold})) ++opened;
        QVERIFY2(opened >= 2 && opened <= 4, qPrintable(QString::number(opened)));
        QTRY_COMPARE_WITH_TIMEOUT(int(a.held.size()), opened, kWaitMs);
        // That was the first refusal; the connection stays for two more.
        for (int i = 0; i < 2; ++i) {
            QVERIFY(a->isConnected(b->peerId()));
            QVERIFY(!openAndWait(*b.host, a->peerId(), {kHold}));
        }
        QVERIFY(a->isConnected(b->peerId()));
        QVERIFY(!hasDrop(*a.host, DropReason::TooManyStreams));
        QVERIFY(!openAndWait(*b.host, a->peerId(), {kHold}));  // the fourth: past maxStreamRefusals
        QTRY_VERIFY_WITH_TIMEOUT(hasDrop(*a.host, DropReason::TooManyStreams, b->peerId()), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!a->isConnected(b->peerId()), kWaitMs);
        QVERIFY(a->counters().rejected(NetReject::YamuxTooManyStreams) >= 4);
    }

    // A TCP connection that never says a word is closed after the upgrade
    // timeout, and the record names its address (no peer id is known).
    void silentHandshakeIsRecorded() {
        HostConfig cfg = quietConfig();
        cfg.upgradeTimeoutMs = 300;
        TestHost a(cfg);
        QTcpSocket raw;
        raw.connectToHost(QHostAddress::LocalHost, a.addr.tcpPort());
        QVERIFY(raw.waitForConnected(kWaitMs));
        QTRY_VERIFY_WITH_TIMEOUT(hasDrop(*a.host, DropReason::HandshakeTimeout), kWaitMs);
        QVERIFY(a->drops().last().peer.isNull());
        QCOMPARE(a->counters().dropped(DropReason::HandshakeTimeout), uint64_t(1));
    }

    // The record keeps the latest dropLogSize entries.
    void dropRecordIsBounded() {
        HostConfig cfg = quietConfig();
        cfg.dropLogSize = 3;
        Host h(Ed25519Key::generate(), cfg);
        for (int i = 0; i < 10; ++i)
            h.recordDrop({PeerId(), DropReason::Idle, false, {}, QString::number(i), {}});
        QCOMPARE(int(h.drops().size()), 3);
        QCOMPARE(h.drops().first().detail, QStringLiteral("7"));
        QCOMPARE(h.counters().dropped(DropReason::Idle), uint64_t(10));
    }

    // Inbound-only peers (no address to dial) are forgotten once stale;
    // connected and dialable ones stay.
    void peerStorePrunesUnreachable() {
        PeerStore ps;
        const PeerId gone = PeerId::fromPublicKey(Ed25519Key::generate().publicKey());
        const PeerId dialable = PeerId::fromPublicKey(Ed25519Key::generate().publicKey());
        const PeerId here = PeerId::fromPublicKey(Ed25519Key::generate().publicKey());
        ps.setConnected(gone, false, Direction::Inbound);
        ps.addAddress(dialable, *Multiaddr::parse(u"/ip4/127.0.0.1/tcp/4001"));
        ps.setConnected(here, true, Direction::Inbound);
        QCOMPARE(ps.pruneUnreachable(QDateTime::currentDateTimeUtc().addSecs(-60)), 0);
        QCOMPARE(ps.pruneUnreachable(QDateTime::currentDateTimeUtc().addSecs(60)), 1);
        QVERIFY(!ps.get(gone));
        QVERIFY(ps.get(dialable));
        QVERIFY(ps.get(here));
    }
};

QTEST_GUILESS_MAIN(TstHostLimits)
#include "tst_host_limits.moc"
