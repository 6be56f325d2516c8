#include "context/Engine.h"
#include "context/EngineImpl.h"
#include "blob/BlobStore.h"
#include "context/AppCatalog.h"
#include "context/ContextRuntime.h"
#include "codec/DeltaCodec.h"
#include "crypto/PeerId.h"
#include "crypto/Random.h"
#include "crypto/SealedBox.h"
#include "runtime/ExecutorPool.h"
#include "state/Hlc.h"
#include "store/Keys.h"
#include "store/Store.h"
#include "storage.pb.h"
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <atomic>
#include <future>
#include <shared_mutex>
#include <unordered_map>

Q_LOGGING_CATEGORY(lcEngine, "dn.engine")

namespace dn {
namespace pb = ::deltanode::pb;

using engine_detail::waitFor;

namespace {
int64_t nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

std::vector<Hash32> hashesFrom(const google::protobuf::RepeatedPtrField<std::string> &in) {
    std::vector<Hash32> out;
    for (const auto &s : in)
        if (auto h = Hash32::fromBytes(QByteArray::fromStdString(s))) out.push_back(*h);
    return out;
}
}  // namespace

Engine::Engine() : d(std::make_unique<Impl>()) {}

Engine::~Engine() {
    if (!d) return;
    flush();
    d->pool.reset();  // runs what is still queued
    d->contexts.clear();
    if (d->store) d->store->flush();
}

Result<std::unique_ptr<Engine>> Engine::open(const Options &options) {
    std::unique_ptr<Engine> e(new Engine());
    auto &d = *e->d;
    d.options = options;
    if (!QDir().mkpath(options.dataDir))
        return Error{ErrorCode::Io, QStringLiteral("cannot create data directory %1").arg(options.dataDir)};
    auto store = Store::open(QDir(options.dataDir).filePath(QStringLiteral("db")), options.store);
    if (!store) return store.error();
    d.store = std::move(*store);
    Impl *impl = &d;
    d.store->setFailureHandler([impl](const Error &e) {
        if (EngineListener *l = impl->listener) l->storageFailed(e);
    });
    auto id = Identity::loadOrCreate(options.dataDir);
    if (!id) return id.error();
    d.identity = std::move(*id);
    d.blobs = std::make_unique<BlobStore>(*d.store);
    const int workers = options.workers > 0 ? options.workers : std::max(1, QThread::idealThreadCount());
    d.pool = std::make_unique<ExecutorPool>(workers, options.limits, options.executor);
    d.apps = std::make_unique<AppCatalog>(*d.store, *d.blobs, *d.pool);
    if (auto r = d.apps->load(); !r) return r.error();
    if (auto r = d.loadContexts(); !r) return r.error();
    // A read error while loading left the store failed: do not run on it.
    if (auto f = d.failure()) return *f;
    qCInfo(lcEngine) << "engine open:" << d.contexts.size() << "contexts," << workers << "workers";
    return e;
}

Result<void> Engine::Impl::loadContexts() {
    std::vector<std::pair<ContextRuntime::Record, pb::ContextMeta>> found;
    store->scan(keys::contextPrefix(), [&](const QByteArray &key, const QByteArray &value) {
        pb::ContextMeta m;
        auto id = Hash32::fromBytes(key.mid(2));
        if (!id || !m.ParseFromArray(value.constData(), int(value.size()))) {
            qCWarning(lcEngine) << "skipping unreadable context record" << key.toHex();
            return true;
        }
        ContextRuntime::Record rec;
        rec.id = *id;
        rec.appId = Hash32::fromBytes(QByteArray::fromStdString(m.app_id())).value_or(Hash32{});
        rec.name = QString::fromStdString(m.name());
        rec.key = QByteArray::fromStdString(m.context_key());
        rec.secret = QByteArray::fromStdString(m.context_secret());
        rec.createdAtMs = int64_t(m.created_at_ms());
        rec.appliedCount = m.applied_count();
        for (const auto &k : m.epoch_keys())
            rec.epochKeys.push_back({k.epoch(), QByteArray::fromStdString(k.key()),
                                     Hash32::fromBytes(QByteArray::fromStdString(k.source())).value_or(Hash32{})});
        for (const Hash32 &h : hashesFrom(m.seed_members())) rec.seedMembers.insert(h);
        for (const Hash32 &h : hashesFrom(m.seed_admins())) rec.seedAdmins.insert(h);
        rec.trustVersion = m.trust_version();
        found.emplace_back(std::move(rec), std::move(m));
        return true;
    });
    for (auto &[rec, meta] : found) {
        const Hash32 root = Hash32::fromBytes(QByteArray::fromStdString(meta.root_hash())).value_or(Hash32{});
        const bool migrated = rec.trustVersion < ContextRuntime::kTrustVersion;
        if (migrated) migrate(rec);
        auto rt = makeRuntime(rec, root);
        if (auto r = rt->load(hashesFrom(meta.heads())); !r) return r.error();
        if (migrated) {
            Batch b;
            b.put(keys::context(rec.id), rt->encodeRecord(rt->dag().heads(), rt->state().rootHash()));
            if (!store->commitSync(std::move(b))) return writeError("could not record the migrated context");
        }
        contexts.emplace(rec.id, std::move(rt));
    }
    return {};
}

const Identity &Engine::identity() const { return *d->identity; }
void Engine::setListener(EngineListener *listener) {
    d->listener = listener;
    if (auto f = d->failure(); f && listener) listener->storageFailed(*f);
}
std::optional<Error> Engine::storageFailure() const { return d->failure(); }
EngineMetrics &Engine::metrics() { return d->metrics; }
const RejectCounters &Engine::rejects() const { return d->rejects; }
void Engine::countRejected(RejectReason reason) { d->rejects.add(reason); }
StoreStats Engine::storeStats() const { return d->store->stats(); }
BlobStore &Engine::blobs() { return *d->blobs; }

// ---- apps ----

Result<AppRecord> Engine::installApp(const QByteArray &wasm, const QString &name) {
    if (auto f = d->failure()) return *f;
    auto r = d->apps->install(wasm, name);
    if (!r && d->failure()) return *d->failure();
    return r;
}
std::vector<AppRecord> Engine::apps() const { return d->apps->list(); }
std::optional<AppRecord> Engine::app(const Hash32 &appId) const { return d->apps->record(appId); }
std::optional<QByteArray> Engine::appBytes(const Hash32 &appId) const { return d->apps->bytes(appId); }

// ---- contexts ----

Result<Hash32> Engine::Impl::commitLocal(ContextRuntime &rt, std::vector<Hash32> parents,
                                         std::vector<Action> actions, std::vector<Event> events,
                                         uint64_t time, std::function<void(bool)> durable,
                                         std::optional<Governance> governance) {
    if (auto f = failure()) return *f;
    if (parents.empty())
        return Error{ErrorCode::NotSynced, QStringLiteral("context %1 has no history here yet; wait for it to sync")
                                       .arg(rt.record().id.toBase58())};
    DeltaBody body;
    body.contextId = rt.record().id;
    body.parents = std::move(parents);
    body.actions = std::move(actions);
    body.hlc = time;
    body.author = identity->publicKey();
    body.events = std::move(events);
    body.governance = std::move(governance);
    const EpochKey &key = rt.sealingKey();
    if (!body.isGenesis()) {
        body.govParents = rt.governance().heads();
        body.epoch = key.epoch;
    }
    SealedDelta sealed = sealDelta(body, identity->key(), key.key);
    if (auto why = rt.checkLocal(sealed.delta.id, sealed.delta.body))
        return Error{errorCodeOf(why->reason), why->message};
    const Hash32 ctx = rt.record().id, id = sealed.delta.id;
    EngineListener *l = listener;
    QByteArray envelope = sealed.envelopeBytes;
    auto res = rt.dag().add(sealed.delta, sealed.envelopeBytes,
                            [l, ctx, id, envelope, durable = std::move(durable)](bool ok) {
                                if (ok && l) l->localDeltaDurable(ctx, id, envelope);
                                if (durable) durable(ok);
                            });
    rt.publishInfo();
    if (res.status == AddStatus::Failed) return writeError("own delta could not be stored");
    if (res.status != AddStatus::Applied) {
        if (auto why = rt.takeRefusal()) return Error{errorCodeOf(why->reason), why->message};
        return Error{ErrorCode::Internal, QStringLiteral("own delta was not applied: %1").arg(res.error)};
    }
    return id;
}

void Engine::Impl::runHandlers(Worker &w, ContextRuntime &rt) {
    // Handler deltas are authored here, so they never queue further handlers
    // on this node; the loop ends.
    for (auto jobs = rt.takeHandlerJobs(); !jobs.empty(); jobs = rt.takeHandlerJobs()) {
        auto app = apps->compiled(rt.record().appId);
        for (auto &job : jobs) {
            QElapsedTimer t;
            t.start();
            metrics.handlersRun.fetch_add(1, std::memory_order_relaxed);
            if (!app) {
                qCWarning(lcEngine) << "no app for handler" << job.method << app.error().message;
                continue;
            }
            const uint64_t time = hlc.now();
            CallInput in = callInput(rt, job.method, job.data, time);
            in.storage = &rt;
            CallOutcome out = w.call(**app, in);
            if (out.error) {
                qCWarning(lcEngine).noquote() << "event handler" << job.method << "failed:" << out.error->message;
            } else if (!out.actions.empty() || !out.events.empty()) {
                auto r = commitLocal(rt, rt.dag().heads(), std::move(out.actions), std::move(out.events), time, {});
                if (!r) qCWarning(lcEngine).noquote() << "handler delta:" << r.error().message;
            }
            metrics.eventHandlers.record(t.nsecsElapsed() / 1000);
        }
    }
}

void Engine::createContext(const Hash32 &appId, const QString &name, const QByteArray &initArgs,
                           Callback<ContextInfo> done) {
    if (auto f = d->failure()) return done(*f);
    auto app = d->apps->compiled(appId);
    if (!app) return done(app.error());
    const Ed25519Key ctxKey = Ed25519Key::generate();
    ContextRuntime::Record rec;
    rec.id = ctxKey.publicKey();
    rec.appId = appId;
    rec.name = name;
    rec.key = randomBytes(32);
    rec.secret = ctxKey.seed();
    rec.createdAtMs = nowMs();
    auto rt = d->makeRuntime(rec, Hash32{});
    if (auto r = rt->load({}); !r) return done(r.error());
    {
        std::unique_lock lock(d->mutex);
        d->contexts.emplace(rec.id, rt);
    }
    Impl *impl = d.get();
    auto posted = d->post(*rt, [impl, rt, app = *app, initArgs, ctxKey, done](Worker &w) {
        const uint64_t time = impl->hlc.now();
        std::vector<Action> actions;
        std::vector<Event> events;
        if (app->info().hasInit) {
            CallInput in = impl->callInput(*rt, "init", initArgs, time);
            in.storage = rt.get();
            CallOutcome out = w.call(*app, in);
            if (out.error) {
                std::unique_lock lock(impl->mutex);
                impl->contexts.erase(rt->record().id);
                return done(Error{errorCodeOf(out.error->kind), QStringLiteral("init failed: %1").arg(out.error->message)});
            }
            actions = std::move(out.actions);
            events = std::move(out.events);
        }
        // The creator is the first admin (ARCHITECTURE §15): the genesis adds it,
        // signed by the context key, which only the creator ever holds.
        Governance first;
        first.kind = Governance::Kind::MemberAdd;
        first.peer = impl->identity->publicKey();
        first.x25519 = x25519FromEd25519(first.peer);
        first.role = Role::Admin;
        first.contextSignature = ctxKey.sign(GovernanceGraph::genesisMessage(rt->record().id, first.peer));
        auto r = impl->commitLocal(*rt, {Hash32::zero()}, std::move(actions), std::move(events), time,
                                   [impl, rt, done](bool ok) {
                                       if (!ok) return done(impl->writeError("genesis delta could not be written"));
                                       done(rt->info());
                                   },
                                   std::move(first));
        if (!r) done(r.error());
    });
    if (!posted) {  // busy: nothing was written for it yet
        std::unique_lock lock(d->mutex);
        d->contexts.erase(rec.id);
        lock.unlock();
        done(posted.error());
    }
}

Result<ContextInfo> Engine::createContextSync(const Hash32 &appId, const QString &name, const QByteArray &initArgs) {
    return waitFor<ContextInfo>([&](auto cb) { createContext(appId, name, initArgs, cb); });
}

Result<ContextInfo> Engine::joinContext(const Hash32 &contextId, const Hash32 &appId, const JoinGrant &grant,
                                        const QString &name) {
    if (auto f = d->failure()) return *f;
    const auto epoch0 = std::find_if(grant.keys.begin(), grant.keys.end(), [](const EpochKey &k) { return k.epoch == 0; });
    if (epoch0 == grant.keys.end() || epoch0->key.size() != 32)
        return Error{ErrorCode::InvalidArgument, "a joined context needs its 32-byte epoch 0 key"};
    if (!d->apps->record(appId))
        return errors::appNotFound(appId);
    if (d->find(contextId)) return Error{ErrorCode::AlreadyMember, "this node already has that context"};
    ContextRuntime::Record rec;
    rec.id = contextId;
    rec.appId = appId;
    rec.name = name;
    rec.key = epoch0->key;
    for (const EpochKey &k : grant.keys)
        if (k.epoch > 0 && k.key.size() == 32) rec.epochKeys.push_back(k);
    rec.seedMembers = grant.seedMembers;
    rec.seedAdmins = grant.seedAdmins;
    rec.createdAtMs = nowMs();
    auto rt = d->makeRuntime(rec, Hash32{});
    Batch b;
    b.put(keys::context(contextId), rt->encodeRecord({}, Hash32{}));
    if (!d->store->commitSync(std::move(b))) return d->writeError("could not record the context");
    if (auto r = rt->load({}); !r) return r.error();
    std::unique_lock lock(d->mutex);
    d->contexts.emplace(contextId, rt);
    return rt->info();
}

std::vector<ContextInfo> Engine::contexts() const {
    std::vector<ContextInfo> out;
    std::shared_lock lock(d->mutex);
    for (const auto &[id, rt] : d->contexts) out.push_back(rt->info());
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.createdAtMs < b.createdAtMs; });
    return out;
}

