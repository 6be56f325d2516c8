#include "state/ContextState.h"

#include "state/RootHash.h"
#include "store/Keys.h"
#include "store/Store.h"

#include <QLoggingCategory>

namespace dn {

Q_LOGGING_CATEGORY(lcState, "dn.state")

namespace {

void appendU32(QByteArray &out, uint32_t v) {
    const char b[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
    out.append(b, 4);
}

}  // namespace

ContextState::ContextState(Store &store, const Hash32 &contextId, const Hash32 &initialRoot,
                           size_t cacheEntries)
    : store_(store), ctx_(contextId), prefix_(keys::statePrefix(contextId)), cache_(cacheEntries),
      root_(initialRoot) {}

QByteArray ContextState::storageKey(char tag, const QByteArray &key) const {
    QByteArray k;
    k.reserve(prefix_.size() + 1 + key.size());
    k.append(prefix_).append(tag).append(key);
    return k;
}

CachedEntry ContextState::load(const QByteArray &skey, const QByteArray &key, bool counter) const {
    if (CachedEntry *hit = cache_.find(skey)) return *hit;
    CachedEntry e;
    if (auto stored = store_.get(skey)) {
        e.entry = entry::decode(key, *stored, counter);
        if (!e.entry) {
            // Treated as absent so the node keeps serving; the next winning
            // write replaces it. recomputeRootHash() skips it the same way.
            qCWarning(lcState) << "malformed state entry in context" << ctx_.toHex()
                               << "key" << key.toHex() << "ignored";
        } else {
            e.contribution = entry::contribution(*e.entry);
        }
    }
    if (!e.entry || e.entry->value.size() <= kMaxCachedValueBytes) {
        cache_.put(skey, e);
        trimCache();
    }
    return e;
}

void ContextState::trimCache() const {
    cache_.trim([this](const QByteArray &skey, const CachedEntry &e) {
        return store_.get(skey) == e.written;
    });
    if (!warnedOversize_ && cache_.size() > 8 * cache_.capacity()) {
        warnedOversize_ = true;
        qCWarning(lcState) << "state cache of context" << ctx_.toHex() << "holds" << cache_.size()
                           << "entries of batches not committed yet (a very large delta, or a "
                              "batch dropped without rollback())";
    }
}

bool ContextState::write(const QByteArray &skey, const CachedEntry &old, StateEntry next, Batch &batch) {
    entry::finish(next);
    if (old.entry && *old.entry == next) return false;  // e.g. the same delta applied twice
    CachedEntry now;
    now.contribution = entry::contribution(next);
    now.dirty = true;
    now.written = entry::encode(next);
    now.entry = std::move(next);
    batch.put(skey, *now.written);  // shares the buffer with the cache (implicit sharing)
    roothash::subtract(root_, old.contribution);
    roothash::add(root_, now.contribution);
    // Tombstones contribute zero and any change of a live entry changes its
    // digest, so "the contribution moved" is exactly "visible state changed".
    const bool changed = now.contribution != old.contribution;
    cache_.put(skey, std::move(now));
    trimCache();
    return changed;
}

std::optional<QByteArray> ContextState::get(const QByteArray &key) const {
    std::lock_guard lock(mu_);
    const CachedEntry e = load(storageKey(entry::kRegisterTag, key), key, false);
    if (!e.entry || e.entry->kind != StateEntry::Kind::Register) return std::nullopt;
    return e.entry->value;
}

int64_t ContextState::counter(const QByteArray &key) const {
    std::lock_guard lock(mu_);
    const CachedEntry e = load(storageKey(entry::kCounterTag, key), key, true);
    return e.entry ? e.entry->counterValue() : 0;
}

bool ContextState::apply(const Action &action, const HlcStamp &stamp, Batch &batch) {
    std::lock_guard lock(mu_);
    if (action.kind == Action::Kind::CounterAdd) {
        if (action.amount == 0) return false;  // would only create an empty share
        const QByteArray skey = storageKey(entry::kCounterTag, action.key);
        const CachedEntry old = load(skey, action.key, true);
        StateEntry next;
        next.kind = StateEntry::Kind::Counter;
        next.key = action.key;
        if (old.entry) next.shares = old.entry->shares;
        entry::addToCounter(next.shares, stamp.author, action.amount);
        return write(skey, old, std::move(next), batch);
    }
    if (action.kind != Action::Kind::Put && action.kind != Action::Kind::Remove) {
        qCWarning(lcState) << "unknown action kind" << int(action.kind) << "ignored";
        return false;
    }
    const QByteArray skey = storageKey(entry::kRegisterTag, action.key);
    const CachedEntry old = load(skey, action.key, false);
    if (old.entry && stamp < old.entry->stamp) return false;  // an older write loses
    StateEntry next;
    next.key = action.key;
    next.stamp = stamp;
    if (action.kind == Action::Kind::Put) {
        next.kind = StateEntry::Kind::Register;
        next.value = action.value;
    } else {
        next.kind = StateEntry::Kind::Tombstone;
    }
    return write(skey, old, std::move(next), batch);
}

bool ContextState::merge(const StateEntry &incoming, Batch &batch) {
    std::lock_guard lock(mu_);
    if (incoming.kind == StateEntry::Kind::Counter) {
        const QByteArray skey = storageKey(entry::kCounterTag, incoming.key);
        const CachedEntry old = load(skey, incoming.key, true);
        if (!old.entry) return write(skey, old, incoming, batch);
        StateEntry next = *old.entry;
        if (!entry::joinCounters(next.shares, incoming.shares)) return false;
        return write(skey, old, std::move(next), batch);
    }
    const QByteArray skey = storageKey(entry::kRegisterTag, incoming.key);
    const CachedEntry old = load(skey, incoming.key, false);
    if (old.entry && incoming.stamp < old.entry->stamp) return false;
    StateEntry next = incoming;
    if (next.kind == StateEntry::Kind::Tombstone) next.value.clear();
    return write(skey, old, std::move(next), batch);
}

Hash32 ContextState::rootHash() const {
    std::lock_guard lock(mu_);
    return root_;
}

void ContextState::rollback(const Hash32 &rootBefore) {
    std::lock_guard lock(mu_);
    cache_.clear();
    root_ = rootBefore;
}

void ContextState::scanEntries(const QByteArray &keyPrefix, bool withTombstones,
                               const std::function<bool(const StateEntry &)> &fn) const {
    bool go = true;
    for (char tag : {entry::kRegisterTag, entry::kCounterTag}) {
        if (!go) break;
        const qsizetype keyStart = prefix_.size() + 1;
        store_.scan(storageKey(tag, keyPrefix), [&](const QByteArray &k, const QByteArray &v) {
            auto e = entry::decode(k.mid(keyStart), v, tag == entry::kCounterTag);
            if (!e || (!withTombstones && !e->isLive())) return true;
            go = fn(*e);
            return go;
        });
    }
}

void ContextState::forEach(const std::function<bool(const StateEntry &)> &fn) const {
    scanEntries({}, false, fn);
}

void ContextState::forEach(const QByteArray &keyPrefix, const std::function<bool(const StateEntry &)> &fn) const {
    scanEntries(keyPrefix, false, fn);
}

void ContextState::forEachWithTombstones(const std::function<bool(const StateEntry &)> &fn) const {
    scanEntries({}, true, fn);
}

Hash32 ContextState::recomputeRootHash() const {
    Hash32 sum;
    scanEntries({}, false, [&](const StateEntry &e) {
        roothash::add(sum, entry::contribution(e));
        return true;
    });
    return sum;
}

size_t ContextState::gcTombstones(uint64_t olderThanNtp64, size_t max, Batch &batch) {
    if (max == 0) return 0;
    // Scan without the mutex: Store::scan waits for the committer, whose
    // callbacks may read this state.
    std::vector<QByteArray> candidates;
    const QByteArray prefix = prefix_ + entry::kRegisterTag;
    store_.scan(prefix, [&](const QByteArray &k, const QByteArray &v) {
        // Cheap pre-filter on the stored bytes before anything is decoded.
        if (v.isEmpty() || uint8_t(v[0]) != uint8_t(StateEntry::Kind::Tombstone)) return true;
        const auto e = entry::decode(k.mid(prefix.size()), v, false);
        if (e && e->kind == StateEntry::Kind::Tombstone && e->stamp.time < olderThanNtp64)
            candidates.push_back(k);
        return candidates.size() < max;
    });
    std::lock_guard lock(mu_);
    size_t removed = 0;
    for (const QByteArray &k : candidates) {
        // The cache wins over the store: the key may have been rewritten in a
        // batch that is not committed yet.
        if (const CachedEntry *cached = cache_.find(k)) {
            const auto &e = cached->entry;
            if (!e || e->kind != StateEntry::Kind::Tombstone || e->stamp.time >= olderThanNtp64) continue;
        }
        batch.remove(k);
        CachedEntry gone;
        gone.dirty = true;  // written = nullopt: lands when the store no longer has the key
        cache_.put(k, std::move(gone));
        ++removed;
    }
    trimCache();
    if (removed)
        qCDebug(lcState) << "context" << ctx_.toHex() << "collected" << removed << "tombstones";
    return removed;
}

QByteArray ContextState::canonicalDump() const {
    QByteArray out;
    store_.scan(prefix_, [&](const QByteArray &k, const QByteArray &v) {
        const QByteArrayView suffix = QByteArrayView(k).sliced(prefix_.size());
        appendU32(out, uint32_t(suffix.size()));
        out.append(suffix);
        appendU32(out, uint32_t(v.size()));
        out.append(v);
        return true;
    });
    return out;
}

}  // namespace dn
