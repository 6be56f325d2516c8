#pragma once
// The committed state of a context as a running method sees it. Provided by
// the engine; called only on the executor worker running the call, so an
// implementation needs no locks of its own for that purpose.
#include <QByteArray>
#include <cstdint>
#include <functional>
#include <optional>

namespace dn {

class StorageView {
public:
    virtual ~StorageView() = default;
    // Live LWW register value, or nullopt if absent/removed.
    virtual std::optional<QByteArray> read(const QByteArray &key) = 0;
    // PN-counter value (0 if never touched).
    virtual int64_t counter(const QByteArray &key) = 0;
    // Live register entries whose key starts with `prefix`, in ascending byte
    // order of key; `fn` returns false to stop early.
    virtual void scan(const QByteArray &prefix,
                      const std::function<bool(const QByteArray &key, const QByteArray &value)> &fn) = 0;
};

}  // namespace dn
