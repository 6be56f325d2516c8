// The membership fold (trust/GovernanceGraph.h): genesis, author checks, the
// concurrency rules (remove beats a concurrent add, the lower role wins, the
// last admin stays), epochs and revocations, judged on hand-built histories.
#include "crypto/Ed25519.h"
#include "crypto/SealedBox.h"
#include "crypto/Sha256.h"
#include "trust/GovernanceGraph.h"
#include <QtTest>

using namespace dn;

namespace {

struct Fixture {
    Ed25519Key ctxKey = Ed25519Key::generate();
    Hash32 ctx = ctxKey.publicKey();
    Ed25519Key alice = Ed25519Key::generate(), bob = Ed25519Key::generate(), carol = Ed25519Key::generate();
    GovernanceGraph graph{ctx};
    int counter = 0;

    Hash32 nextId() { return sha256(QByteArray::number(++counter)); }

    DeltaBody body(const Ed25519Key &author, std::vector<Hash32> govParents, std::optional<Governance> g, uint32_t epoch = 0) {
        DeltaBody b;
        b.contextId = ctx;
        b.parents = {sha256("some parent")};
        b.author = author.publicKey();
        b.hlc = uint64_t(counter + 1) << 16;
        b.governance = std::move(g);
        b.govParents = std::move(govParents);
        b.epoch = epoch;
        return b;
    }
    static Governance add(const Hash32 &peer, Role role) {
        Governance g;
        g.kind = Governance::Kind::MemberAdd;
        g.peer = peer;
        g.x25519 = x25519FromEd25519(peer);
        g.role = role;
        return g;
    }
    static Governance remove(const Hash32 &peer, uint32_t nextEpoch) {
        Governance g;
        g.kind = Governance::Kind::MemberRemove;
        g.peer = peer;
        g.nextEpoch = nextEpoch;
        return g;
    }
    static Governance roleSet(const Hash32 &peer, Role role) {
        Governance g;
        g.kind = Governance::Kind::RoleSet;
        g.peer = peer;
        g.role = role;
        return g;
    }
    // Checks and adds; returns the id, or a zero id (and the refusal) if refused.
    Hash32 apply(const DeltaBody &b, std::optional<OpenError> *why = nullptr) {
        const Hash32 id = nextId();
        auto refusal = graph.check(id, b);
        if (why) *why = refusal;
        if (refusal) return {};
        if (b.governance) graph.add({id, b.govParents, b.author, b.hlc, b.epoch, *b.governance});
        return id;
    }
    Hash32 genesis() {
        DeltaBody b = body(alice, {}, add(alice.publicKey(), Role::Admin));
        b.parents = {Hash32::zero()};
        b.governance->contextSignature = ctxKey.sign(GovernanceGraph::genesisMessage(ctx, alice.publicKey()));
        return apply(b);
    }
};

}  // namespace

class TestGovernance : public QObject {
    Q_OBJECT
private slots:
    void genesisNeedsTheContextKey() {
        Fixture f;
        DeltaBody forged = f.body(f.bob, {}, Fixture::add(f.bob.publicKey(), Role::Admin));
        forged.parents = {Hash32::zero()};
        forged.governance->contextSignature = f.bob.sign(GovernanceGraph::genesisMessage(f.ctx, f.bob.publicKey()));
        std::optional<OpenError> why;
        QVERIFY(f.apply(forged, &why).isZero());
        QCOMPARE(why->reason, RejectReason::InvalidGovernance);
        const Hash32 g = f.genesis();
        QVERIFY(!g.isZero());
        const auto m = f.graph.at({g});
        QVERIFY(m->isAdmin(f.alice.publicKey()));
        QCOMPARE(m->members.size(), size_t(1));
    }

