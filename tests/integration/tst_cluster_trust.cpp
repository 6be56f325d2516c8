// The trust model (ARCHITECTURE §15) with real `deltanode --headless`
// processes: three members; the admin removes one; the removed node can no
// longer write (not_a_member), cannot sync (the others refuse it, counted),
// and cannot read what is written after its removal (a new key epoch it was
// never given); the remaining two converge. Invitations used up (--uses 1
// twice) and revoked are refused with a message naming the reason.
#include "ClusterHarness.h"
#include <QtTest>

using namespace dn::test;

namespace {
constexpr int kDeadlineMs = 20000;

double metric(Cluster &c, int i, const QByteArray &series) {
    const QByteArray text = c.get(i, QStringLiteral("/metrics")).body;
    for (const QByteArray &line : text.split('\n'))
        if (line.startsWith(series + ' ')) return line.mid(series.size() + 1).toDouble();
    return -1;
}
}  // namespace

class TestClusterTrust : public QObject {
    Q_OBJECT
private slots:
    void removalRotatesTheKeyAndLocksOut();
    void invitationsAreCheckedByTheInviter();
    void concurrentRemoveAndWriteConverge();
};

void TestClusterTrust::removalRotatesTheKeyAndLocksOut() {
    Cluster c;
    QVERIFY(c.valid());
    QString err;
    QVERIFY2(c.start(&err), qPrintable(err));
    QVERIFY2(c.start(&err, {0}), qPrintable(err));
    QVERIFY2(c.start(&err, {0, 1}), qPrintable(err));
    const QString ctx = c.createKvContext(0, &err);
    QVERIFY2(!ctx.isEmpty(), qPrintable(err));
    for (int i : {1, 2}) {
        const QString inv = c.invite(0, ctx, &err, 1);
        QVERIFY2(c.join(i, inv, &err), qPrintable(err));
    }
    QVERIFY(c.set(2, ctx, QStringLiteral("from-c"), QStringLiteral("before"), &err));
    QVERIFY(Cluster::waitFor([&] { return !c.commonRoot(ctx, {0, 1, 2}).isEmpty() && c.value(0, ctx, "from-c") == "before"; }, kDeadlineMs));

    // A removes C: a new epoch whose key is sealed to A and B only.
    const HttpAnswer removed = c.del(0, QStringLiteral("/admin-api/contexts/%1/members/%2").arg(ctx, c.peerId(2)));
    QVERIFY2(removed.status == 200, qPrintable(removed.describe()));
    for (int i : {0, 1})
        QVERIFY(Cluster::waitFor([&] { return c.context(i, ctx).value(QLatin1String("epoch")).toInt() == 1; }, kDeadlineMs));
    const QJsonArray members = c.get(1, QStringLiteral("/admin-api/contexts/%1/members").arg(ctx)).json().value(QLatin1String("members")).toArray();
    QCOMPARE(members.size(), 2);

    // C learns it was removed; its own writes are refused at home.
    QVERIFY(Cluster::waitFor([&] { return c.role(2, ctx) == QLatin1String("none"); }, kDeadlineMs));
    QString refused;
    QVERIFY(!c.set(2, ctx, QStringLiteral("from-c"), QStringLiteral("after"), &refused));
    QVERIFY2(refused.contains(QLatin1String("not_a_member")), qPrintable(refused));

    // Writes after the removal: B and A converge; C cannot open them.
    QVERIFY(c.set(1, ctx, QStringLiteral("secret"), QStringLiteral("for A and B"), &err));
    QVERIFY(c.set(0, ctx, QStringLiteral("secret2"), QStringLiteral("epoch 1"), &err));
    QString root;
    QVERIFY(Cluster::waitFor([&] { return !(root = c.commonRoot(ctx, {0, 1})).isEmpty() && c.value(0, ctx, "secret") == "for A and B" && c.value(1, ctx, "secret2") == "epoch 1"; }, kDeadlineMs));
    QCOMPARE(c.value(0, ctx, QStringLiteral("from-c")), QStringLiteral("before"));
    // C keeps asking (heartbeats, ticks): A and B refuse it as not a member,
    // and whatever reaches C of epoch 1 does not open there.
    QVERIFY(Cluster::waitFor([&] {
        return metric(c, 0, R"(deltanode_not_a_member_refused_total{protocol="sync"})") +
                   metric(c, 1, R"(deltanode_not_a_member_refused_total{protocol="sync"})") > 0;
    }, kDeadlineMs));
    QVERIFY(Cluster::waitFor([&] { return metric(c, 2, R"(deltanode_deltas_rejected_total{reason="unknown_epoch"})") > 0; }, kDeadlineMs));
    QCOMPARE(c.value(2, ctx, QStringLiteral("secret")), QString());
    QCOMPARE(c.value(2, ctx, QStringLiteral("secret2")), QString());
}

