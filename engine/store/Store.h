#pragma once
// The profile's LevelDB database (ARCHITECTURE §8) with group commit.
//
// commit() queues a Batch and returns at once; a committer thread merges every
// batch queued meanwhile into one leveldb::WriteBatch written with sync=true,
// then runs the batches' callbacks. So a caller that acknowledges only from its
// callback never acknowledges something a crash could lose, and many
// transactions share one fsync. Batches become durable in submission order.
//
// Reads see queued-but-unsynced batches (an overlay kept until the batch is
// written), so the rest of the engine never reads stale data.
#include "store/Batch.h"
#include "store/StoreStats.h"
#include "util/Result.h"
#include <QByteArray>
#include <QString>
#include <functional>
#include <memory>
#include <optional>

namespace leveldb { class DB; }

namespace dn {

class Store {
public:
    static constexpr int kSchemaVersion = 1;
    using DoneFn = std::function<void(bool ok)>;

    // Opens (creating if needed) the database in `dir`. Refuses, with a clear
    // message, a database whose m/schema is a version we do not know.
    static Result<std::unique_ptr<Store>> open(const QString &dir);
    ~Store();  // flushes and stops the committer

    std::optional<QByteArray> get(const QByteArray &key) const;
    bool contains(const QByteArray &key) const { return get(key).has_value(); }
    // Visits keys with `prefix` in order after making queued batches durable;
    // return false from `fn` to stop.
    void scan(const QByteArray &prefix,
              const std::function<bool(const QByteArray &key, const QByteArray &value)> &fn) const;

    // Queues `batch`; `done` runs on the committer thread once it is durable
    // (ok=false if the write failed). Returns the batch's sequence number.
    uint64_t commit(Batch batch, DoneFn done = {});
    // Queues and waits until durable.
    bool commitSync(Batch batch);
    // Waits until everything queued so far is durable.
    void flush() const;
    uint64_t durableSeq() const;

    StoreStats stats() const;
    leveldb::DB *db() const;  // for benchmarks measuring the raw ceiling

private:
    Store();
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace dn
