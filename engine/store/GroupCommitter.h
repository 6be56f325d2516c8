#pragma once
// The write path of Store: a queue of batches, a read overlay over them, and
// one committer thread that turns everything queued at a moment into a single
// synced leveldb write.
//
// No timer decides when to write: while one fsync runs, new batches pile up
// and the next write takes them all, so the group size follows the load (one
// batch per fsync when idle, thousands per fsync under pressure). A group is
// capped so a flood of writers cannot make one fsync arbitrarily long.
#include "store/Batch.h"
#include "store/Store.h"
#include <QByteArray>
#include <QHash>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace leveldb { class DB; }

namespace dn {

class GroupCommitter {
public:
    static constexpr size_t kMaxGroupBatches = 4096;
    static constexpr size_t kMaxGroupBytes = 8u << 20;

    explicit GroupCommitter(leveldb::DB *db);
    ~GroupCommitter();  // writes everything still queued, then stops the thread
    GroupCommitter(const GroupCommitter &) = delete;
    GroupCommitter &operator=(const GroupCommitter &) = delete;

    uint64_t enqueue(Batch batch, Store::DoneFn done);
    // True if `key` has a queued, not yet durable write; `*value` is that
    // write (nullopt = queued delete).
    bool lookup(const QByteArray &key, std::optional<QByteArray> *value) const;
    // Blocks until batch `seq` and all before it are durable and their
    // callbacks have run. Returns at once on the committer thread itself
    // (a callback cannot wait for its own group).
    void waitDurable(uint64_t seq) const;
    uint64_t lastQueuedSeq() const;
    uint64_t durableSeq() const;
    StoreStats stats() const;

    // Fail-stop (Store.h): the first call wins, logs `error` and runs the
    // handler; later batches are refused without touching the database.
    void fail(const Error &error);
    bool failed() const { return failed_.load(std::memory_order_acquire); }
    std::optional<Error> failure() const;
    void setFailureHandler(Store::FailureFn fn);

private:
    struct Queued {
        uint64_t seq;
        Batch batch;
        Store::DoneFn done;
    };
    struct OverlayEntry {
        std::optional<QByteArray> value;
        uint64_t seq;  // the newest queued batch that wrote this key
    };

    void run();
    std::deque<Queued> takeGroup();  // called with mu_ held
    bool writeGroup(const std::deque<Queued> &group);

    leveldb::DB *db_;
    mutable std::mutex mu_;
    std::condition_variable workCv_;
    mutable std::condition_variable durableCv_;
    std::deque<Queued> queue_;
    QHash<QByteArray, OverlayEntry> overlay_;
    uint64_t lastSeq_ = 0;
    uint64_t durableSeq_ = 0;
    bool stopping_ = false;
    StoreStats stats_;
    std::atomic<bool> failed_{false};
    mutable std::mutex failMu_;  // guards failure_ and onFailure_
    std::optional<Error> failure_;
    Store::FailureFn onFailure_;
    std::thread thread_;
};

}  // namespace dn
