#pragma once
// A set of writes that commit together (one transaction, one applied delta).
// Our own type rather than leveldb::WriteBatch because Store keeps queued
// batches readable (read-your-writes) until the group commit has synced them.
#include <QByteArray>
#include <optional>
#include <utility>
#include <vector>

namespace dn {

class Batch {
public:
    struct Op {
        QByteArray key;
        std::optional<QByteArray> value;  // nullopt = delete
    };
    void put(QByteArray key, QByteArray value) { ops_.push_back({std::move(key), std::move(value)}); }
    void remove(QByteArray key) { ops_.push_back({std::move(key), std::nullopt}); }
    bool empty() const { return ops_.empty(); }
    size_t size() const { return ops_.size(); }
    const std::vector<Op> &ops() const { return ops_; }
    std::vector<Op> &ops() { return ops_; }
    void append(Batch &&other) {
        for (auto &op : other.ops_) ops_.push_back(std::move(op));
        other.ops_.clear();
    }

private:
    std::vector<Op> ops_;
};

}  // namespace dn
