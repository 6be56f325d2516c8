// Issue 4, acceptance 1: three real nodes on loopback. A creates a kv_store
// context and invites B and C; they join (fetching the app from A over the
// blob protocol); a write on any node is readable on the others; concurrent
// writes on all three converge to one root hash. Invitations that are
// forged, malformed or expired are refused with clear errors.
#include "ClusterHarness.h"
#include <QDateTime>
#include <QtTest>

using namespace dn::test;

namespace {
constexpr int kDeadlineMs = 20000;
}

class TestClusterThree : public QObject {
    Q_OBJECT
private slots:
    void threeNodesShareOneContext();
};

void TestClusterThree::threeNodesShareOneContext() {
    Cluster c;
    QVERIFY(c.valid());
    QString err;
    QVERIFY2(c.start(&err), qPrintable(err));
    QVERIFY2(c.start(&err, {0}), qPrintable(err));
    QVERIFY2(c.start(&err, {0}), qPrintable(err));
    QVERIFY2(c.start(&err, {0}), qPrintable(err));  // D: only for refused invitations

    const QString ctx = c.createKvContext(0, &err);
    QVERIFY2(!ctx.isEmpty(), qPrintable(err));
    QVERIFY(c.set(0, ctx, QStringLiteral("before"), QStringLiteral("join"), &err));
    const QString inv = c.invite(0, ctx, &err);
    QVERIFY2(!inv.isEmpty(), qPrintable(err));
    QVERIFY(inv.startsWith(QLatin1String("dn1")));

    // Refused invitations: forged (a changed character), malformed, expired.
    QString forged = inv;
    forged[forged.size() / 2] = forged[forged.size() / 2] == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
    HttpAnswer a = c.post(3, QStringLiteral("/admin-api/contexts/join"), {{QStringLiteral("invitation"), forged}});
    QCOMPARE(a.status, 400);
    QCOMPARE(a.errorCode(), QStringLiteral("invalid_invitation"));
    a = c.post(3, QStringLiteral("/admin-api/contexts/join"), {{QStringLiteral("invitation"), QStringLiteral("dn1notreally")}});
    QCOMPARE(a.errorCode(), QStringLiteral("invalid_invitation"));
    QVERIFY2(!a.errorMessage().isEmpty(), qPrintable(a.describe()));
    const qint64 issued = QDateTime::currentSecsSinceEpoch();
    a = c.post(0, QStringLiteral("/admin-api/contexts/%1/invite").arg(ctx), {{QStringLiteral("expiresInSeconds"), 1}});
    const QString shortLived = a.json().value(QLatin1String("invitation")).toString();
    QVERIFY(!shortLived.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(QDateTime::currentSecsSinceEpoch() >= issued + 2, 5000);  // the clock, not a race
    a = c.post(3, QStringLiteral("/admin-api/contexts/join"), {{QStringLiteral("invitation"), shortLived}});
    QCOMPARE(a.status, 400);
    QCOMPARE(a.errorCode(), QStringLiteral("invitation_expired"));
    QVERIFY(c.get(3, QStringLiteral("/admin-api/contexts")).json().value(QLatin1String("contexts")).toArray().isEmpty());

    // B and C join: the app comes from A, history by sync.
    QVERIFY2(c.join(1, inv, &err), qPrintable(err));
    QVERIFY2(c.join(2, inv, &err), qPrintable(err));
    for (int i : {1, 2}) {
        QCOMPARE(c.value(i, ctx, QStringLiteral("before")), QStringLiteral("join"));
        QCOMPARE(c.get(i, QStringLiteral("/admin-api/applications")).json().value(QLatin1String("applications")).toArray().size(), 1);
    }
    // Joining again is harmless and answers the same context.
    QVERIFY2(c.join(1, inv, &err), qPrintable(err));

    // A write on any node is readable on the others.
    for (int i = 0; i < 3; ++i) QVERIFY2(c.set(i, ctx, QStringLiteral("from-%1").arg(i), QStringLiteral("v%1").arg(i), &err), qPrintable(err));
    for (int j = 0; j < 3; ++j)
        for (int i = 0; i < 3; ++i)
            QTRY_COMPARE_WITH_TIMEOUT(c.value(j, ctx, QStringLiteral("from-%1").arg(i)), QStringLiteral("v%1").arg(i), kDeadlineMs);

    // Concurrent writes, the same keys on every node: one root hash everywhere.
    for (int round = 0; round < 10; ++round)
        for (int i = 0; i < 3; ++i) {
            QVERIFY(c.set(i, ctx, QStringLiteral("shared-%1").arg(round % 3), QStringLiteral("n%1r%2").arg(i).arg(round), &err));
            QVERIFY(c.set(i, ctx, QStringLiteral("own-%1-%2").arg(i).arg(round), QStringLiteral("x"), &err));
        }
    QString root;
    QVERIFY2(Cluster::waitFor([&] { return !(root = c.commonRoot(ctx, {0, 1, 2})).isEmpty(); }, kDeadlineMs),
             qPrintable(QStringLiteral("roots: %1 %2 %3").arg(c.root(0, ctx), c.root(1, ctx), c.root(2, ctx))));
    const qint64 deltas = c.applied(0, ctx);
    QVERIFY(deltas >= 1 + 1 + 2 + 3 + 60);  // genesis, before, two memberships, from-*, rounds
    for (int i : {1, 2}) {
        QCOMPARE(c.applied(i, ctx), deltas);
        for (int k = 0; k < 3; ++k)
            QCOMPARE(c.value(i, ctx, QStringLiteral("shared-%1").arg(k)), c.value(0, ctx, QStringLiteral("shared-%1").arg(k)));
    }

    // Membership is part of the context's history: every node lists the same
    // three members, A (the creator) as admin.
    for (int i = 0; i < 3; ++i) {
        const QJsonObject m = c.get(i, QStringLiteral("/admin-api/contexts/%1/members").arg(ctx)).json();
        const QJsonArray members = m.value(QLatin1String("members")).toArray();
        QCOMPARE(members.size(), 3);
        for (const QJsonValue &v : members) {
            const QJsonObject o = v.toObject();
            const bool isA = o.value(QLatin1String("peerId")).toString() == c.peerId(0);
            QCOMPARE(o.value(QLatin1String("role")).toString(), isA ? QStringLiteral("admin") : QStringLiteral("member"));
            QCOMPARE(o.value(QLatin1String("self")).toBool(), o.value(QLatin1String("peerId")).toString() == c.peerId(i));
            if (!isA) QCOMPARE(o.value(QLatin1String("addedBy")).toString(), c.peerId(0));
        }
    }
    // Peers: A sees B and C with the context topic in its mesh info.
    const QJsonArray peers = c.peers(0);
    QVERIFY(peers.size() >= 3);
    bool sawB = false;
    for (const QJsonValue &v : peers) {
        const QJsonObject p = v.toObject();
        if (p.value(QLatin1String("peerId")).toString() != c.node(1).peerId) continue;
        sawB = true;
        QVERIFY(p.value(QLatin1String("address")).toString().startsWith(QLatin1String("/ip4/127.0.0.1/tcp/")));
        QVERIFY(p.value(QLatin1String("topics")).toArray().contains(ctx));
        QVERIFY(p.value(QLatin1String("protocols")).toArray().contains(QStringLiteral("/deltanode/sync/1.0.0")));
        QVERIFY(p.value(QLatin1String("bytesIn")).toDouble() > 0);
        QVERIFY(p.value(QLatin1String("bytesOut")).toDouble() > 0);
    }
    QVERIFY(sawB);
    for (int i = 0; i < 3; ++i) QVERIFY2(c.stop(i, &err), qPrintable(err));
}

QTEST_GUILESS_MAIN(TestClusterThree)
#include "tst_cluster_three.moc"
