#include "context/ContextRuntime.h"
#include "codec/DeltaCodec.h"
#include "codec/Envelope.h"
#include "context/EngineListener.h"
#include "context/EngineMetrics.h"
#include "crypto/SealedBox.h"
#include "store/Keys.h"
#include "deltanode.pb.h"
#include "storage.pb.h"
#include <QElapsedTimer>
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcEngine)

namespace dn {
namespace pb = ::deltanode::pb;

namespace {
// Recent deltas whose governance heads are kept in memory: a new delta's
// parents are nearly always among them; older ones are read from the store.
constexpr size_t kFrontierCache = 8192;
}

ContextRuntime::ContextRuntime(Store &store, Record record, const Hash32 &root, const Ed25519Key &self,
                               EngineMetrics &metrics, RejectCounters &rejects, EngineListener *listener,
                               DagLimits limits)
    : store_(store), record_(std::move(record)), key_(self), self_(self.publicKey()),
      metrics_(metrics), listener_(listener), ring_(record_.key), gov_(record_.id), rejects_(rejects) {
    for (const EpochKey &k : record_.epochKeys) ring_.add(k);
    gov_.setSeed(record_.seedMembers, record_.seedAdmins);
    state_ = std::make_unique<ContextState>(store_, record_.id, root);
    dag_ = std::make_unique<DagStore>(store_, record_.id, *this, limits);
}

Result<void> ContextRuntime::load(std::vector<Hash32> heads) {
    // Governance first, parents before children: the closure sizes grow
    // along the governance DAG, but the store is ordered by id, so collect
    // and add in rounds until nothing more can be placed.
    std::vector<GovEntry> found;
    const QByteArray prefix = keys::governancePrefix(record_.id);
    store_.scan(prefix, [&](const QByteArray &key, const QByteArray &value) {
        pb::StoredDelta rec;
        auto id = Hash32::fromBytes(key.mid(prefix.size()));
        if (!id || !rec.ParseFromArray(value.constData(), int(value.size()))) return true;
        auto body = decodeBody(QByteArray::fromStdString(rec.body()));
        if (!body || !body->governance) return true;
        found.push_back({*id, body->govParents, body->author, body->hlc, body->epoch, *body->governance});
        return true;
    });
    for (bool progress = true; progress && !found.empty();) {
        progress = false;
        for (auto it = found.begin(); it != found.end();) {
            const bool ready = std::all_of(it->govParents.begin(), it->govParents.end(), [&](const Hash32 &p) { return gov_.has(p); });
            if (!ready) { ++it; continue; }
            gov_.add(std::move(*it));
            it = found.erase(it);
            progress = true;
        }
    }
    if (!found.empty()) qCWarning(lcEngine) << found.size() << "governance deltas of" << record_.id.toBase58() << "miss their parents";
    auto r = dag_->load(std::move(heads));
    publishInfo();
    return r;
}

const EpochKey &ContextRuntime::sealingKey() const {
    const auto m = gov_.current();
    if (const EpochKey *k = ring_.find(m->epoch, m->epochSource)) return *k;
    // Not given the newest key (yet): the newest we hold.
    const EpochKey *best = &ring_.all().front();
    for (const EpochKey &k : ring_.all())
        if (k.epoch <= m->epoch && std::make_pair(k.epoch, k.source) > std::make_pair(best->epoch, best->source)) best = &k;
    return *best;
}

void ContextRuntime::addKeys(const std::vector<EpochKey> &keys) {
    for (const EpochKey &k : keys)
        if (ring_.add(k) && k.epoch > 0) record_.epochKeys.push_back(k);
}

std::shared_ptr<const Membership> ContextRuntime::membership() const {
    std::lock_guard lock(infoMutex_);
    return published_ ? published_ : std::make_shared<const Membership>();
}

QByteArray ContextRuntime::encodeRecord(const std::vector<Hash32> &heads, const Hash32 &root) const {
    pb::ContextMeta m;
    m.set_app_id(record_.appId.data(), 32);
    m.set_name(record_.name.toStdString());
    m.set_context_key(record_.key.constData(), size_t(record_.key.size()));
    for (const auto &h : heads) m.add_heads(h.data(), 32);
    m.set_root_hash(root.data(), 32);
    m.set_applied_count(record_.appliedCount);
    m.set_created_at_ms(uint64_t(record_.createdAtMs));
    if (!record_.secret.isEmpty()) m.set_context_secret(record_.secret.constData(), size_t(record_.secret.size()));
    for (const EpochKey &k : record_.epochKeys) {
        auto *e = m.add_epoch_keys();
        e->set_epoch(k.epoch);
        e->set_key(k.key.constData(), size_t(k.key.size()));
        e->set_source(k.source.data(), 32);
    }
    for (const Hash32 &h : record_.seedMembers) m.add_seed_members(h.data(), 32);
    for (const Hash32 &h : record_.seedAdmins) m.add_seed_admins(h.data(), 32);
    m.set_trust_version(record_.trustVersion);
    std::string out;
    m.SerializeToString(&out);
    return QByteArray::fromStdString(out);
}

std::optional<std::vector<Hash32>> ContextRuntime::frontierOf(const Hash32 &parent) {
    if (auto it = frontiers_.find(parent); it != frontiers_.end()) return it->second;
    if (gov_.has(parent)) return std::vector<Hash32>{parent};
    const auto rec = dag_->get(parent);
    if (!rec || rec->body.isEmpty()) return std::nullopt;
    auto body = decodeBody(rec->body);
    if (!body) return std::nullopt;
    return body->govParents;
}

void ContextRuntime::remember(const Hash32 &id, std::vector<Hash32> frontier) {
    if (frontiers_.size() >= kFrontierCache) frontiers_.clear();
    frontiers_.emplace(id, std::move(frontier));
}

bool ContextRuntime::refuseDelta(const Delta &delta, OpenError why, QString *error) {
    rejects_.add(why.reason);
    if (error) *error = why.message;
    if (listener_) listener_->deltaRejected(record_.id, rejectReasonName(why.reason), why.message);
    qCInfo(lcEngine).noquote() << "refused delta" << delta.id.toBase58() << "of" << record_.id.toBase58() << ":" << why.message;
    refusal_ = std::move(why);
    return false;
}

void ContextRuntime::addGovernance(const Delta &delta, const QByteArray &envelope, Batch &batch) {
    const DeltaBody &body = delta.body;
    learnKeys(delta);
    gov_.add({delta.id, body.govParents, body.author, body.hlc, body.epoch, *body.governance});
    pb::StoredDelta g;
    g.set_body(delta.bodyBytes.constData(), size_t(delta.bodyBytes.size()));
    if (!envelope.isEmpty()) g.set_envelope(envelope.constData(), size_t(envelope.size()));
    std::string bytes;
    g.SerializeToString(&bytes);
    batch.put(keys::governance(record_.id, delta.id), QByteArray::fromStdString(bytes));
    remember(delta.id, {delta.id});
}

std::optional<QByteArray> ContextRuntime::governanceEnvelope(const Hash32 &id) const {
    if (auto rec = dag_->get(id); rec && !rec->envelope.isEmpty()) return rec->envelope;
    pb::StoredDelta g;
    auto raw = store_.get(keys::governance(record_.id, id));
    if (!raw || !g.ParseFromArray(raw->constData(), int(raw->size())) || g.envelope().empty()) return std::nullopt;
    return QByteArray::fromStdString(g.envelope());
}

size_t ContextRuntime::adoptGovernance(const std::vector<QByteArray> &envelopes, const CodecLimits &limits) {
    size_t added = 0;
    Batch batch;
    for (const QByteArray &bytes : envelopes) {
        auto parsed = parseEnvelope(bytes, limits);
        if (!parsed) {
            rejects_.add(RejectReason::Malformed);
            continue;
        }
        if (gov_.has(parsed->header.id)) continue;
        auto opened = openEnvelope(*parsed, ring_, record_.id, limits);
        if (auto *err = std::get_if<OpenError>(&opened)) {
            rejects_.add(err->reason);
            continue;
        }
        const Delta &delta = std::get<Delta>(opened);
        if (!delta.body.governance) {
            rejects_.add(RejectReason::InvalidGovernance);
            continue;
        }
        if (auto why = gov_.check(delta.id, delta.body)) {
            refuseDelta(delta, std::move(*why), nullptr);
            continue;
        }
        addGovernance(delta, bytes, batch);
        ++added;
    }
    if (added) {
        batch.put(keys::context(record_.id), encodeRecord(dag_->heads(), state_->rootHash()));
        store_.commit(std::move(batch));
        publishInfo();
    }
    return added;
}

void ContextRuntime::learnKeys(const Delta &delta) {
    const Governance &g = *delta.body.governance;
    if (g.kind != Governance::Kind::MemberRemove) return;
    for (const SealedKey &k : g.keys) {
        if (k.member != self_) continue;
        auto key = openSealed(key_, k.sealed);
        if (key && key->size() == 32) addKeys({{g.nextEpoch, *key, delta.id}});
        else qCWarning(lcEngine) << "the epoch" << g.nextEpoch << "key sealed to us in" << delta.id.toBase58() << "does not open";
    }
}

bool ContextRuntime::applyDelta(const Delta &delta, const std::vector<Hash32> &headsAfter, Batch &batch,
                                QString *error) {
    QElapsedTimer t;
    t.start();
    const DeltaBody &body = delta.body;
    // Who may write here (ARCHITECTURE §15): judged by the governance the
    // delta builds on, which must include what each of its parents built on,
    // so that an author cannot step back behind its own removal.
    if (auto why = gov_.check(delta.id, body)) return refuseDelta(delta, std::move(*why), error);
    for (const Hash32 &p : body.parents) {
        if (p.isZero()) continue;
        const auto pf = frontierOf(p);
        if (!pf) continue;  // pruned or covered by a snapshot: nothing left to compare
        for (const Hash32 &g : *pf)
            if (!gov_.covers(body.govParents, g))
                return refuseDelta(delta, {RejectReason::InvalidGovernance,
                                           QStringLiteral("delta %1 omits governance delta %2 that its parent %3 builds on")
                                               .arg(delta.id.toBase58(), g.toBase58(), p.toBase58())},
                                   error);
    }
    const HlcStamp stamp = body.stamp();
    for (const Action &a : body.actions) state_->apply(a, stamp, batch);
    ++record_.appliedCount;
    if (body.governance) {
        addGovernance(delta, {}, batch);
    } else {
        remember(delta.id, body.govParents);
    }
    // The record rides in the same batch as the delta and its state changes,
    // so after a crash heads, root and state always agree.
    batch.put(keys::context(record_.id), encodeRecord(headsAfter, state_->rootHash()));
    metrics_.application.record(t.nsecsElapsed() / 1000);
    return true;
}

void ContextRuntime::deltaApplied(const Delta &delta, bool cascaded) {
    metrics_.deltasApplied.fetch_add(1, std::memory_order_relaxed);
    const bool local = delta.body.author == self_;
    // Handlers run on the receiving members only (ARCHITECTURE §7), never on the author.
    if (!local) {
        for (const Event &e : delta.body.events)
            if (!e.handler.isEmpty()) handlerJobs_.push_back({e.handler, e.data});
    }
    if (delta.body.governance) publishInfo();
    if (listener_) listener_->stateMutated(record_.id, delta, state_->rootHash(), local);
    (void)cascaded;
}

std::optional<QByteArray> ContextRuntime::read(const QByteArray &key) { return state_->get(key); }
int64_t ContextRuntime::counter(const QByteArray &key) { return state_->counter(key); }

void ContextRuntime::scan(const QByteArray &prefix,
                          const std::function<bool(const QByteArray &, const QByteArray &)> &fn) {
    state_->forEach(prefix, [&](const StateEntry &e) {
        if (e.isCounter) return true;
        return fn(e.key, e.value);
    });
}

void ContextRuntime::publishInfo() {
    ContextInfo i;
    i.id = record_.id;
    i.appId = record_.appId;
    i.name = record_.name;
    i.heads = dag_->heads();
    i.rootHash = state_->rootHash();
    i.appliedCount = record_.appliedCount;
    i.pendingCount = dag_->pendingCount();
    i.createdAtMs = record_.createdAtMs;
    i.isOwner = !record_.secret.isEmpty();
    auto m = gov_.current();
    i.memberCount = m->members.size();
    i.epoch = m->epoch;
    i.isMember = m->isMember(self_);
    i.isAdmin = m->isAdmin(self_);
    std::lock_guard lock(infoMutex_);
    info_ = std::move(i);
    published_ = std::move(m);
}

ContextInfo ContextRuntime::info() const {
    std::lock_guard lock(infoMutex_);
    return info_;
}

}  // namespace dn
