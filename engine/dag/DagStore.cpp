#include "dag/DagStore.h"

#include "codec/DeltaCodec.h"
#include "dag/DeltaRecord.h"
#include "store/Keys.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <algorithm>
#include <deque>
#include <unordered_set>

Q_LOGGING_CATEGORY(lcDag, "dn.dag")

namespace dn {

namespace {
// Pruning rewrites many records; bounded batches keep each group commit small.
constexpr size_t kPruneBatch = 1000;

void sortUnique(std::vector<Hash32> &v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
}
}  // namespace

DagStore::DagStore(Store &store, const Hash32 &contextId, DagHost &host, DagLimits limits)
    : store_(store), ctx_(contextId), host_(host), limits_(limits), recent_(limits.recentIds),
      clock_([] { return QDateTime::currentMSecsSinceEpoch(); }) {}

Result<void> DagStore::load(std::vector<Hash32> heads) {
    heads.erase(std::remove_if(heads.begin(), heads.end(), [](const Hash32 &h) { return h.isZero(); }), heads.end());
    sortUnique(heads);
    heads_ = std::move(heads);
    pending_ = PendingSet();
    recent_.clear();

    // Read every pending record first: whether a parent is "missing" depends
    // on whether it is itself pending.
    std::vector<PendingSet::Entry> restored;
    std::vector<Hash32> broken;
    const QByteArray prefix = keys::pendingPrefix(ctx_);
    store_.scan(prefix, [&](const QByteArray &key, const QByteArray &) {
        const auto id = Hash32::fromBytes(key.mid(prefix.size()));
        if (!id) return true;
        const auto rec = stored(*id);
        auto body = rec && !rec->applied && !rec->pruned ? decodeBody(rec->body) : Result<DeltaBody>(Error{});
        if (!body) {
            qCWarning(lcDag) << "dropping unreadable pending delta" << id->toHex();
            broken.push_back(*id);
            return true;
        }
        PendingSet::Entry e;
        e.delta = Delta{*id, std::move(body.value()), rec->body};
        e.envelope = rec->envelope;
        e.receivedAtMs = rec->receivedAtMs;
        restored.push_back(std::move(e));
        return true;
    });
    for (const Hash32 &id : broken) {
        Batch b;
        b.remove(keys::pending(ctx_, id));
        if (auto rec = stored(id); rec && !rec->applied && !rec->pruned) b.remove(keys::delta(ctx_, id));
        queue(std::move(b));
    }
    // Arrival order survives the restart, so eviction stays oldest-first.
    std::sort(restored.begin(), restored.end(), [](const auto &a, const auto &b) {
        return std::tie(a.receivedAtMs, a.delta.id) < std::tie(b.receivedAtMs, b.delta.id);
    });
    std::unordered_set<Hash32> pendingIds;
    for (const auto &e : restored) pendingIds.insert(e.delta.id);
    std::vector<PendingSet::Entry> ready;
    for (auto &e : restored) {
        for (const Hash32 &p : e.delta.body.parents)
            if (pendingIds.count(p) || !isApplied(p)) e.missing.push_back(p);
        if (e.missing.empty()) ready.push_back(std::move(e));
        else pending_.insert(std::move(e));
    }
    // Finish the cascade a crash interrupted.
    for (auto &e : ready) {
        QString err;
        if (applyOne(e.delta, e.envelope, e.receivedAtMs, true, true, &err)) {
            std::vector<Hash32> applied;
            cascadeFrom(e.delta.id, &applied);
        } else {
            qCWarning(lcDag) << "restored pending delta refused:" << err;
            dropPending(e.delta.id);
        }
    }
    enforcePendingCap();
    qCDebug(lcDag) << "loaded context" << ctx_.toHex() << heads_.size() << "heads" << pending_.size() << "pending";
    return {};
}

QString DagStore::validate(const Delta &delta) const {
    if (delta.body.contextId != ctx_) return QStringLiteral("delta belongs to another context");
    const auto &parents = delta.body.parents;
    if (parents.empty())
        return QStringLiteral("delta has no parents (the first delta of a context names the zero id as parent)");
    for (size_t i = 0; i < parents.size(); ++i) {
        if (parents[i] == delta.id) return QStringLiteral("delta lists itself as a parent");
        for (size_t j = i + 1; j < parents.size(); ++j)
            if (parents[i] == parents[j]) return QStringLiteral("delta lists the same parent twice");
    }
    return {};
}

std::optional<StoredDeltaInfo> DagStore::stored(const Hash32 &id) const {
    const auto raw = store_.get(keys::delta(ctx_, id));
    if (!raw) return std::nullopt;
    return decodeDeltaRecord(*raw);
}

bool DagStore::isApplied(const Hash32 &id) const {
    if (id.isZero() || recent_.contains(id) || std::binary_search(heads_.begin(), heads_.end(), id)) return true;
    if (pending_.contains(id)) return false;
    const auto rec = stored(id);
    return rec && (rec->applied || rec->pruned);
}

bool DagStore::has(const Hash32 &id) const { return pending_.contains(id) || isApplied(id); }

std::vector<Hash32> DagStore::unsatisfiedParents(const Delta &delta) const {
    std::vector<Hash32> missing;
    for (const Hash32 &p : delta.body.parents)
        if (!isApplied(p)) missing.push_back(p);
    return missing;
}

AddResult DagStore::add(const Delta &delta, const QByteArray &envelope, Store::DoneFn durable) {
    callOk_ = durable ? std::make_shared<std::atomic<bool>>(true) : nullptr;
    AddResult r;
    if (QString why = validate(delta); !why.isEmpty()) {
        ++counters_.rejected;
        r.status = AddStatus::Rejected;
        r.error = why;
        finishCall(durable, false);
        return r;
    }
    // In-memory answers first (pending, heads, recent); the store only for
    // old history. A record that is neither applied nor pending is a
    // leftover and is simply overwritten.
    bool duplicate = !storeFailed(&r) && (pending_.contains(delta.id) || isApplied(delta.id));
    // A read that failed answered "absent" above: never act on it (the
    // delta would be applied a second time).
    if (storeFailed(&r)) {
        finishCall(durable, false);
        return r;
    }
    if (duplicate) {
        ++counters_.duplicate;
        r.status = AddStatus::Duplicate;
        finishCall(durable, true);
        return r;
    }
    std::vector<Hash32> missing = unsatisfiedParents(delta);
    if (storeFailed(&r)) {
        finishCall(durable, false);
        return r;
    }
    if (!missing.empty()) {
        makePending(delta, envelope, std::move(missing));
        r.status = AddStatus::Pending;
        finishCall(durable, true);
        return r;
    }
    if (!applyOne(delta, envelope, clock_(), false, false, &r.error)) {
        r.status = AddStatus::Rejected;
        finishCall(durable, false);
        return r;
    }
    r.status = AddStatus::Applied;
    r.applied.push_back(delta.id);
    cascadeFrom(delta.id, &r.applied);
    // Reads made while applying (state, parents of released children) may
    // have failed the store: the batches are refused then, and so is the call.
    if (storeFailed(&r)) {
        finishCall(durable, false);
        return r;
    }
    finishCall(durable, true);
    return r;
}

bool DagStore::storeFailed(AddResult *r) const {
    auto failure = store_.failure();
    if (!failure) return false;
    r->status = AddStatus::Failed;
    r->applied.clear();
    r->error = failure->message;
    return true;
}

bool DagStore::applyOne(const Delta &delta, const QByteArray &envelope, int64_t receivedAtMs, bool wasPending,
                        bool cascaded, QString *error) {
    std::vector<Hash32> headsAfter;
    headsAfter.reserve(heads_.size() + 1);
    const auto &parents = delta.body.parents;
    for (const Hash32 &h : heads_)
        if (std::find(parents.begin(), parents.end(), h) == parents.end()) headsAfter.push_back(h);
    headsAfter.push_back(delta.id);
    sortUnique(headsAfter);

    Batch batch;
    QString hostError;
    if (!host_.applyDelta(delta, headsAfter, batch, &hostError)) {
        ++counters_.rejected;
        *error = hostError.isEmpty() ? QStringLiteral("the context refused the delta") : hostError;
        qCInfo(lcDag) << "delta" << delta.id.toHex() << "refused:" << *error;
        return false;
    }
    StoredDeltaInfo rec;
    rec.body = delta.bodyBytes;
    rec.envelope = envelope;
    rec.applied = true;
    rec.receivedAtMs = receivedAtMs;
    batch.put(keys::delta(ctx_, delta.id), encodeDeltaRecord(rec));
    if (wasPending) batch.remove(keys::pending(ctx_, delta.id));
    queue(std::move(batch));
    heads_ = std::move(headsAfter);
    recent_.insert(delta.id);
    ++counters_.applied;
    host_.deltaApplied(delta, cascaded);
    return true;
}

void DagStore::cascadeFrom(const Hash32 &id, std::vector<Hash32> *applied) {
    // An explicit worklist: a chain of any length costs heap, never stack.
    std::deque<Hash32> work{id};
    while (!work.empty()) {
        const Hash32 parent = work.front();
        work.pop_front();
        for (const Hash32 &kid : pending_.parentSatisfied(parent)) {
            auto e = pending_.take(kid);
            if (!e) continue;
            QString err;
            if (applyOne(e->delta, e->envelope, e->receivedAtMs, true, true, &err)) {
                applied->push_back(kid);
                work.push_back(kid);
            } else {
                // Refused: forget it entirely; its own children keep waiting
                // (and report it missing) until they go stale.
                Batch b;
                b.remove(keys::pending(ctx_, kid));
                b.remove(keys::delta(ctx_, kid));
                queue(std::move(b));
            }
        }
    }
}

void DagStore::makePending(const Delta &delta, const QByteArray &envelope, std::vector<Hash32> missing) {
    PendingSet::Entry e;
    e.delta = delta;
    e.envelope = envelope;
    e.receivedAtMs = clock_();
    e.missing = std::move(missing);
    StoredDeltaInfo rec;
    rec.body = delta.bodyBytes;
    rec.envelope = envelope;
    rec.receivedAtMs = e.receivedAtMs;
    Batch b;
    b.put(keys::delta(ctx_, delta.id), encodeDeltaRecord(rec));
    b.put(keys::pending(ctx_, delta.id), QByteArray());
    queue(std::move(b));
    pending_.insert(std::move(e));
    ++counters_.pending;
    enforcePendingCap();
}

void DagStore::dropPending(const Hash32 &id) {
    pending_.take(id);
    Batch b;
    b.remove(keys::pending(ctx_, id));
    b.remove(keys::delta(ctx_, id));
    queue(std::move(b));
}

void DagStore::enforcePendingCap() {
    while (pending_.size() > limits_.maxPending) {
        const Hash32 victim = *pending_.oldest();
        qCDebug(lcDag) << "pending cap reached; evicting" << victim.toHex();
        dropPending(victim);
        ++counters_.evicted;
    }
}

size_t DagStore::cleanupStale(int64_t nowMs) {
    const auto stale = pending_.receivedBefore(nowMs - limits_.pendingMaxAgeMs);
    for (const Hash32 &id : stale) dropPending(id);
    counters_.stale += stale.size();
    if (!stale.empty()) qCInfo(lcDag) << "dropped" << stale.size() << "stale pending deltas";
    return stale.size();
}

size_t DagStore::prune(size_t retain, int64_t nowMs) {
    // Walk back from the heads to choose what stays.
    std::unordered_set<Hash32> keep(heads_.begin(), heads_.end());
    std::deque<Hash32> frontier(heads_.begin(), heads_.end());
    const size_t target = heads_.size() + retain;
    while (!frontier.empty() && keep.size() < target) {
        const Hash32 id = frontier.front();
        frontier.pop_front();
        const auto rec = stored(id);
        if (!rec || rec->pruned) continue;
        auto body = decodeBody(rec->body);
        if (!body) continue;
        for (const Hash32 &p : body->parents) {
            if (p.isZero() || keep.size() >= target) continue;
            if (keep.insert(p).second) frontier.push_back(p);
        }
    }
    const int64_t youngest = nowMs - limits_.pendingMaxAgeMs;
    size_t pruned = 0;
    Batch batch;
    const QByteArray prefix = keys::deltaPrefix(ctx_);
    store_.scan(prefix, [&](const QByteArray &key, const QByteArray &value) {
        const auto id = Hash32::fromBytes(key.mid(prefix.size()));
        const auto rec = decodeDeltaRecord(value);
        if (!id || !rec || !rec->applied || rec->pruned || keep.count(*id) || rec->receivedAtMs > youngest ||
            host_.keepForever(*id))
            return true;
        StoredDeltaInfo marker;
        marker.applied = true;
        marker.pruned = true;
        marker.receivedAtMs = rec->receivedAtMs;
        batch.put(key, encodeDeltaRecord(marker));
        ++pruned;
        if (batch.size() >= kPruneBatch) queue(std::exchange(batch, Batch{}));
        return true;
    });
    if (!batch.empty()) queue(std::move(batch));
    if (pruned) qCInfo(lcDag) << "pruned" << pruned << "deltas of context" << ctx_.toHex();
    return pruned;
}

std::optional<StoredDeltaInfo> DagStore::get(const Hash32 &id) const { return stored(id); }

std::vector<QByteArray> DagStore::envelopes(const std::vector<Hash32> &ids, size_t limit) const {
    if (limit == 0 || limit > limits_.maxQuery) limit = limits_.maxQuery;
    std::vector<QByteArray> out;
    for (const Hash32 &id : ids) {
        if (out.size() >= limit) break;
        const auto rec = stored(id);
        if (rec && !rec->pruned && !rec->envelope.isEmpty()) out.push_back(rec->envelope);
    }
    return out;
}

std::vector<Hash32> DagStore::missingParents(size_t limit) const {
    if (limit == 0 || limit > limits_.maxQuery) limit = limits_.maxQuery;
    return pending_.missingParents(limit);
}

void DagStore::queue(Batch batch) {
    if (!callOk_) {
        store_.commit(std::move(batch));
        return;
    }
    store_.commit(std::move(batch), [ok = callOk_](bool r) {
        if (!r) ok->store(false);
    });
}

void DagStore::finishCall(const Store::DoneFn &durable, bool success) {
    if (!durable) return;
    // Batches become durable in order, so an empty batch queued last fires
    // after everything this call queued (and everything queued before it,
    // e.g. the original of a duplicate).
    store_.commit(Batch{}, [ok = callOk_, durable, success](bool r) { durable(success && r && ok->load()); });
    callOk_.reset();
}

}  // namespace dn
