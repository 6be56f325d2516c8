// Strangers on the P2P port of a real `deltanode --headless` (issue 12, DESIGN
// §16): bytes that are not libp2p before the upgrade, forged and oversize
// frames on every protocol the node serves after it, and a peer that asks for
// a flood of echoes and never reads them. After each attack the node must be
// up, a member's call must answer within 200 ms and its RSS must stay within
// 64 MB of where it started; the attacker's stream or connection is gone.
#include "HostileBudget.h"
#include "HostilePeer.h"
#include "gossip/GossipTypes.h"
#include "net/IdentifyService.h"
#include "net/PingService.h"
#include "net/Varint.h"
#include <QLoggingCategory>
#include <QPointer>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace dn;
using namespace dn::test;

namespace {
constexpr int kDeadlineMs = 20000;

QByteArray varint(quint64 v) { return encodeVarint(v); }
// A multistream-select line: varint length, text, newline.
QByteArray mssLine(const QByteArray &text) { return varint(quint64(text.size() + 1)) + text + '\n'; }

QByteArray noise(qsizetype n, quint32 seed) {
    QByteArray b(n, Qt::Uninitialized);
    for (qsizetype i = 0; i < n; ++i) {
        seed = seed * 1664525u + 1013904223u;
        b[i] = char(seed >> 24);
    }
    return b;
}
}  // namespace

class TestHostileP2p : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::unique_ptr<Daemon> node_;
    RawHttp http_;
    QString ctx_;
    qint64 rss0_ = 0;
    Multiaddr nodeAddr_;
    PeerId nodeId_;
    quint16 p2pPort_ = 0;

    // A host with a fresh identity, connected to the node.
    std::unique_ptr<Host> stranger() {
        HostConfig cfg;
        cfg.pingIntervalMs = 0;
        auto h = std::make_unique<Host>(Ed25519Key::generate(), cfg);
        std::optional<bool> ok;
        h->dial(nodeAddr_, [&](Result<Connection *> r) { ok = r.ok(); });
        if (!HostilePeer::waitFor([&] { return ok.has_value(); }, kDeadlineMs) || !*ok) return nullptr;
        return h;
    }

    // A stream of `protocol` to the node, or null when it was refused.
    Stream *open(Host &h, const QString &protocol) {
        std::optional<Result<Stream *>> s;
        h.newStream(nodeId_, {protocol}, [&](Result<Stream *> r) { s = std::move(r); });
        if (!HostilePeer::waitFor([&] { return s.has_value(); }, kDeadlineMs) || !*s) return nullptr;
        return s->value();
    }

    // Sends raw bytes on a fresh TCP connection and waits for the node to
    // close it; false when it is still open after the deadline.
    bool rawClosed(const QList<QByteArray> &steps) {
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, p2pPort_);
        if (!s.waitForConnected(kDeadlineMs)) return false;
        for (const QByteArray &step : steps) {
            s.write(step);
            s.flush();
            // Let the node answer each step (multistream echoes the protocol).
            HostilePeer::waitFor([&] { return s.bytesAvailable() > 0 || s.state() != QAbstractSocket::ConnectedState; }, 200);
            s.readAll();
        }
        return HostilePeer::waitFor([&] {
            s.readAll();
            return s.state() != QAbstractSocket::ConnectedState;
        }, kDeadlineMs);
    }

    // Writes `bytes` on a fresh stream of `protocol` (and half-closes it)
    // and waits until the node has reset or closed that stream, or the whole
    // connection. "refused" when the node would not open the stream at all.
    QString forge(Host &h, const QString &protocol, const QByteArray &bytes) {
        QPointer<Stream> s = open(h, protocol);
        if (!s) return QStringLiteral("refused");
        bool ended = false;
        QString how;
        connect(s, &Stream::wasReset, this, [&](const QString &why) { ended = true; how = QStringLiteral("reset: ") + why; });
        connect(s, &Stream::readFinished, this, [&] { ended = true; how = QStringLiteral("closed"); });
        connect(s, &Stream::readyRead, this, [&, s] { if (s) s->readAll(); });
        connect(s, &Stream::closed, this, [&] { ended = true; if (how.isEmpty()) how = QStringLiteral("closed"); });
        s->write(bytes);
        if (!HostilePeer::waitFor([&] { return ended || !s || !h.isConnected(nodeId_); }, kDeadlineMs)) return {};
        if (!h.isConnected(nodeId_)) return QStringLiteral("disconnected");
        if (s) s->reset();
        return how;
    }

