// DagStore::adoptSnapshot: the DAG side of a snapshot sync. Kept apart from
// DagStore.cpp, which is about deltas arriving one by one.
#include "dag/DagStore.h"

#include "dag/DeltaRecord.h"
#include "store/Keys.h"

#include <QLoggingCategory>
#include <algorithm>
#include <unordered_set>

Q_DECLARE_LOGGING_CATEGORY(lcDag)

namespace dn {

namespace {
// Markers are small; bounded batches keep each group commit small anyway.
constexpr size_t kMarkerBatch = 1000;
}  // namespace

std::vector<Hash32> DagStore::adoptSnapshot(const std::vector<Hash32> &covered, const std::vector<Hash32> &heads,
                                            const std::function<void(const std::vector<Hash32> &, Batch &)> &record) {
    const std::unordered_set<Hash32> coveredSet(covered.begin(), covered.end());
    Batch batch;
    size_t marked = 0, dropped = 0;
    std::vector<Hash32> released;  // covered ids pending children may wait for
    for (const Hash32 &id : covered) {
        if (id.isZero()) continue;
        if (pending_.contains(id)) {
            // Its effect is in the snapshot: applying it too would count it twice.
            pending_.take(id);
            batch.remove(keys::pending(ctx_, id));
            ++dropped;
        } else if (isApplied(id)) {
            continue;  // applied here already; the state join absorbed it
        }
        StoredDeltaInfo marker;
        marker.applied = true;
        marker.pruned = true;
        marker.receivedAtMs = clock_();
        batch.put(keys::delta(ctx_, id), encodeDeltaRecord(marker));
        released.push_back(id);
        ++marked;
        if (batch.size() >= kMarkerBatch) queue(std::exchange(batch, Batch{}));
    }
    std::vector<Hash32> next;
    for (const Hash32 &h : heads_)
        if (!coveredSet.count(h)) next.push_back(h);
    for (const Hash32 &h : heads)
        if (!h.isZero()) next.push_back(h);
    std::sort(next.begin(), next.end());
    next.erase(std::unique(next.begin(), next.end()), next.end());
    heads_ = std::move(next);
    for (const Hash32 &h : heads_) recent_.insert(h);
    record(heads_, batch);
    queue(std::move(batch));
    qCInfo(lcDag) << "adopted a snapshot of context" << ctx_.toHex() << ":" << marked << "ids marked," << dropped
                  << "pending dropped," << heads_.size() << "heads";
    // Pending deltas that waited for covered ids may go now.
    std::vector<Hash32> applied;
    for (const Hash32 &id : released) {
        for (const Hash32 &kid : pending_.parentSatisfied(id)) {
            auto e = pending_.take(kid);
            if (!e) continue;
            QString err;
            if (applyOne(e->delta, e->envelope, e->receivedAtMs, true, true, &err)) {
                applied.push_back(kid);
                cascadeFrom(kid, &applied);
            } else {
                dropPending(kid);
            }
        }
    }
    return applied;
}

}  // namespace dn
