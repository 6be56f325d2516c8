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
//
// Fail-stop (ARCHITECTURE "Fail-stop storage"): the first LevelDB error other
// than not-found, on a write or a read, fails the store for good. Every batch
// queued from then on is refused (its callback gets ok=false, nothing reaches
// the disk), the error is logged once, and the failure handler runs once. The
// memory state above the store may have moved past the disk by then, so the
// only safe continuation is to stop acknowledging and shut down; what was
// acknowledged before is on disk.
#include "store/Batch.h"
#include "store/StoreStats.h"
#include "util/Result.h"
#include <QByteArray>
#include <QString>
#include <functional>
#include <memory>
#include <optional>

namespace leveldb {
class DB;
class Env;
}  // namespace leveldb

namespace dn {

struct StoreOptions {
    // The filesystem LevelDB works through; nullptr = preadEnv(). Tests
    // inject one that fails on command.
    leveldb::Env *env = nullptr;
    // LevelDB's block cache. 0 turns it off, so every read of a table goes
    // to its file (tests that inject read errors need that).
    size_t blockCacheBytes = 16u << 20;
    bool operator==(const StoreOptions &) const = default;
};

class Store {
public:
    static constexpr int kSchemaVersion = 1;
    using DoneFn = std::function<void(bool ok)>;
    using Options = StoreOptions;
    using FailureFn = std::function<void(const Error &)>;

    // Opens (creating if needed) the database in `dir`. Refuses, with a clear
    // message, a database whose m/schema is a version we do not know.
    static Result<std::unique_ptr<Store>> open(const QString &dir, const Options &options = Options());
    ~Store();  // flushes and stops the committer

    // The value of `key`, nullopt if it does not exist, or storage_failed if
    // it could not be read (the store is failed from then on). Use this
    // wherever "absent" leads to a decision (a duplicate check).
    Result<std::optional<QByteArray>> read(const QByteArray &key) const;
    // read() with a failure answered as nullopt. The store is failed by then,
    // so nothing decided on that answer can become durable or acknowledged.
    std::optional<QByteArray> get(const QByteArray &key) const;
    bool contains(const QByteArray &key) const { return get(key).has_value(); }
    // Visits keys with `prefix` in order after making queued batches durable;
    // return false from `fn` to stop. False if the iteration failed (the
    // store is failed then; `fn` may have seen only part of the range).
    bool scan(const QByteArray &prefix,
              const std::function<bool(const QByteArray &key, const QByteArray &value)> &fn) const;

    // ---- Fail-stop
    // The error that failed the store (code storage_failed, the LevelDB
    // message in the text), or nullopt while it is healthy.
    std::optional<Error> failure() const;
    bool failed() const;
    // Runs once, on the thread that met the error (the committer thread for
    // a write, the reader's for a read); at once if the store failed
    // already. Must be quick and must not wait for the store.
    void setFailureHandler(FailureFn fn);

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
