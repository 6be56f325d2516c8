// Interop with js-libp2p (issue 4, acceptance 5, gossipsub part): a deltanode
// Host + GossipService and a js-libp2p node running @libp2p/gossipsub
// (tests/interop/peer.mjs) share a topic, dialing in both directions; each
// side grafts the other, and StrictSign messages flow both ways (small and
// 200 KiB, each delivered once). A second deltanode node behind the first
// shows that relayed messages keep js's signature valid and the other way
// round. Unsubscribing prunes us from js's mesh. Fails (never skips) without
// Node.js or the npm packages.
#include "JsPeer.h"

#include "crypto/Ed25519.h"
#include "gossip/GossipService.h"
#include "net/Host.h"

#include <QJsonArray>
#include <QtTest>
#include <memory>

using namespace dn;
using namespace dn::test;

namespace {

const QString kTopic = QStringLiteral("deltanode-interop-topic");
constexpr int kTimeoutMs = 20000;

struct Received {
    QByteArray data;
    QString from;
};

// A deltanode node: host, gossip service, what it received.
struct Node {
    std::unique_ptr<Host> host;
    std::unique_ptr<GossipService> gossip;
    QList<Received> received;
    Multiaddr addr;

    Node() {
        HostConfig hc;
        hc.pingIntervalMs = 0;
        host = std::make_unique<Host>(Ed25519Key::generate(), hc);
        GossipServiceConfig gc;
        gc.router.heartbeatIntervalMs = 250;  // shorter than 1 s to keep the test quick
        gossip = std::make_unique<GossipService>(host.get(), gc);
        QObject::connect(gossip.get(), &GossipService::message, gossip.get(),
                         [this](const QString &t, const QByteArray &d, const PeerId &from, const QByteArray &) {
                             if (t == kTopic) received.append(Received{d, from.toBase58()});
                         });
        gossip->start();  // before listening: Identify must list meshsub
        addr = *host->listen(*Multiaddr::parse(u"/ip4/127.0.0.1/tcp/0"));
        gossip->subscribe(kTopic);
    }
    QString id() const { return host->peerId().toBase58(); }  // as js names peers
    int count(const QByteArray &data) const {
        int n = 0;
        for (const Received &r : received) n += r.data == data ? 1 : 0;
        return n;
    }
};

QByteArray payload(const QString &tag, int i, qsizetype size = 0) {
    QByteArray d = tag.toUtf8() + '#' + QByteArray::number(i);
    if (size > d.size()) d += QByteArray(size - d.size(), char('a' + i % 26));
    return d;
}

// js's "message" events for kTopic carrying `data` from `from`.
int jsCount(const JsPeer &js, const QByteArray &data, const QString &from) {
    int n = 0;
    for (const QJsonObject &e : js.events())
        if (e[QStringLiteral("event")] == QStringLiteral("message") && e[QStringLiteral("topic")] == kTopic &&
            e[QStringLiteral("from")] == from &&
            QByteArray::fromBase64(e[QStringLiteral("data")].toString().toLatin1()) == data)
            ++n;
    return n;
}

void jsPublish(JsPeer &js, const QByteArray &data) {
    js.send({{"cmd", "publish"}, {"topic", kTopic}, {"data", QString::fromLatin1(data.toBase64())}});
}

// js's mesh for kTopic, asked afresh.
// js names peers by their base58 text; null if it is not a peer id.
PeerId peerOf(const QString &text) { return PeerId::fromBase58(text).value_or(PeerId()); }

QStringList jsMesh(JsPeer &js) {
    js.clearEvents();
    js.send({{"cmd", "peers"}});
    auto e = js.waitForEvent(QStringLiteral("peers"), 5000);
    if (!e) return {};
    QStringList out;
    for (const QJsonValue &v : (*e)[QStringLiteral("mesh")].toObject()[kTopic].toArray()) out.append(v.toString());
    return out;
}

bool dialJs(Node &n, const QString &jsAddr) {
    std::optional<Result<Connection *>> r;
    n.host->dial(*Multiaddr::parse(jsAddr), [&r](Result<Connection *> res) { r = res; });
    return QTest::qWaitFor([&] { return r.has_value(); }, kTimeoutMs) && r->ok();
}

}  // namespace