std::optional<ContextInfo> Engine::context(const Hash32 &contextId) const {
    auto rt = d->find(contextId);
    if (!rt) return std::nullopt;
    return rt->info();
}


std::optional<QByteArray> Engine::contextKey(const Hash32 &contextId) const {
    auto rt = d->find(contextId);
    if (!rt) return std::nullopt;
    return rt->record().key;
}

Result<void> Engine::deleteContext(const Hash32 &contextId) {
    if (auto f = d->failure()) return *f;
    std::shared_ptr<ContextRuntime> rt;
    {
        std::unique_lock lock(d->mutex);
        auto it = d->contexts.find(contextId);
        if (it == d->contexts.end())
            return errors::contextNotFound(contextId);
        rt = it->second;
        d->contexts.erase(it);
    }
    Store *store = d->store.get();
    auto deleted = waitFor<bool>([&](auto cb) {
        // Queued behind the context's in-flight work, so nothing writes after us.
        // Never refused: the context is already gone from the map, its data must go too.
        (void)d->post(*rt, [store, contextId, cb](Worker &) {
            Batch b;
            for (const QByteArray &prefix :
                 {keys::deltaPrefix(contextId), keys::pendingPrefix(contextId), keys::statePrefix(contextId),
                  keys::governancePrefix(contextId), keys::issuedInvitePrefix(contextId)})
                store->scan(prefix, [&](const QByteArray &k, const QByteArray &) {
                    b.remove(k);
                    return true;
                });
            b.remove(keys::context(contextId));
            cb(store->commitSync(std::move(b)));
        }, Admission::Always);
    });
    if (!deleted.ok() || !*deleted) return d->writeError("could not delete the context's data");
    return {};
}

