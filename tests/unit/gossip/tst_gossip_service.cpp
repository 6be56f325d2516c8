// GossipService over real libp2p hosts on loopback (TCP, Noise, yamux,
// multistream, Identify): meshes form, messages flow both ways and across a
// relay, and bad frames from one peer reset only that peer's stream.
#include "crypto/Ed25519.h"
#include "gossip/GossipService.h"
#include "gossip/RpcFrameReader.h"
#include "net/Host.h"

#include <QtTest>
#include <memory>

using namespace dn;

namespace {

const QString kTopic = QStringLiteral("gossip-service-topic");
constexpr int kTimeoutMs = 10000;

struct Received {
    QString topic;
    QByteArray data;
    PeerId from;
};

// One node: a host listening on loopback and its gossip service.
struct Node {
    std::unique_ptr<Host> host;
    std::unique_ptr<GossipService> gossip;
    QList<Received> received;
    Multiaddr addr;

    Node() {
        host = std::make_unique<Host>(Ed25519Key::generate());
        GossipServiceConfig c;
        c.router.heartbeatIntervalMs = 100;  // keep the test short
        c.router.heartbeatInitialDelayMs = 20;
        c.router.seed = 1;
        gossip = std::make_unique<GossipService>(host.get(), c);
        QObject::connect(gossip.get(), &GossipService::message, gossip.get(),
                         [this](const QString &t, const QByteArray &d, const PeerId &from, const QByteArray &) {
                             received.append(Received{t, d, from});
                         });
        gossip->start();
        auto bound = host->listen(*Multiaddr::parse(u"/ip4/127.0.0.1/tcp/0"));
        if (bound) addr = *bound;
    }
    const PeerId &id() const { return host->peerId(); }
    bool got(const QByteArray &data) const {
        for (const Received &r : received)
            if (r.data == data) return true;
        return false;
    }
};

bool dial(Node &from, Node &to) {
    bool done = false, ok = false;
    from.host->dial(to.addr, [&](Result<Connection *> r) {
        done = true;
        ok = r.ok();
    });
    return QTest::qWaitFor([&] { return done; }, kTimeoutMs) && ok;
}

}  // namespace

class TestGossipService : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QLoggingCategory::setFilterRules(QStringLiteral("dn.*.debug=false")); }

    void exchangeBothWays() {
        Node a, b;
        QVERIFY(dial(a, b));
        a.gossip->subscribe(kTopic);
        b.gossip->subscribe(kTopic);
        QTRY_VERIFY_WITH_TIMEOUT(a.gossip->meshPeers(kTopic).contains(b.id()), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(b.gossip->meshPeers(kTopic).contains(a.id()), kTimeoutMs);
        QCOMPARE(a.gossip->peerTopics(b.id()), QStringList{kTopic});

        QVERIFY(a.gossip->publish(kTopic, "a to b").ok());
        QVERIFY(b.gossip->publish(kTopic, "b to a").ok());
        QTRY_VERIFY_WITH_TIMEOUT(b.got("a to b"), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(a.got("b to a"), kTimeoutMs);
        QCOMPARE(b.received[0].from, a.id());
        QCOMPARE(b.received[0].topic, kTopic);
        QCOMPARE(a.received.size(), 1);  // not our own message
        QVERIFY(a.gossip->serviceCounters().framesOut > 0);
        QVERIFY(b.gossip->serviceCounters().framesIn > 0);
    }

    void relayThroughMiddleNode() {
        Node a, b, c;
        QVERIFY(dial(a, b));
        QVERIFY(dial(c, b));
        for (Node *n : {&a, &b, &c}) n->gossip->subscribe(kTopic);
        QTRY_COMPARE_WITH_TIMEOUT(b.gossip->meshPeers(kTopic).size(), 2, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(a.gossip->meshPeers(kTopic).contains(b.id()), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(c.gossip->meshPeers(kTopic).contains(b.id()), kTimeoutMs);
        QVERIFY(c.gossip->publish(kTopic, "over the bridge").ok());
        QTRY_VERIFY_WITH_TIMEOUT(a.got("over the bridge"), kTimeoutMs);
        QCOMPARE(a.received[0].from, c.id());  // the author, not the relay
        QTRY_VERIFY_WITH_TIMEOUT(b.got("over the bridge"), kTimeoutMs);
    }

    void badFramesResetOnlyThatStream() {
        Node a, b, x;
        QVERIFY(dial(a, b));
        QVERIFY(dial(x, a));
        a.gossip->subscribe(kTopic);
        b.gossip->subscribe(kTopic);
        QTRY_VERIFY_WITH_TIMEOUT(b.gossip->meshPeers(kTopic).contains(a.id()), kTimeoutMs);

        // x speaks meshsub by hand: an undecodable frame, then a length of 2 MiB.
        auto openRaw = [&]() -> QPointer<Stream> {
            QPointer<Stream> s;
            bool done = false;
            x.host->newStream(a.id(), {kMeshsubV11}, [&](Result<Stream *> r) {
                done = true;
                if (r) s = r.value();
            });
            if (!QTest::qWaitFor([&] { return done; }, kTimeoutMs)) return nullptr;
            return s;
        };
        QPointer<Stream> raw = openRaw();
        QVERIFY(raw);
        raw->write(frameRpc(QByteArray::fromHex("ffffffff")));
        QTRY_COMPARE_WITH_TIMEOUT(a.gossip->counters().decodeErrors, quint64(1), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!raw || raw->isClosed(), kTimeoutMs);  // not an RPC: reset by a
        raw = openRaw();
        QVERIFY(raw);
        QByteArray huge;
        huge.append(QByteArray::fromHex("8080800100"));  // varint 2 MiB, then the start of a body
        raw->write(huge);
        QTRY_COMPARE_WITH_TIMEOUT(a.gossip->counters().tooLarge, quint64(1), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!raw || raw->isClosed(), kTimeoutMs);  // reset by a

        // a still serves b.
        QVERIFY(b.gossip->publish(kTopic, "still here").ok());
        QTRY_VERIFY_WITH_TIMEOUT(a.got("still here"), kTimeoutMs);
        QVERIFY(a.host->isConnected(x.id()));  // only the stream went
    }

    void disconnectRemovesPeer() {
        Node a, b;
        QVERIFY(dial(a, b));
        a.gossip->subscribe(kTopic);
        b.gossip->subscribe(kTopic);
        QTRY_VERIFY_WITH_TIMEOUT(a.gossip->gossipPeers().contains(b.id()), kTimeoutMs);
        a.host->disconnect(b.id());
        QTRY_VERIFY_WITH_TIMEOUT(!a.gossip->gossipPeers().contains(b.id()), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!b.gossip->gossipPeers().contains(a.id()), kTimeoutMs);
        QVERIFY(a.gossip->meshPeers(kTopic).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestGossipService)
#include "tst_gossip_service.moc"
