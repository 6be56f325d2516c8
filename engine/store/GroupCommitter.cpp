#include "store/GroupCommitter.h"

#include <QLoggingCategory>
#include <leveldb/db.h>
#include <leveldb/write_batch.h>

Q_LOGGING_CATEGORY(lcCommit, "dn.store")

namespace dn {

namespace {
leveldb::Slice slice(const QByteArray &b) { return leveldb::Slice(b.constData(), size_t(b.size())); }

size_t batchBytes(const Batch &b) {
    size_t n = 0;
    for (const auto &op : b.ops()) n += size_t(op.key.size()) + (op.value ? size_t(op.value->size()) : 0);
    return n;
}
}  // namespace

GroupCommitter::GroupCommitter(leveldb::DB *db) : db_(db) {
    thread_ = std::thread([this] { run(); });
}

GroupCommitter::~GroupCommitter() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    workCv_.notify_all();
    thread_.join();
}

uint64_t GroupCommitter::enqueue(Batch batch, Store::DoneFn done) {
    uint64_t seq;
    {
        std::lock_guard lock(mu_);
        seq = ++lastSeq_;
        // QByteArray is implicitly shared, so the overlay costs no value copies.
        for (const auto &op : batch.ops()) overlay_.insert(op.key, OverlayEntry{op.value, seq});
        queue_.push_back(Queued{seq, std::move(batch), std::move(done)});
    }
    workCv_.notify_one();
    return seq;
}

bool GroupCommitter::lookup(const QByteArray &key, std::optional<QByteArray> *value) const {
    std::lock_guard lock(mu_);
    auto it = overlay_.constFind(key);
    if (it == overlay_.constEnd()) return false;
    *value = it->value;
    return true;
}

void GroupCommitter::waitDurable(uint64_t seq) const {
    if (std::this_thread::get_id() == thread_.get_id()) {
        qCWarning(lcCommit) << "flush() called from a commit callback; not waiting (it would deadlock)";
        return;
    }
    std::unique_lock lock(mu_);
    durableCv_.wait(lock, [&] { return durableSeq_ >= seq; });
}

uint64_t GroupCommitter::lastQueuedSeq() const {
    std::lock_guard lock(mu_);
    return lastSeq_;
}

uint64_t GroupCommitter::durableSeq() const {
    std::lock_guard lock(mu_);
    return durableSeq_;
}

StoreStats GroupCommitter::stats() const {
    std::lock_guard lock(mu_);
    return stats_;
}

void GroupCommitter::fail(const Error &error) {
    Store::FailureFn handler;
    {
        std::lock_guard lock(failMu_);
        if (failure_) return;  // logged and reported once
        failure_ = error;
        failed_.store(true, std::memory_order_release);
        handler = onFailure_;
    }
    qCCritical(lcCommit).noquote() << "storage failed:" << error.message
                                   << "- refusing every further write; the node must stop";
    if (handler) handler(error);
}

std::optional<Error> GroupCommitter::failure() const {
    if (!failed()) return std::nullopt;  // the hot path: every engine call asks
    std::lock_guard lock(failMu_);
    return failure_;
}

void GroupCommitter::setFailureHandler(Store::FailureFn fn) {
    std::optional<Error> already;
    {
        std::lock_guard lock(failMu_);
        onFailure_ = fn;
        already = failure_;
    }
    if (already && fn) fn(*already);
}

std::deque<GroupCommitter::Queued> GroupCommitter::takeGroup() {
    std::deque<Queued> group;
    size_t bytes = 0;
    // Always take at least one batch, however large, so progress is guaranteed.
    while (!queue_.empty() && group.size() < kMaxGroupBatches &&
           (group.empty() || bytes + batchBytes(queue_.front().batch) <= kMaxGroupBytes)) {
        bytes += batchBytes(queue_.front().batch);
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
    }
    return group;
}

bool GroupCommitter::writeGroup(const std::deque<Queued> &group) {
    leveldb::WriteBatch wb;
    for (const auto &q : group)
        for (const auto &op : q.batch.ops()) {
            if (op.value) wb.Put(slice(op.key), slice(*op.value));
            else wb.Delete(slice(op.key));
        }
    leveldb::WriteOptions wo;
    wo.sync = true;
    const leveldb::Status s = db_->Write(wo, &wb);
    if (!s.ok()) {
        fail(Error{ErrorCode::StorageFailed,
                   QStringLiteral("a database write failed: %1").arg(QString::fromStdString(s.ToString()))});
        return false;
    }
    std::lock_guard lock(mu_);
    stats_.batchesCommitted += group.size();
    stats_.syncedWrites += 1;
    stats_.bytesWritten += wb.ApproximateSize();
    return true;
}

void GroupCommitter::run() {
    for (;;) {
        std::deque<Queued> group;
        {
            std::unique_lock lock(mu_);
            workCv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping and drained
            group = takeGroup();
        }
        // A failed store writes nothing more: what is on disk stays the
        // state as of the last acknowledged batch.
        const bool ok = !failed() && writeGroup(group);
        const uint64_t last = group.back().seq;
        {
            // The data is in leveldb now (or lost, if the write failed; the
            // overlay must not keep pretending otherwise). An entry whose seq
            // is newer belongs to a batch queued after this group: keep it.
            std::lock_guard lock(mu_);
            for (const auto &q : group)
                for (const auto &op : q.batch.ops()) {
                    auto it = overlay_.find(op.key);
                    if (it != overlay_.end() && it->seq <= last) overlay_.erase(it);
                }
        }
        // Callbacks run outside the lock so they may queue further batches.
        for (auto &q : group)
            if (q.done) q.done(ok);
        {
            std::lock_guard lock(mu_);
            durableSeq_ = last;
        }
        durableCv_.notify_all();
    }
}

}  // namespace dn
