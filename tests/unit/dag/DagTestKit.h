#pragma once
// Shared by the DAG tests: a recording DagHost and hand-built deltas (real
// encoded bodies and SHA-256 ids, no encryption).
#include "codec/DeltaCodec.h"
#include "crypto/Sha256.h"
#include "dag/DagStore.h"
#include "dag/DeltaRecord.h"
#include "store/Keys.h"
#include "store/Store.h"

#include <QString>
#include <memory>
#include <unordered_set>
#include <vector>

namespace dn::test {

inline Hash32 testContext() {
    Hash32 h;
    h.bytes.fill(0xC7);
    return h;
}

inline Hash32 someId(int n) { return sha256(QByteArray("absent-") + QByteArray::number(n)); }

// A delta with a unique body (the tag) and the given parents.
inline Delta makeDelta(std::vector<Hash32> parents, int tag, const Hash32 &ctx = testContext()) {
    DeltaBody body;
    body.contextId = ctx;
    body.parents = std::move(parents);
    body.actions.push_back(Action::put("k/" + QByteArray::number(tag), QByteArray::number(tag)));
    body.hlc = uint64_t(tag) << 16;
    body.author.bytes.fill(0xA1);
    Delta d;
    d.bodyBytes = encodeBody(body);
    d.id = sha256(d.bodyBytes);
    d.body = std::move(body);
    return d;
}

inline QByteArray envelopeFor(const Delta &d) { return "env:" + d.id.toByteArray(); }

// Writes the context meta (heads) and one state key per delta into the batch,
// like the real context layer, and checks the DAG's promises as it goes.
class RecordingHost : public DagHost {
public:
    bool applyDelta(const Delta &delta, const std::vector<Hash32> &headsAfter, Batch &batch, QString *error) override {
        if (refuse.count(delta.id)) {
            *error = QStringLiteral("refused by the test host");
            return false;
        }
        for (const Hash32 &p : delta.body.parents)
            if (!p.isZero() && !seen.count(p) && !knownBefore.count(p)) parentAfterChild = true;
        if (!seen.insert(delta.id).second) appliedTwice = true;
        order.push_back(delta.id);
        QByteArray heads;
        for (const Hash32 &h : headsAfter) heads += h.toByteArray();
        batch.put(keys::context(testContext()), heads);
        batch.put(keys::state(testContext(), delta.id.toByteArray()), delta.bodyBytes);
        return true;
    }
    void deltaApplied(const Delta &delta, bool cascaded) override {
        ++notified;
        if (cascaded) ++cascadedNotes;
    }

    std::vector<Hash32> order;              // application order
    std::unordered_set<Hash32> seen;
    std::unordered_set<Hash32> knownBefore;  // applied by an earlier host instance
    std::unordered_set<Hash32> refuse;
    bool parentAfterChild = false;
    bool appliedTwice = false;
    int notified = 0, cascadedNotes = 0;
};

// Heads as the host recorded them in the context meta.
inline std::vector<Hash32> storedHeads(Store &store) {
    std::vector<Hash32> out;
    const QByteArray raw = store.get(keys::context(testContext())).value_or(QByteArray());
    for (qsizetype i = 0; i + 32 <= raw.size(); i += 32) out.push_back(*Hash32::fromBytes(raw.mid(i, 32)));
    return out;
}

inline size_t countPrefix(Store &store, const QByteArray &prefix) {
    size_t n = 0;
    store.scan(prefix, [&](const QByteArray &, const QByteArray &) { return ++n; });
    return n;
}

inline std::unique_ptr<Store> openStore(const QString &dir) {
    auto r = Store::open(dir);
    if (!r) qFatal("cannot open store: %s", qPrintable(r.error().message));
    return std::move(r.value());
}

}  // namespace dn::test