// ---- calls ----

void Engine::execute(const Hash32 &contextId, const QByteArray &method, const QByteArray &args,
                     Callback<ExecuteResult> done) {
    // Even a read is refused: memory may be ahead of the disk by now.
    if (auto f = d->failure()) return done(*f);
    if (d->stopping.load(std::memory_order_relaxed)) return done(Impl::shuttingDown());
    auto rt = d->find(contextId);
    if (!rt) return done(errors::contextNotFound(contextId));
    auto app = d->apps->compiled(rt->record().appId);
    if (!app) return done(app.error());
    Impl *impl = d.get();
    QElapsedTimer started;
    started.start();
    auto posted = d->post(*rt, [impl, rt, app = *app, method, args, started, done](Worker &w) {
        if (auto f = impl->failure()) return done(*f);
        if (impl->stopping.load(std::memory_order_relaxed)) return done(Impl::shuttingDown());
        const uint64_t time = impl->hlc.now();
        CallInput in = impl->callInput(*rt, method, args, time);
        in.storage = rt.get();
        CallOutcome out = w.call(*app, in);
        impl->metrics.wasmCall.record(out.elapsedUs);
        if (out.error) {
            impl->metrics.failedCalls.fetch_add(1, std::memory_order_relaxed);
            return done(Error{errorCodeOf(out.error->kind), out.error->message});
        }
        auto result = std::make_shared<ExecuteResult>();
        result->output = std::move(out.returnValue);
        result->logs = std::move(out.logs);
        result->events = out.events;
        result->elapsedUs = out.elapsedUs;
        if (out.actions.empty() && out.events.empty()) {  // a read: nothing to commit
            // A state read that failed answered "absent" to the app: not an answer.
            if (auto f = impl->failure()) return done(*f);
            result->rootHash = rt->state().rootHash();
            return done(std::move(*result));
        }
        // The durability callback runs on the committer thread and may come
        // before commitLocal returns the id here: whichever of the two
        // finishes second answers, so the result always carries its delta id.
        auto steps = std::make_shared<std::atomic<int>>(2);
        auto durable = std::make_shared<std::atomic<bool>>(false);
        auto answer = [impl, result, started, done, steps, durable] {
            if (steps->fetch_sub(1, std::memory_order_acq_rel) != 1) return;
            if (!durable->load(std::memory_order_acquire))
                return done(impl->writeError("the transaction could not be made durable"));
            impl->metrics.transaction.record(started.nsecsElapsed() / 1000);
            impl->metrics.transactions.fetch_add(1, std::memory_order_relaxed);
            done(std::move(*result));
        };
        auto r = impl->commitLocal(*rt, rt->dag().heads(), std::move(out.actions), std::move(out.events), time,
                                   [answer, durable](bool ok) {
                                       durable->store(ok, std::memory_order_release);
                                       answer();
                                   });
        if (!r) return done(r.error());
        result->deltaId = *r;
        result->rootHash = rt->state().rootHash();
        answer();
    });
    if (!posted) done(posted.error());
}