void TestClusterTrust::invitationsAreCheckedByTheInviter() {
    Cluster c;
    QVERIFY(c.valid());
    QString err;
    QVERIFY2(c.start(&err), qPrintable(err));
    QVERIFY2(c.start(&err, {0}), qPrintable(err));
    QVERIFY2(c.start(&err, {0}), qPrintable(err));
    const QString ctx = c.createKvContext(0, &err);
    QVERIFY2(!ctx.isEmpty(), qPrintable(err));

    // --uses 1, used twice: the second join is refused by A.
    const QString once = c.invite(0, ctx, &err, 1);
    QVERIFY2(c.join(1, once, &err), qPrintable(err));
    QVERIFY(!c.join(2, once, &err));
    QVERIFY2(err.contains(QLatin1String("invitation_used_up")), qPrintable(err));

    // Revoked: listed as such, and refused.
    const HttpAnswer issued = c.post(0, QStringLiteral("/admin-api/contexts/%1/invite").arg(ctx), {{QStringLiteral("uses"), 5}});
    QCOMPARE(issued.status, 200);
    const QString inv = issued.json().value(QLatin1String("invitation")).toString();
    const QString id = issued.json().value(QLatin1String("inviteId")).toString();
    QCOMPARE(id.size(), 32);
    const HttpAnswer revoked = c.del(0, QStringLiteral("/admin-api/contexts/%1/invites/%2").arg(ctx, id));
    QVERIFY2(revoked.status == 200, qPrintable(revoked.describe()));
    err.clear();
    QVERIFY(!c.join(2, inv, &err));
    QVERIFY2(err.contains(QLatin1String("invitation_revoked")), qPrintable(err));
    bool listed = false;
    for (const QJsonValue &v : c.get(0, QStringLiteral("/admin-api/contexts/%1/invites").arg(ctx)).json().value(QLatin1String("invites")).toArray())
        if (v.toObject().value(QLatin1String("inviteId")).toString() == id)
            listed = v.toObject().value(QLatin1String("state")).toString() == QLatin1String("revoked");
    QVERIFY(listed);

    // A member (not an admin) may not invite.
    const HttpAnswer notAdmin = c.post(1, QStringLiteral("/admin-api/contexts/%1/invite").arg(ctx), {});
    QCOMPARE(notAdmin.status, 403);
    QVERIFY(notAdmin.body.contains("not_an_admin"));
    // A fresh invitation still works.
    const QString fresh = c.invite(0, ctx, &err, 1);
    QVERIFY2(c.join(2, fresh, &err), qPrintable(err));
}

// C writes while, cut off from it, A removes C: the write is concurrent with
// the removal (C was a member where it stands), so every node keeps it, and
// every node, C included, ends on one root with C out.
void TestClusterTrust::concurrentRemoveAndWriteConverge() {
    Cluster c;
    QVERIFY(c.valid());
    QString err;
    QVERIFY2(c.start(&err), qPrintable(err));
    QVERIFY2(c.start(&err, {0}), qPrintable(err));
    QVERIFY2(c.start(&err, {0, 1}), qPrintable(err));
    const QString ctx = c.createKvContext(0, &err);
    QVERIFY2(!ctx.isEmpty(), qPrintable(err));
    for (int i : {1, 2}) QVERIFY2(c.join(i, c.invite(0, ctx, &err, 1), &err), qPrintable(err));
    QVERIFY(Cluster::waitFor([&] { return !c.commonRoot(ctx, {0, 1, 2}).isEmpty(); }, kDeadlineMs));
    for (int i : {0, 1}) {
        QVERIFY(c.block(i, c.peerId(2), true));
        QVERIFY(c.block(2, c.peerId(i), true));
    }
    const HttpAnswer removed = c.del(0, QStringLiteral("/admin-api/contexts/%1/members/%2").arg(ctx, c.peerId(2)));
    QVERIFY2(removed.status == 200, qPrintable(removed.describe()));
    QVERIFY(c.set(2, ctx, QStringLiteral("from-c"), QStringLiteral("concurrent"), &err));
    for (int i : {0, 1}) {
        QVERIFY(c.block(i, c.peerId(2), false));
        QVERIFY(c.block(2, c.peerId(i), false));
    }
    QString root;
    QVERIFY2(Cluster::waitFor([&] { return !(root = c.commonRoot(ctx, {0, 1, 2})).isEmpty(); }, 3 * kDeadlineMs),
             qPrintable(QStringLiteral("roots: %1 %2 %3").arg(c.root(0, ctx), c.root(1, ctx), c.root(2, ctx))));
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(c.value(i, ctx, QStringLiteral("from-c")), QStringLiteral("concurrent"));
        QVERIFY(Cluster::waitFor([&] { return c.context(i, ctx).value(QLatin1String("members")).toInt() == 2; }, kDeadlineMs));
    }
    QCOMPARE(c.role(2, ctx), QStringLiteral("none"));
}

QTEST_GUILESS_MAIN(TestClusterTrust)
#include "tst_cluster_trust.moc"