private slots:
    void initTestCase() {
        QLoggingCategory::setFilterRules(QStringLiteral("dn.*.debug=false\ndn.*.info=false"));
        QVERIFY(dir_.isValid());
        QString error;
        node_ = startTarget(dir_.path(), {}, http_, &ctx_, &error);
        QVERIFY2(node_, qPrintable(error));
        static const QRegularExpression p2p(QStringLiteral("^/ip4/127\\.0\\.0\\.1/tcp/(\\d+)/p2p/(\\S+)$"));
        const QString addr = p2pAddress(*node_);
        const auto m = p2p.match(addr);
        QVERIFY2(m.hasMatch(), node_->output().constData());
        nodeAddr_ = Multiaddr::parse(addr).value();
        p2pPort_ = quint16(m.captured(1).toUInt());
        nodeId_ = PeerId::fromBase58(m.captured(2)).value();
        rss0_ = node_->rss();
        QVERIFY(rss0_ > 0);
    }

    // Before the upgrade: HTTP on the P2P port, a length prefix that never
    // ends, a multistream line of 64 KiB, and a Noise message of 64 KiB
    // garbage. Each connection is closed by the node.
    void garbageBeforeTheUpgrade() {
        const QByteArray header = mssLine("/multistream/1.0.0");
        QVERIFY(rawClosed({"GET / HTTP/1.1\r\nHost: x\r\n\r\n"}));
        QVERIFY(rawClosed({QByteArray(10, char(0xff))}));
        QVERIFY(rawClosed({varint(64 * 1024) + QByteArray(64 * 1024, 'a')}));
        QVERIFY(rawClosed({header, mssLine("/noise"), QByteArray("\xff\xff", 2) + noise(0xffff, 1)}));
        QVERIFY(rawClosed({header, mssLine("/noise"), QByteArray("\x00\x20", 2) + noise(32, 2), noise(4096, 3)}));
        QVERIFY(rawClosed({header, mssLine("/tls/1.0.0"), mssLine("/yamux/1.0.0"), noise(100000, 4)}));
        checkStillServing(http_, *node_, ctx_, rss0_, "garbage before the upgrade");
    }

    // After the upgrade, on every protocol the node serves: a length prefix
    // announcing 64 MiB followed by 1 MiB, and a small frame of garbage. The
    // node ends the stream (or the connection) without waiting for the rest.
    void forgedFramesOnEveryProtocol() {
        const QStringList protocols{IdentifyService::kPushProtocol, kMeshsubV11, kMeshsubV10, syncwire::kSyncProtocol,
                                    syncwire::kBlobProtocol, syncwire::kJoinProtocol};
        std::unique_ptr<Host> h;
        for (const QString &p : protocols) {
            for (int kind = 0; kind < 2; ++kind) {
                if (!h || !h->isConnected(nodeId_)) h = stranger();
                QVERIFY(h);
                const QByteArray bytes = kind == 0 ? varint(64ull << 20) + noise(1 << 20, 5)
                                                   : varint(200) + noise(200, 6);
                const QString how = forge(*h, p, bytes);
                qInfo("%s, %s: %s", qPrintable(p), kind == 0 ? "64 MiB frame" : "garbage frame", qPrintable(how));
                QVERIFY2(!how.isEmpty(), qPrintable(p + QStringLiteral(": the node kept the stream open")));
            }
        }
        // A protocol the node does not speak is refused at negotiation.
        if (!h || !h->isConnected(nodeId_)) h = stranger();
        QVERIFY(h);
        QVERIFY(!open(*h, QStringLiteral("/deltanode/nonsense/9")));
        checkStillServing(http_, *node_, ctx_, rss0_, "forged frames");
    }

    // Pings are echoed; a peer that sends 64 MiB of them and never reads the
    // echoes fills the node's send buffers. The node cuts it off at its
    // pending-output cap (32 MiB) instead of holding the rest.
    void peerThatNeverReads() {
        auto h = stranger();
        QVERIFY(h);
        const double drops0 = metricValue(http_, *node_, R"(deltanode_p2p_dropped_total{reason="pending_output_over_cap"})");
        QPointer<Stream> s = open(*h, PingService::kProtocol);
        QVERIFY(s);
        const QByteArray chunk = noise(256 * 1024, 7);  // a whole number of 32-byte pings
        qint64 sent = 0;
        QElapsedTimer t;
        t.start();
        // Paced by our own send buffer, so our side stays small too.
        while (s && h->isConnected(nodeId_) && sent < (64ll << 20) && t.elapsed() < 60000) {
            Connection *c = h->connectionTo(nodeId_);
            if (c && c->pendingOutput() > 4 * 1024 * 1024) {
                QTest::qWait(2);
                continue;
            }
            if (s->write(chunk) < 0) break;
            sent += chunk.size();
            QCoreApplication::processEvents();
        }
        qInfo("sent %lld MiB of pings unread in %lld ms", sent >> 20, t.elapsed());
        QVERIFY2(HostilePeer::waitFor([&] { return !h->isConnected(nodeId_); }, kDeadlineMs), "the node kept a peer that never reads");
        QTRY_VERIFY_WITH_TIMEOUT(metricValue(http_, *node_, R"(deltanode_p2p_dropped_total{reason="pending_output_over_cap"})") > drops0,
                                 kDeadlineMs);
        checkStillServing(http_, *node_, ctx_, rss0_, "peer that never reads");
    }

    void cleanupTestCase() {
        if (node_) {
            QString error;
            QVERIFY2(node_->stop(&error), qPrintable(error));
        }
    }
};

QTEST_GUILESS_MAIN(TestHostileP2p)
#include "tst_hostile_p2p.moc"