Result<ExecuteResult> Engine::executeSync(const Hash32 &contextId, const QByteArray &method, const QByteArray &args) {
    return waitFor<ExecuteResult>([&](auto cb) { execute(contextId, method, args, cb); });
}

void Engine::receive(const QByteArray &envelope, Callback<ReceiveResult> done) {
    auto parsed = parseEnvelope(envelope);
    if (!parsed) {
        d->rejects.add(RejectReason::Malformed);
        return done(Error{ErrorCode::Malformed, parsed.error().message});
    }
    receive(std::move(*parsed), std::move(done));
}

void Engine::receive(ParsedEnvelope parsed, Callback<ReceiveResult> done) {
    if (auto f = d->failure()) return done(*f);
    auto rt = d->find(parsed.header.contextId);
    if (!rt)
        return done(Error{ErrorCode::ContextNotFound,
                          QStringLiteral("delta for unknown context %1").arg(parsed.header.contextId.toBase58())});
    Impl *impl = d.get();
    auto env = std::make_shared<const ParsedEnvelope>(std::move(parsed));
    // Refusable: a delta refused as busy is not lost. Gossip drops it, and the
    // next heartbeat shows our heads behind, so sync asks for it again.
    auto posted = d->post(*rt, [impl, rt, env, done](Worker &w) {
        if (auto f = impl->failure()) return done(*f);
        const QByteArray &envelope = env->bytes;
        QElapsedTimer t;
        t.start();
        auto opened = openEnvelope(*env, rt->keys(), rt->record().id);
        auto refuse = [&](const OpenError &err) {
            impl->rejects.add(err.reason);
            if (impl->listener) impl->listener->deltaRejected(rt->record().id, rejectReasonName(err.reason), err.message);
            done(Error{errorCodeOf(err.reason), err.message});
        };
        if (auto *err = std::get_if<OpenError>(&opened)) return refuse(*err);
        const Delta &delta = std::get<Delta>(opened);
        // A clock far ahead would win every last-writer-wins merge until ours
        // caught up: refused, and asked for again by a later sync.
        const int64_t aheadMs = unixMsFromNtp64(delta.body.hlc) - nowMs();
        if (aheadMs > int64_t(impl->options.maxClockDriftS) * 1000)
            return refuse({RejectReason::HlcDrift, QStringLiteral("delta %1 is stamped %2 s ahead of this node's clock (at most %3 s)")
                                                       .arg(delta.id.toBase58()).arg(aheadMs / 1000).arg(impl->options.maxClockDriftS)});
        impl->hlc.observe(delta.body.hlc);
        impl->metrics.reception.record(t.nsecsElapsed() / 1000);
        auto res = rt->dag().add(delta, envelope);
        ReceiveResult out;
        out.applied = res.applied;
        switch (res.status) {
        case AddStatus::Applied: out.status = ReceiveResult::Status::Applied; break;
        case AddStatus::Pending:
            out.status = ReceiveResult::Status::Pending;
            impl->metrics.deltasPending.fetch_add(1, std::memory_order_relaxed);
            out.missingParents = rt->dag().missingParents();
            break;
        case AddStatus::Duplicate:
            out.status = ReceiveResult::Status::Duplicate;
            impl->metrics.deltasDuplicate.fetch_add(1, std::memory_order_relaxed);
            break;
        case AddStatus::Failed:
            // Not a verdict on the delta: the store failed (possibly on the
            // read that would have said whether we have it already).
            return done(impl->writeError("the delta could not be stored"));
        case AddStatus::Rejected:
            // The runtime counted a trust refusal itself; anything else is the DAG's.
            if (auto why = rt->takeRefusal()) return done(Error{errorCodeOf(why->reason), why->message});
            impl->rejects.add(RejectReason::Malformed);
            return done(Error{ErrorCode::Rejected, res.error});
        }
        rt->publishInfo();
        impl->runHandlers(w, *rt);
        // Handlers or the cascade may have met the failure.
        if (auto f = impl->failure()) return done(*f);
        done(std::move(out));
    });
    if (!posted) done(posted.error());
}

Result<ReceiveResult> Engine::receiveSync(const QByteArray &envelope) {
    return waitFor<ReceiveResult>([&](auto cb) { receive(envelope, cb); });
}

void Engine::beginShutdown() {
    if (d) d->stopping.store(true, std::memory_order_relaxed);
}

void Engine::flush() {
    if (!d->pool) return;
    // The queued work first, then the store.
    d->pool->drain();
    d->store->flush();
}

}  // namespace dn
