// Acceptance: kv_store, counter and chat work end to end through the engine
// API, state survives an engine restart, and chat's event handler runs on a
// second engine that applies the first one's deltas.
#include "MemberTestUtil.h"
#include "TestUtil.h"
#include "context/Engine.h"
#include "state/Hlc.h"
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>
#include <mutex>

using namespace dn;

namespace {

// Collects envelopes authored by an engine, as the network would carry them.
class Outbox : public EngineListener {
public:
    void localDeltaDurable(const Hash32 &, const Hash32 &, const QByteArray &envelope) override {
        std::lock_guard lock(mutex);
        envelopes.push_back(envelope);
    }
    std::vector<QByteArray> take() {
        std::lock_guard lock(mutex);
        return std::exchange(envelopes, {});
    }
    std::mutex mutex;
    std::vector<QByteArray> envelopes;
};

std::unique_ptr<Engine> openEngine(const QString &dir) {
    Engine::Options o;
    o.dataDir = dir;
    o.workers = 2;
    auto e = Engine::open(o);
    if (!e) qWarning() << e.error().message;
    return e ? std::move(*e) : nullptr;
}

QByteArray call(Engine &e, const Hash32 &ctx, const char *method, const QByteArray &args) {
    auto r = e.executeSync(ctx, method, args);
    if (!r) qWarning() << method << r.error().wire() << r.error().message;
    return r ? r->output : QByteArray("<error>");
}

}  // namespace

class TestEngineApps : public QObject {
    Q_OBJECT
private slots:
    void kvStoreEndToEndAndRestart();
    void counterConcurrentCalls();
    void chatHandlerRunsOnSecondEngine();
    void futureAndForeignDeltasAreRefused();
    void badInputKeepsServing();
};

void TestEngineApps::kvStoreEndToEndAndRestart() {
    QTemporaryDir dir;
    Hash32 ctx;
    Hash32 root;
    {
        auto e = openEngine(dir.path());
        QVERIFY(e);
        auto app = e->installApp(test::readWasm("kv_store"), "kv_store");
        QVERIFY2(app, app ? "" : qPrintable(app.error().message));
        QVERIFY(app->methods.contains("set"));
        auto c = e->createContextSync(app->id, "notes");
        QVERIFY2(c, c ? "" : qPrintable(c.error().message));
        ctx = c->id;
        auto set = e->executeSync(ctx, "set", R"({"key":"greeting","value":"hello"})");
        QVERIFY2(set, set ? "" : qPrintable(set.error().message));
        QVERIFY(set->deltaId.has_value());
        QCOMPARE(set->events.size(), size_t(1));
        QCOMPARE(set->events[0].kind, QByteArray("Inserted"));
        QCOMPARE(call(*e, ctx, "get", R"({"key":"greeting"})"), QByteArray(R"("hello")"));
        QCOMPARE(call(*e, ctx, "get", R"({"key":"missing"})"), QByteArray("null"));
        call(*e, ctx, "set", R"({"key":"b","value":"2"})");
        QCOMPARE(call(*e, ctx, "remove", R"({"key":"b"})"), QByteArray("true"));
        const auto entries = QJsonDocument::fromJson(call(*e, ctx, "entries", "{}")).object();
        QCOMPARE(entries.value("greeting").toString(), QString("hello"));
        QVERIFY(!entries.contains("b"));
        // A read changes nothing and makes no delta.
        auto get = e->executeSync(ctx, "get", R"({"key":"greeting"})");
        QVERIFY(get && !get->deltaId);
        QCOMPARE(e->contexts().size(), size_t(1));
        // History as the monitor lists it: genesis + 3 writes, newest first, chained.
        auto hist = e->deltas(ctx, 100);
        QVERIFY(hist);
        QCOMPARE(hist->size(), size_t(4));
        QVERIFY((*hist)[0].hlc > (*hist)[3].hlc);
        QVERIFY((*hist)[3].parents == std::vector<Hash32>{Hash32::zero()});
        QCOMPARE((*hist)[0].parents, std::vector<Hash32>{(*hist)[1].id});
        QVERIFY((*hist)[0].local && (*hist)[0].applied);
        QCOMPARE(e->deltas(ctx, 2)->size(), size_t(2));
        root = e->context(ctx)->rootHash;
        QVERIFY(!root.isZero());
        auto v = e->verify(ctx);
        QVERIFY2(v && v->ok, v ? qPrintable(v->problem) : "verify failed");
    }
    {
        auto e = openEngine(dir.path());  // restart
        QVERIFY(e);
        QCOMPARE(e->apps().size(), size_t(1));
        auto info = e->context(ctx);
        QVERIFY(info);
        QCOMPARE(info->name, QString("notes"));
        QCOMPARE(info->rootHash, root);
        QCOMPARE(call(*e, ctx, "get", R"({"key":"greeting"})"), QByteArray(R"("hello")"));
        auto set = e->executeSync(ctx, "set", R"({"key":"after","value":"restart"})");
        QVERIFY(set && set->deltaId);
        auto v = e->verify(ctx);
        QVERIFY2(v && v->ok, v ? qPrintable(v->problem) : "verify failed");
        QVERIFY(e->deleteContext(ctx).ok());
        QVERIFY(!e->context(ctx));
        QVERIFY(!e->executeSync(ctx, "get", R"({"key":"greeting"})").ok());
    }
    {
        auto e = openEngine(dir.path());
        QVERIFY(e->contexts().empty());  // deletion was durable
    }
}