    void authorsAreChecked() {
        Fixture f;
        const Hash32 g = f.genesis();
        std::optional<OpenError> why;
        // Bob is nobody yet: neither his app delta nor his governance passes.
        QVERIFY(f.apply(f.body(f.bob, {g}, std::nullopt), &why).isZero());
        QCOMPARE(why->reason, RejectReason::NotAMember);
        QVERIFY(f.apply(f.body(f.bob, {g}, Fixture::add(f.carol.publicKey(), Role::Member)), &why).isZero());
        QCOMPARE(why->reason, RejectReason::NotAnAdmin);
        const Hash32 addBob = f.apply(f.body(f.alice, {g}, Fixture::add(f.bob.publicKey(), Role::Member)));
        QVERIFY(!addBob.isZero());
        QVERIFY(!f.apply(f.body(f.bob, {addBob}, std::nullopt)).isZero());
        // A member is not an admin.
        QVERIFY(f.apply(f.body(f.bob, {addBob}, Fixture::add(f.carol.publicKey(), Role::Member)), &why).isZero());
        QCOMPARE(why->reason, RejectReason::NotAnAdmin);
        // Standing before the add, Bob was not a member: where a delta stands decides.
        QVERIFY(f.apply(f.body(f.bob, {g}, std::nullopt), &why).isZero());
        // Unknown governance parents are refused.
        QVERIFY(f.apply(f.body(f.alice, {sha256("nope")}, std::nullopt), &why).isZero());
        QCOMPARE(why->reason, RejectReason::InvalidGovernance);
    }

    void removeBeatsConcurrentAdd() {
        Fixture f;
        const Hash32 g = f.genesis();
        const Hash32 addBob = f.apply(f.body(f.alice, {g}, Fixture::add(f.bob.publicKey(), Role::Admin)));
        // Concurrently: Alice removes Carol-to-be... Bob (admin) adds Carol while Alice removes Carol's earlier add.
        const Hash32 addCarol = f.apply(f.body(f.alice, {addBob}, Fixture::add(f.carol.publicKey(), Role::Member)));
        const Hash32 removeCarol = f.apply(f.body(f.alice, {addCarol}, Fixture::remove(f.carol.publicKey(), 1)));
        const Hash32 readdCarol = f.apply(f.body(f.bob, {addCarol}, Fixture::add(f.carol.publicKey(), Role::Member)));
        QVERIFY(!removeCarol.isZero() && !readdCarol.isZero());
        // Merged: the removal wins over the concurrent re-add, in either order.
        QVERIFY(!f.graph.at({removeCarol, readdCarol})->isMember(f.carol.publicKey()));
        QVERIFY(!f.graph.at({readdCarol, removeCarol})->isMember(f.carol.publicKey()));
        // A re-add that knows the removal stands.
        const Hash32 later = f.apply(f.body(f.alice, {removeCarol, readdCarol}, Fixture::add(f.carol.publicKey(), Role::Member), 1));
        QVERIFY(!later.isZero());
        QVERIFY(f.graph.at({later})->isMember(f.carol.publicKey()));
        QCOMPARE(f.graph.at({later})->epoch, 1u);
    }

    void lowerRoleWinsAndLastAdminStays() {
        Fixture f;
        const Hash32 g = f.genesis();
        const Hash32 addBob = f.apply(f.body(f.alice, {g}, Fixture::add(f.bob.publicKey(), Role::Admin)));
        // Concurrent: Alice demotes Bob, Bob promotes... himself again (admin): member wins.
        const Hash32 demote = f.apply(f.body(f.alice, {addBob}, Fixture::roleSet(f.bob.publicKey(), Role::Member)));
        const Hash32 keep = f.apply(f.body(f.bob, {addBob}, Fixture::roleSet(f.bob.publicKey(), Role::Admin)));
        QVERIFY(!demote.isZero() && !keep.isZero());
        QCOMPARE(f.graph.at({demote, keep})->find(f.bob.publicKey())->role, Role::Member);
        // The last admin cannot demote or remove itself.
        std::optional<OpenError> why;
        QVERIFY(f.apply(f.body(f.alice, {demote}, Fixture::roleSet(f.alice.publicKey(), Role::Member)), &why).isZero());
        QCOMPARE(why->reason, RejectReason::InvalidGovernance);
        QVERIFY(f.apply(f.body(f.alice, {demote}, Fixture::remove(f.alice.publicKey(), 1)), &why).isZero());
        // Two admins removing each other concurrently: each alone was valid;
        // merged, the one with the higher id is void and an admin remains.
        Fixture h;
        const Hash32 hg = h.genesis();
        const Hash32 hb = h.apply(h.body(h.alice, {hg}, Fixture::add(h.bob.publicKey(), Role::Admin)));
        const Hash32 r1 = h.apply(h.body(h.alice, {hb}, Fixture::remove(h.bob.publicKey(), 1)));
        const Hash32 r2 = h.apply(h.body(h.bob, {hb}, Fixture::remove(h.alice.publicKey(), 1)));
        QVERIFY(!r1.isZero() && !r2.isZero());
        const auto merged = h.graph.at({r1, r2});
        QCOMPARE(merged->adminCount(), size_t(1));
        const Hash32 survivor = r1 < r2 ? h.alice.publicKey() : h.bob.publicKey();  // the higher id's removal is void
        QVERIFY(merged->isAdmin(survivor));
        QCOMPARE(merged->members.size(), size_t(1));
    }

