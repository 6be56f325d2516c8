#pragma once
// The write buffer a method runs against (ARCHITECTURE §7): it overlays the
// context's committed StorageView for the duration of one call, so the call
// reads its own writes, removes and counter adds, and it records the actions
// that become the call's delta if (and only if) the call succeeds.
#include "codec/Delta.h"
#include <QByteArray>
#include <QHash>
#include <functional>
#include <map>
#include <optional>
#include <vector>

namespace dn {

class StorageView;

class WriteOverlay {
public:
    void reset(StorageView *view);

    std::optional<QByteArray> read(const QByteArray &key) const;
    // Both return the previous live value (nullopt if there was none).
    std::optional<QByteArray> write(const QByteArray &key, const QByteArray &value);
    std::optional<QByteArray> remove(const QByteArray &key);  // records Remove only if the key existed
    void counterAdd(const QByteArray &key, int64_t amount);
    int64_t counter(const QByteArray &key) const;

    // Live entries with `prefix`, ascending key order, committed state merged
    // with this call's writes. Keys starting with 0x00 (the node's) are skipped.
    // `fn` returns false to stop.
    void scan(const QByteArray &prefix,
              const std::function<bool(const QByteArray &key, const QByteArray &value)> &fn) const;

    const std::vector<Action> &actions() const { return actions_; }
    std::vector<Action> takeActions() { return std::move(actions_); }

private:
    StorageView *view_ = nullptr;
    std::map<QByteArray, std::optional<QByteArray>> registers_;  // nullopt = removed in this call
    QHash<QByteArray, int64_t> counters_;                         // this call's adds
    std::vector<Action> actions_;
};

}  // namespace dn