void TestEngineApps::counterConcurrentCalls() {
    QTemporaryDir dir;
    auto e = openEngine(dir.path());
    QVERIFY(e);
    auto app = e->installApp(test::readWasm("counter"), "counter");
    QVERIFY2(app, app ? "" : qPrintable(app.error().message));
    auto c = e->createContextSync(app->id, "count");
    QVERIFY(c);
    // Many calls in flight at once (the pipelined path), all acknowledged.
    std::atomic<int> acked{0}, failed{0};
    const int n = 500;
    for (int i = 0; i < n; ++i)
        e->execute(c->id, "increment", "{}", [&](Result<ExecuteResult> r) { (r ? acked : failed)++; });
    QTRY_COMPARE_WITH_TIMEOUT(acked.load() + failed.load(), n, 30000);
    QCOMPARE(failed.load(), 0);
    QCOMPARE(call(*e, c->id, "get", "{}"), QByteArray::number(n));
    QCOMPARE(e->context(c->id)->appliedCount, uint64_t(n + 1));  // + genesis
}

void TestEngineApps::chatHandlerRunsOnSecondEngine() {
    QTemporaryDir dirA, dirB;
    auto a = openEngine(dirA.path());
    auto b = openEngine(dirB.path());
    QVERIFY(a && b);
    Outbox outA, outB;
    a->setListener(&outA);
    b->setListener(&outB);
    const QByteArray wasm = test::readWasm("chat");
    auto appA = a->installApp(wasm, "chat");
    auto appB = b->installApp(wasm, "chat");
    QVERIFY(appA && appB);
    QCOMPARE(appA->id, appB->id);
    auto c = a->createContextSync(appA->id, "room");
    QVERIFY(c);
    auto joined = test::joinWithKeysOf(*a, *b, c->id, appB->id);
    QVERIFY2(joined, joined ? "" : qPrintable(joined.error().message));

    auto post = a->executeSync(c->id, "post", R"({"author":"alice","text":"hi bob"})");
    QVERIFY2(post, post ? "" : qPrintable(post.error().message));
    QCOMPARE(post->events.size(), size_t(1));
    QCOMPARE(post->events[0].handler, QByteArray("on_message"));
    a->flush();
    auto fromA = outA.take();
    QCOMPARE(fromA.size(), size_t(3));  // genesis, member.add of b, post
    // Deliver out of order: the post first (pending on its parent), then the
    // member.add (pending on genesis), then genesis, which releases both.
    auto r1 = b->receiveSync(fromA[2]);
    QVERIFY(r1);
    QCOMPARE(r1->status, ReceiveResult::Status::Pending);
    QCOMPARE(r1->missingParents.size(), size_t(1));
    auto r0 = b->receiveSync(fromA[1]);
    QVERIFY(r0 && r0->status == ReceiveResult::Status::Pending);
    auto r2 = b->receiveSync(fromA[0]);
    QVERIFY(r2);
    QCOMPARE(r2->applied.size(), size_t(3));
    // The author never runs its own handler; the receiver did, making its own delta.
    QCOMPARE(call(*a, c->id, "delivered", "{}"), QByteArray("0"));
    QCOMPARE(call(*b, c->id, "delivered", "{}"), QByteArray("1"));
    const auto msgs = QJsonDocument::fromJson(call(*b, c->id, "messages", "{}")).array();
    QCOMPARE(msgs.size(), 1);
    QCOMPARE(msgs[0].toObject().value("text").toString(), QString("hi bob"));
    b->flush();
    auto fromB = outB.take();
    QCOMPARE(fromB.size(), size_t(1));  // the handler's delta
    auto back = a->receiveSync(fromB[0]);
    QVERIFY(back && back->status == ReceiveResult::Status::Applied);
    QCOMPARE(call(*a, c->id, "delivered", "{}"), QByteArray("1"));
    // Both members converged.
    QCOMPARE(a->context(c->id)->rootHash, b->context(c->id)->rootHash);
    QCOMPARE(a->context(c->id)->heads, b->context(c->id)->heads);
    // Receiving the same envelope again is a duplicate, not a second application.
    auto dup = b->receiveSync(fromA[2]);
    QVERIFY(dup && dup->status == ReceiveResult::Status::Duplicate);
}