    void epochsAndRevocations() {
        Fixture f;
        const Hash32 g = f.genesis();
        const Hash32 addBob = f.apply(f.body(f.alice, {g}, Fixture::add(f.bob.publicKey(), Role::Member)));
        std::optional<OpenError> why;
        // A removal must start exactly the next epoch.
        QVERIFY(f.apply(f.body(f.alice, {addBob}, Fixture::remove(f.bob.publicKey(), 5)), &why).isZero());
        QCOMPARE(why->reason, RejectReason::InvalidGovernance);
        const Hash32 rm = f.apply(f.body(f.alice, {addBob}, Fixture::remove(f.bob.publicKey(), 1)));
        QCOMPARE(f.graph.at({rm})->epoch, 1u);
        QCOMPARE(f.graph.at({rm})->epochSource, rm);
        // A delta may not claim an epoch that has not started where it stands.
        QVERIFY(f.apply(f.body(f.alice, {addBob}, std::nullopt, 1), &why).isZero());
        QVERIFY(!f.apply(f.body(f.alice, {rm}, std::nullopt, 1)).isZero());
        Governance revoke;
        revoke.kind = Governance::Kind::InviteRevoke;
        revoke.inviteId = QByteArray(16, 'x');
        const Hash32 rv = f.apply(f.body(f.alice, {rm}, revoke, 1));
        QVERIFY(f.graph.at({rv})->revokedInvites.count(QByteArray(16, 'x')));
        QVERIFY(!f.graph.at({rm})->revokedInvites.count(QByteArray(16, 'x')));
        // ordered(): parents first.
        const auto order = f.graph.ordered();
        QCOMPARE(order.size(), size_t(4));
        QCOMPARE(order.front()->id, g);
        QCOMPARE(order.back()->id, rv);
    }

    void migratedSeedMembers() {
        Fixture f;
        f.graph.setSeed({f.alice.publicKey(), f.bob.publicKey()}, {f.alice.publicKey()});
        // Old deltas (no governance parents) are judged by the seed.
        QVERIFY(!f.apply(f.body(f.bob, {}, std::nullopt)).isZero());
        std::optional<OpenError> why;
        QVERIFY(f.apply(f.body(f.carol, {}, std::nullopt), &why).isZero());
        QCOMPARE(why->reason, RejectReason::NotAMember);
        const Hash32 rm = f.apply(f.body(f.alice, {}, Fixture::remove(f.bob.publicKey(), 1)));
        QVERIFY(!rm.isZero());
        QVERIFY(!f.graph.at({rm})->isMember(f.bob.publicKey()));
        QVERIFY(f.graph.at({rm})->isAdmin(f.alice.publicKey()));
    }

    void sealedKeysOpenOnlyForTheirMember() {
        const Ed25519Key a = Ed25519Key::generate(), b = Ed25519Key::generate();
        const QByteArray key = QByteArray(32, '\x42');
        const QByteArray sealed = sealTo(x25519FromEd25519(a.publicKey()), key);
        QCOMPARE(sealed.size(), kSealedKeySize);
        QCOMPARE(openSealed(a, sealed).value_or(QByteArray()), key);
        QVERIFY(!openSealed(b, sealed));
        QByteArray tampered = sealed;
        tampered[40] = char(tampered[40] ^ 1);
        QVERIFY(!openSealed(a, tampered));
    }
};

QTEST_GUILESS_MAIN(TestGovernance)
#include "tst_governance.moc"