class TstJsLibp2pGossip : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        const QString why = JsPeer::unavailableReason();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        QLoggingCategory::setFilterRules(QStringLiteral("dn.*.debug=false"));
    }

    void exchangeBothWays_data() {
        QTest::addColumn<bool>("weDial");
        QTest::newRow("deltanode dials js") << true;
        QTest::newRow("js dials deltanode") << false;
    }
    void exchangeBothWays() {
        QFETCH(bool, weDial);
        Node n;
        JsPeer js({QStringLiteral("--topic"), kTopic});
        auto listening = js.waitForEvent(QStringLiteral("listening"));
        QVERIFY2(listening, qPrintable(js.stderrText()));
        const QString jsId = (*listening)[QStringLiteral("peerId")].toString();
        const QString jsAddr = (*listening)[QStringLiteral("addrs")].toArray()[0].toString();
        if (weDial) {
            QVERIFY(dialJs(n, jsAddr));
        } else {
            js.send({{"cmd", "dial"}, {"addr", n.addr.toString()}});
            QVERIFY2(js.waitForEvent(QStringLiteral("dialed")), qPrintable(js.eventsText() + js.stderrText()));
        }

        // Subscriptions cross, then each side has the other in its mesh.
        QTRY_VERIFY_WITH_TIMEOUT(n.gossip->topicPeers(kTopic).contains(peerOf(jsId)), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(n.gossip->meshPeers(kTopic).contains(peerOf(jsId)), kTimeoutMs);
        QVERIFY(QTest::qWaitFor([&] { return jsMesh(js).contains(n.id()); }, kTimeoutMs));

        // deltanode → js and js → deltanode, small and 200 KiB messages.
        QList<QByteArray> ours, theirs;
        for (int i = 0; i < 10; ++i) {
            ours << payload(QStringLiteral("dn"), i, i == 9 ? 200 * 1024 : 0);
            theirs << payload(QStringLiteral("js"), i, i == 9 ? 200 * 1024 : 0);
        }
        for (const QByteArray &d : ours) QVERIFY(n.gossip->publish(kTopic, d).ok());
        for (const QByteArray &d : theirs) jsPublish(js, d);
        for (const QByteArray &d : ours)
            QVERIFY2(js.waitFor([&](const QJsonObject &) { return jsCount(js, d, n.id()) > 0; }, kTimeoutMs),
                     qPrintable(js.eventsText() + js.stderrText()));
        for (const QByteArray &d : theirs) QTRY_COMPARE_WITH_TIMEOUT(n.count(d), 1, kTimeoutMs);
        for (const Received &r : n.received) QCOMPARE(r.from, jsId);
        QCOMPARE(n.received.size(), theirs.size());  // each once, none of our own
        for (const QByteArray &d : ours) QCOMPARE(jsCount(js, d, n.id()), 1);
        QCOMPARE(n.gossip->counters().invalidSignature, quint64(0));
        QCOMPARE(n.gossip->counters().decodeErrors, quint64(0));

        // Leaving the topic prunes us from js's mesh and tells js we left.
        n.gossip->unsubscribe(kTopic);
        QVERIFY(QTest::qWaitFor([&] { return !jsMesh(js).contains(n.id()); }, kTimeoutMs));
        QVERIFY(n.gossip->counters().pruneSent >= 1);
    }

    void relayThroughDeltanode() {
        // js — a — b: js and b only reach each other through a's mesh.
        Node a, b;
        JsPeer js({QStringLiteral("--topic"), kTopic});
        auto listening = js.waitForEvent(QStringLiteral("listening"));
        QVERIFY2(listening, qPrintable(js.stderrText()));
        const QString jsId = (*listening)[QStringLiteral("peerId")].toString();
        QVERIFY(dialJs(a, (*listening)[QStringLiteral("addrs")].toArray()[0].toString()));
        std::optional<Result<Connection *>> r;
        b.host->dial(a.addr, [&r](Result<Connection *> res) { r = res; });
        QTRY_VERIFY_WITH_TIMEOUT(r.has_value() && r->ok(), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(a.gossip->meshPeers(kTopic).contains(peerOf(jsId)), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(a.gossip->meshPeers(kTopic).contains(b.host->peerId()), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(b.gossip->meshPeers(kTopic).contains(a.host->peerId()), kTimeoutMs);
        QVERIFY(QTest::qWaitFor([&] { return jsMesh(js).contains(a.id()); }, kTimeoutMs));

        const QByteArray fromJs = payload(QStringLiteral("js-relayed"), 1);
        jsPublish(js, fromJs);
        QTRY_COMPARE_WITH_TIMEOUT(b.count(fromJs), 1, kTimeoutMs);
        QCOMPARE(b.received.last().from, jsId);  // the author survives the relay

        const QByteArray fromB = payload(QStringLiteral("dn-relayed"), 2);
        QVERIFY(b.gossip->publish(kTopic, fromB).ok());
        QVERIFY2(js.waitFor([&](const QJsonObject &) { return jsCount(js, fromB, b.id()) > 0; }, kTimeoutMs),
                 qPrintable(js.eventsText() + js.stderrText()));
        QCOMPARE(a.count(fromB), 1);
        QCOMPARE(a.gossip->counters().invalidSignature + b.gossip->counters().invalidSignature, quint64(0));
    }
};

QTEST_GUILESS_MAIN(TstJsLibp2pGossip)
#include "tst_js_libp2p_gossip.moc"