void TestEngineApps::futureAndForeignDeltasAreRefused() {
    QTemporaryDir dirA, dirB, dirC;
    auto a = openEngine(dirA.path());
    auto b = openEngine(dirB.path());
    auto stranger = openEngine(dirC.path());
    QVERIFY(a && b && stranger);
    const QByteArray wasm = test::readWasm("kv_store");
    auto app = a->installApp(wasm, "kv");
    QVERIFY(app && b->installApp(wasm, "kv"));
    auto c = a->createContextSync(app->id, "clock");
    QVERIFY(c);
    QVERIFY(test::joinWithKeysOf(*a, *b, c->id, app->id));
    const Hash32 added = a->context(c->id)->heads.front();  // B's member.add
    // A delta by B, as B's node would seal it, stamped `aheadMs` from now.
    auto deltaBy = [&](Engine &author, int64_t aheadMs, const QByteArray &key) {
        DeltaBody body;
        body.contextId = c->id;
        body.parents = {added};
        body.govParents = {added};
        body.author = author.identity().publicKey();
        body.hlc = ntp64FromUnixMs(QDateTime::currentMSecsSinceEpoch() + aheadMs);
        body.actions = {Action::put("kv/" + key, "\"x\"")};
        return sealDelta(body, author.identity().key(), *a->contextKey(c->id)).envelopeBytes;
    };
    // An hour ahead: refused and counted; the state does not change.
    const Hash32 rootBefore = a->context(c->id)->rootHash;
    auto future = a->receiveSync(deltaBy(*b, 3600 * 1000, "future"));
    QVERIFY(!future);
    QCOMPARE(future.error().code, ErrorCode::HlcDrift);
    QCOMPARE(a->rejects().count(RejectReason::HlcDrift), 1u);
    QCOMPARE(a->context(c->id)->rootHash, rootBefore);
    // The same from a key holder that is not a member: not_a_member, not a head.
    auto foreign = a->receiveSync(deltaBy(*stranger, 0, "foreign"));
    QVERIFY(!foreign);
    QCOMPARE(foreign.error().code, ErrorCode::NotAMember);
    QCOMPARE(a->rejects().count(RejectReason::NotAMember), 1u);
    QCOMPARE(a->context(c->id)->heads, std::vector<Hash32>{added});
    // Now, by the member: applied.
    auto now = a->receiveSync(deltaBy(*b, 0, "now"));
    QVERIFY2(now, now ? "" : qPrintable(now.error().message));
    QCOMPARE(now->status, ReceiveResult::Status::Applied);
}

void TestEngineApps::badInputKeepsServing() {
    QTemporaryDir dir;
    auto e = openEngine(dir.path());
    QVERIFY(e);
    auto bad = e->installApp("not wasm at all", "junk");
    QVERIFY(!bad);
    QCOMPARE(bad.error().code, ErrorCode::CompilationError);
    auto app = e->installApp(test::readWasm("kv_store"), "kv_store");
    QVERIFY(app);
    auto c = e->createContextSync(app->id, "x");
    QVERIFY(c);
    auto missing = e->executeSync(c->id, "no_such_method", "{}");
    QVERIFY(!missing);
    QCOMPARE(missing.error().code, ErrorCode::MethodNotFound);
    auto appErr = e->executeSync(c->id, "set", "{}");  // no key: the app returns an error
    QVERIFY(!appErr);
    QCOMPARE(appErr.error().code, ErrorCode::AppError);
    auto garbage = e->receiveSync(QByteArray(200, '\x07'));
    QVERIFY(!garbage);
    QVERIFY(e->rejects().total() >= 1);
    QVERIFY(!e->executeSync(Hash32{}, "get", "{}"));
    // Still serving.
    QVERIFY(e->executeSync(c->id, "set", R"({"key":"k","value":"v"})"));
    QCOMPARE(call(*e, c->id, "get", R"({"key":"k"})"), QByteArray(R"("v")"));
}

QTEST_GUILESS_MAIN(TestEngineApps)
#include "tst_engine_apps.moc"
