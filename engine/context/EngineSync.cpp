// The engine's side of the network (ARCHITECTURE §9): serving history to peers
// (deltaPage, exportSnapshot), taking a peer's state (importSnapshot),
// and pruning. Every call runs
// as one of the context's executor tasks, like the rest of a context's work, so it sees and
// leaves the DAG and state consistent.
#include "codec/DeltaCodec.h"
#include "context/Engine.h"
#include "context/EngineImpl.h"
#include "dag/DeltaRecord.h"
#include "store/Keys.h"
#include "trust/SnapshotProof.h"
#include <QDateTime>
#include <QLoggingCategory>
#include <deque>
#include <mutex>
#include <optional>
#include <unordered_set>

Q_DECLARE_LOGGING_CATEGORY(lcEngine)

namespace dn {

using engine_detail::waitFor;

namespace {

int64_t nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

// How far deltaPage walks back from the asker's heads to learn what it has,
// per envelope it may send: a longer walk only saves duplicates.
constexpr size_t kKnownWalkFactor = 4;

std::vector<Hash32> parentsOf(const StoredDeltaInfo &rec) {
    if (rec.pruned || rec.body.isEmpty()) return {};
    auto body = decodeBody(rec.body);
    return body ? body->parents : std::vector<Hash32>{};
}

}  // namespace

// Runs `body` (returning Result<T> or T) as one of the context's tasks and
// waits; storage_failed if a read failed meanwhile (fail-stop), busy if the
// executor's queues are full.
#define DN_ON_WORKER(T, contextId, body)                                                                      \
    auto rt = d->find(contextId);                                                                             \
    if (!rt) return errors::contextNotFound(contextId);   \
    return waitFor<T>([&](auto cb) {                                                                          \
        auto posted = d->post(*rt, [&, rt, cb](Worker &) {                                                    \
            auto value = body;                                                                                \
            if (auto f = d->failure()) return cb(*f);                                                         \
            cb(std::move(value));                                                                             \
        });                                                                                                   \
        if (!posted) cb(posted.error());                                                                      \
    });

Result<std::vector<Hash32>> Engine::unknownDeltas(const Hash32 &contextId, const std::vector<Hash32> &ids) {
    DN_ON_WORKER(std::vector<Hash32>, contextId, ([&]() -> Result<std::vector<Hash32>> {
        std::vector<Hash32> out;
        for (const Hash32 &id : ids)
            if (!id.isZero() && !rt->dag().has(id)) out.push_back(id);
        // A read that failed said "not here": not an answer to give.
        if (auto f = d->failure()) return *f;
        return out;
    }()))
}

Result<DeltaPage> Engine::deltaPage(const Hash32 &contextId, const std::vector<Hash32> &ids,
                                    const std::vector<Hash32> &have, size_t maxCount, size_t maxBytes) {
    DN_ON_WORKER(DeltaPage, contextId, ([&] {
        DagStore &dag = rt->dag();
        // What the asker has: its heads and, within a bound, their ancestors.
        std::unordered_set<Hash32> known;
        std::deque<Hash32> walk;
        for (const Hash32 &h : have)
            if (dag.has(h) && known.insert(h).second) walk.push_back(h);
        const size_t budget = std::max<size_t>(64, maxCount * kKnownWalkFactor);
        while (!walk.empty() && known.size() < budget) {
            const auto rec = dag.get(walk.front());
            walk.pop_front();
            if (!rec) continue;
            for (const Hash32 &p : parentsOf(*rec))
                if (!p.isZero() && known.insert(p).second) walk.push_back(p);
        }
        // Breadth first from the ids asked for: newest first, parents later.
        DeltaPage page;
        std::unordered_set<Hash32> seen;
        std::deque<Hash32> queue(ids.begin(), ids.end());
        size_t bytes = 0;
        while (!queue.empty()) {
            const Hash32 id = queue.front();
            queue.pop_front();
            if (id.isZero() || known.count(id) || !seen.insert(id).second) continue;
            const auto rec = dag.get(id);
            if (!rec) {
                page.unknown.push_back(id);
                continue;
            }
            if (rec->pruned || rec->envelope.isEmpty()) {
                page.pruned.push_back(id);
                continue;
            }
            if (page.envelopes.size() >= maxCount ||
                (!page.envelopes.empty() && bytes + size_t(rec->envelope.size()) > maxBytes)) {
                page.truncated = true;
                break;
            }
            bytes += size_t(rec->envelope.size());
            page.envelopes.push_back(rec->envelope);
            for (const Hash32 &p : parentsOf(*rec)) queue.push_back(p);
        }
        return page;
    }()))
}

Result<ContextSnapshot> Engine::exportSnapshot(const Hash32 &contextId) {
    Store *store = d->store.get();
    DN_ON_WORKER(ContextSnapshot, contextId, ([&] {
        ContextSnapshot snap;
        rt->state().forEachWithTombstones([&](const StateEntry &e) {
            snap.entries.push_back(e);
            return true;
        });
        // scan() makes queued batches durable first, so this matches the state above.
        const QByteArray prefix = keys::deltaPrefix(contextId);
        store->scan(prefix, [&](const QByteArray &key, const QByteArray &value) {
            const auto rec = decodeDeltaRecord(value);
            const auto id = Hash32::fromBytes(key.mid(prefix.size()));
            if (rec && id && (rec->applied || rec->pruned)) snap.covered.push_back(*id);
            return true;
        });
        snap.heads = rt->dag().heads();
        snap.rootHash = rt->state().rootHash();
        for (const GovEntry *e : rt->governance().ordered())
            if (auto env = rt->governanceEnvelope(e->id)) snap.governance.push_back(*env);
        snap.epoch = rt->governance().current()->epoch;
        snap.signature = identity().key().sign(snapshotMessage(contextId, snap.epoch, snap.heads, snap.rootHash, snap.covered));
        return snap;
    }()))
}

Result<ContextInfo> Engine::importSnapshot(const Hash32 &contextId, const ContextSnapshot &snapshot) {
    if (auto f = d->failure()) return *f;
    auto rt = d->find(contextId);
    if (!rt) return errors::contextNotFound(contextId);
    Impl *impl = d.get();
    return waitFor<ContextInfo>([&](auto cb) {
        // Refusable: a busy import fails this sync, and a later one fetches the snapshot again.
        auto posted = d->post(*rt, [&, impl, rt, cb](Worker &w) {
            // Governance first: it judges every delta that arrives after the
            // snapshot, and says whether whoever served it is a member.
            const size_t governance = rt->adoptGovernance(snapshot.governance);
            const auto members = rt->governance().current();
            const bool signedByMember =
                members->isMember(snapshot.servedBy) &&
                ed25519Verify(snapshot.servedBy,
                              snapshotMessage(contextId, snapshot.epoch, snapshot.heads, snapshot.rootHash, snapshot.covered),
                              snapshot.signature);
            if (!signedByMember) {
                impl->rejects.add(RejectReason::SnapshotRefused);
                return cb(Error{ErrorCode::SnapshotRefused,
                                QStringLiteral("the snapshot of %1 is not signed by a member").arg(contextId.toBase58())});
            }
            Batch batch;
            size_t changed = 0;
            for (const StateEntry &e : snapshot.entries)
                if (rt->state().merge(e, batch)) ++changed;
            // State first, then markers and heads: a crash in between leaves
            // merged state that a second import merges again to the same result.
            impl->store->commit(std::move(batch));
            rt->dag().adoptSnapshot(snapshot.covered, snapshot.heads,
                                    [&](const std::vector<Hash32> &heads, Batch &b) {
                                        b.put(keys::context(contextId), rt->encodeRecord(heads, rt->state().rootHash()));
                                    });
            rt->publishInfo();
            impl->runHandlers(w, *rt);
            if (auto f = impl->failure()) return cb(*f);
            qCInfo(lcEngine) << "snapshot of" << contextId.toBase58() << "imported:" << snapshot.entries.size()
                             << "entries," << changed << "changed," << snapshot.covered.size() << "deltas covered,"
                             << governance << "governance deltas";
            cb(rt->info());
        });
        if (!posted) cb(posted.error());
    });
}

Result<size_t> Engine::prune(const Hash32 &contextId, size_t retain, int64_t minAgeMs) {
    if (auto f = d->failure()) return *f;
    // DagStore keeps deltas received within pendingMaxAgeMs of the "now" it
    // is given; shifting that now makes the protected window minAgeMs.
    const int64_t shifted = nowMs() - std::max<int64_t>(0, minAgeMs) + d->options.dag.pendingMaxAgeMs;
    DN_ON_WORKER(size_t, contextId, ([&] {
        const size_t n = rt->dag().prune(retain, shifted);
        rt->publishInfo();
        return n;
    }()))
}
#undef DN_ON_WORKER

}  // namespace dn
