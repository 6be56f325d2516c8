// ARCHITECTURE §15, existing data: a data directory written before the trust
// model (deltas sealed with ChaCha20 and no governance, membership as
// `\0members/` state entries, a context record without trust fields) opens
// after the upgrade with its state and root unchanged; its known authors are
// members, the creator is admin, and writing and inviting go on.
//
// The old directory is written here record by record with the store and
// state layers, exactly in the old formats (the old release is not at hand
// in a test), so the test fails if any of those formats stops being read.
#include "MemberTestUtil.h"
#include "TestUtil.h"
#include "codec/DeltaCodec.h"
#include "codec/Envelope.h"
#include "context/Engine.h"
#include "crypto/PeerId.h"
#include "crypto/Random.h"
#include "dag/DeltaRecord.h"
#include "state/ContextState.h"
#include "state/Hlc.h"
#include "store/Keys.h"
#include "store/Store.h"
#include "storage.pb.h"
#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

using namespace dn;

class TestEngineMigration : public QObject {
    Q_OBJECT
private slots:
    void oldDataDirectoryOpens();
};

void TestEngineMigration::oldDataDirectoryOpens() {
    QTemporaryDir dir;
    Hash32 appId, self;
    {
        Engine::Options o;
        o.dataDir = dir.path();
        o.workers = 1;
        auto e = Engine::open(o);
        QVERIFY(e);
        auto app = (*e)->installApp(test::readWasm("kv_store"), "kv");
        QVERIFY(app);
        appId = app->id;
        self = (*e)->identity().publicKey();
    }
    // The old context: created here (this node holds the secret), one
    // genesis by us and one delta by another author, Bob.
    const Ed25519Key ctxKey = Ed25519Key::generate(), bob = Ed25519Key::generate();
    const Hash32 ctx = ctxKey.publicKey();
    const QByteArray key = randomBytes(32);
    Hash32 root, genesisId, bobId;
    {
        auto store = Store::open(QDir(dir.path()).filePath(QStringLiteral("db")));
        QVERIFY(store);
        auto identity = Identity::loadOrCreate(dir.path());
        QVERIFY(identity);
        ContextState state(**store, ctx);
        auto write = [&](const Ed25519Key &author, std::vector<Hash32> parents, std::vector<Action> actions) -> Hash32 {
            DeltaBody b;
            b.contextId = ctx;
            b.parents = std::move(parents);
            b.actions = std::move(actions);
            b.hlc = ntp64FromUnixMs(QDateTime::currentMSecsSinceEpoch() - 60000);
            b.author = author.publicKey();
            const SealedDelta s = sealDelta(b, author, key, EnvelopeSuite::ChaCha20Ietf);
            Batch batch;
            for (const Action &a : s.delta.body.actions) state.apply(a, b.stamp(), batch);
            StoredDeltaInfo rec;
            rec.body = s.delta.bodyBytes;
            rec.envelope = s.envelopeBytes;
            rec.applied = true;
            rec.receivedAtMs = QDateTime::currentMSecsSinceEpoch();
            batch.put(keys::delta(ctx, s.delta.id), encodeDeltaRecord(rec));
            if (!(*store)->commitSync(std::move(batch))) qFatal("could not write the old delta");
            return s.delta.id;
        };
        const QByteArray selfPeer = PeerId::fromPublicKey(self).toBase58().toUtf8();
        genesisId = write(identity->key(), {Hash32::zero()},
                          {Action::put("kv/greeting", "\"hello\""), Action::put(QByteArray("\0members/", 9) + selfPeer, "{}")});
        bobId = write(bob, {genesisId}, {Action::put("kv/bob", "\"was here\"")});
        root = state.rootHash();
        deltanode::pb::ContextMeta m;
        m.set_app_id(appId.data(), 32);
        m.set_name("old");
        m.set_context_key(key.constData(), 32);
        m.add_heads(bobId.data(), 32);
        m.set_root_hash(root.data(), 32);
        m.set_applied_count(2);
        m.set_created_at_ms(uint64_t(QDateTime::currentMSecsSinceEpoch()));
        const QByteArray seed = ctxKey.seed();
        m.set_context_secret(seed.constData(), size_t(seed.size()));
        Batch b;
        b.put(keys::context(ctx), QByteArray::fromStdString(m.SerializeAsString()));
        QVERIFY((*store)->commitSync(std::move(b)));
    }

    Engine::Options o;
    o.dataDir = dir.path();
    o.workers = 1;
    auto opened = Engine::open(o);
    QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
    Engine &e = **opened;
    auto info = e.context(ctx);
    QVERIFY(info);
    QCOMPARE(info->rootHash, root);
    QCOMPARE(info->heads, std::vector<Hash32>{bobId});
    auto verified = e.verify(ctx);
    QVERIFY2(verified && verified->ok, verified ? qPrintable(verified->problem) : "verify failed");
    auto got = e.executeSync(ctx, "get", R"({"key":"bob"})");
    QVERIFY(got);
    QVERIFY2(got->output.contains("was here"), got->output.constData());
    // Known authors are members; the creator (this node) is the admin.
    auto m = e.membership(ctx);
    QVERIFY(m);
    QCOMPARE(m->members.size(), size_t(2));
    QVERIFY(m->isAdmin(self));
    QVERIFY(m->isMember(bob.publicKey()) && !m->isAdmin(bob.publicKey()));
    // Life goes on: a write, and an invitation (admins only).
    auto w = e.executeSync(ctx, "set", R"({"key":"after","value":"upgrade"})");
    QVERIFY2(w, w ? "" : qPrintable(w.error().message));
    QVERIFY(e.issueInvite(ctx, 600, 1));
    // Bob's old-format delta arriving again is a duplicate, not a refusal;
    // a stranger's old-format delta is refused.
    const Ed25519Key stranger = Ed25519Key::generate();
    DeltaBody sb;
    sb.contextId = ctx;
    sb.parents = {bobId};
    sb.hlc = ntp64FromUnixMs(QDateTime::currentMSecsSinceEpoch());
    sb.author = stranger.publicKey();
    sb.actions = {Action::put("kv/x", "1")};
    auto r = e.receiveSync(sealDelta(sb, stranger, key, EnvelopeSuite::ChaCha20Ietf).envelopeBytes);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::NotAMember);
    // Reopening does not migrate twice: the record now carries the seed.
    opened->reset();
    auto again = Engine::open(o);
    QVERIFY(again);
    QCOMPARE((*again)->membership(ctx)->members.size(), size_t(2));
}

QTEST_GUILESS_MAIN(TestEngineMigration)
#include "tst_engine_migration.moc"
