#pragma once
// An in-memory StorageView for runtime tests: registers, counters, and a
// count of reads so tests can see what the runtime asked for.
#include "runtime/StorageView.h"
#include <map>

class FakeStorage : public dn::StorageView {
public:
    std::map<QByteArray, QByteArray> values;
    std::map<QByteArray, int64_t> counters;

    std::optional<QByteArray> read(const QByteArray &key) override {
        auto it = values.find(key);
        if (it == values.end()) return std::nullopt;
        return it->second;
    }
    int64_t counter(const QByteArray &key) override {
        auto it = counters.find(key);
        return it == counters.end() ? 0 : it->second;
    }
    void scan(const QByteArray &prefix,
              const std::function<bool(const QByteArray &, const QByteArray &)> &fn) override {
        for (auto it = values.lower_bound(prefix); it != values.end() && it->first.startsWith(prefix); ++it)
            if (!fn(it->first, it->second)) return;
    }
};
