#include "context/Integrity.h"
#include "context/ContextRuntime.h"
#include "deltanode.pb.h"
#include "storage.pb.h"
#include "store/Keys.h"
#include <unordered_set>

namespace dn {
namespace pb = ::deltanode::pb;

IntegrityReport verifyContext(Store &store, ContextRuntime &rt) {
    IntegrityReport rep;
    const Hash32 ctx = rt.record().id;
    // What the record says.
    if (auto raw = store.get(keys::context(ctx))) {
        pb::ContextMeta m;
        if (m.ParseFromArray(raw->constData(), int(raw->size()))) {
            for (const auto &h : m.heads())
                if (auto id = Hash32::fromBytes(QByteArray::fromStdString(h))) rep.storedHeads.push_back(*id);
            rep.storedRoot = Hash32::fromBytes(QByteArray::fromStdString(m.root_hash())).value_or(Hash32{});
        }
    }
    // What the applied deltas say: heads are applied deltas no applied delta names as parent.
    std::unordered_set<Hash32> applied, parents, pruned;
    const QByteArray prefix = keys::deltaPrefix(ctx);
    store.scan(prefix, [&](const QByteArray &key, const QByteArray &value) {
        pb::StoredDelta sd;
        if (!sd.ParseFromArray(value.constData(), int(value.size())) || !sd.applied()) return true;
        if (sd.pruned()) {  // no body: it names no parents, but it may be a head (snapshot checkpoint)
            if (auto id = Hash32::fromBytes(key.mid(prefix.size()))) pruned.insert(*id);
            return true;
        }
        pb::DeltaBody body;
        if (!body.ParseFromString(sd.body())) return true;
        if (auto id = Hash32::fromBytes(key.mid(prefix.size()))) applied.insert(*id);
        for (const auto &p : body.parents())
            if (auto pid = Hash32::fromBytes(QByteArray::fromStdString(p))) parents.insert(*pid);
        return true;
    });
    rep.appliedDeltas = applied.size();
    for (const auto &id : applied)
        if (!parents.count(id)) rep.computedHeads.push_back(id);
    // After a snapshot the heads are checkpoint markers; nothing tells them
    // apart from older pruned history but the record, so a recorded head that
    // is a marker without an applied child counts.
    for (const auto &id : rep.storedHeads)
        if (pruned.count(id) && !parents.count(id)) rep.computedHeads.push_back(id);
    std::sort(rep.computedHeads.begin(), rep.computedHeads.end());
    std::sort(rep.storedHeads.begin(), rep.storedHeads.end());
    rep.computedRoot = rt.state().recomputeRootHash();
    const auto liveHeads = rt.dag().heads();
    if (rep.computedHeads != rep.storedHeads)
        rep.problem = QStringLiteral("stored heads differ from the heads of the applied deltas");
    else if (std::vector<Hash32>(liveHeads.begin(), liveHeads.end()) != rep.storedHeads)
        rep.problem = QStringLiteral("heads in memory differ from the stored heads");
    else if (rep.computedRoot != rep.storedRoot)
        rep.problem = QStringLiteral("stored root hash differs from the hash of the state entries");
    else if (rep.storedRoot != rt.state().rootHash())
        rep.problem = QStringLiteral("root hash in memory differs from the stored one");
    rep.ok = rep.problem.isEmpty();
    return rep;
}

}  // namespace dn
