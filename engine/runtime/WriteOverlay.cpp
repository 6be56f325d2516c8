#include "runtime/WriteOverlay.h"
#include "runtime/StorageView.h"

namespace dn {

void WriteOverlay::reset(StorageView *view) {
    view_ = view;
    registers_.clear();
    counters_.clear();
    actions_.clear();
}

std::optional<QByteArray> WriteOverlay::read(const QByteArray &key) const {
    auto it = registers_.find(key);
    if (it != registers_.end()) return it->second;
    return view_ ? view_->read(key) : std::nullopt;
}

std::optional<QByteArray> WriteOverlay::write(const QByteArray &key, const QByteArray &value) {
    std::optional<QByteArray> old = read(key);
    registers_[key] = value;
    actions_.push_back(Action::put(key, value));
    return old;
}

std::optional<QByteArray> WriteOverlay::remove(const QByteArray &key) {
    std::optional<QByteArray> old = read(key);
    if (!old) return old;
    registers_[key] = std::nullopt;
    actions_.push_back(Action::remove(key));
    return old;
}

void WriteOverlay::counterAdd(const QByteArray &key, int64_t amount) {
    int64_t &sum = counters_[key];
    sum = int64_t(uint64_t(sum) + uint64_t(amount));  // PN-counters wrap, never UB
    actions_.push_back(Action::counterAdd(key, amount));
}

int64_t WriteOverlay::counter(const QByteArray &key) const {
    const int64_t base = view_ ? view_->counter(key) : 0;
    return int64_t(uint64_t(base) + uint64_t(counters_.value(key, 0)));
}

void WriteOverlay::scan(const QByteArray &prefix,
                        const std::function<bool(const QByteArray &, const QByteArray &)> &fn) const {
    // Merge two ascending sequences: the committed entries (streamed from the
    // view) and this call's overlay entries with the prefix.
    auto it = registers_.lower_bound(prefix);
    const auto end = registers_.end();
    auto inPrefix = [&prefix](const QByteArray &k) { return k.startsWith(prefix); };
    auto reserved = [](const QByteArray &k) { return !k.isEmpty() && k[0] == '\0'; };
    bool stopped = false;
    // Emits overlay entries below `bound` (all remaining if bound is null).
    auto drainOverlay = [&](const QByteArray *bound) {
        while (!stopped && it != end && inPrefix(it->first) && (!bound || it->first < *bound)) {
            if (it->second && !reserved(it->first) && !fn(it->first, *it->second)) stopped = true;
            ++it;
        }
    };
    if (view_) {
        view_->scan(prefix, [&](const QByteArray &key, const QByteArray &value) {
            drainOverlay(&key);
            if (stopped) return false;
            if (it != end && it->first == key) {  // overridden by this call
                if (it->second && !reserved(key) && !fn(key, *it->second)) stopped = true;
                ++it;
                return !stopped;
            }
            if (!reserved(key) && !fn(key, value)) stopped = true;
            return !stopped;
        });
    }
    drainOverlay(nullptr);
}

}  // namespace dn
