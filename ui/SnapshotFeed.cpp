#include "SnapshotFeed.h"

namespace dn {
namespace {

template <typename T> void appendCapped(QVector<T> &to, const QVector<T> &more, int cap) {
    to += more;
    if (to.size() > cap) to.remove(0, to.size() - cap);
}

}  // namespace

SnapshotFeed::SnapshotFeed(int minIntervalMs, QObject *parent)
    : QObject(parent), interval_(std::max(minIntervalMs, 1)) {
    timer_.setSingleShot(true);
    // A coarse timer may fire up to 5% early, which would break the interval.
    timer_.setTimerType(Qt::PreciseTimer);
    connect(&timer_, &QTimer::timeout, this, &SnapshotFeed::flush);
}

void SnapshotFeed::push(const NodeSnapshot &snapshot) {
    if (!hasPending_) {
        pending_ = snapshot;
        hasPending_ = true;
    } else {
        // The newest picture wins; the incremental parts accumulate.
        QVector<LogLineView> lines = std::move(pending_.newLogLines);
        QVector<EventView> events = std::move(pending_.newEvents);
        pending_ = snapshot;
        appendCapped(lines, snapshot.newLogLines, kMaxLinesPerBatch);
        appendCapped(events, snapshot.newEvents, kMaxEventsPerBatch);
        pending_.newLogLines = std::move(lines);
        pending_.newEvents = std::move(events);
    }
    if (timer_.isActive()) return;
    const qint64 elapsed = sinceFlush_.isValid() ? sinceFlush_.elapsed() : interval_;
    if (elapsed >= interval_) flush();
    else timer_.start(int(interval_ - elapsed));
}

void SnapshotFeed::flush() {
    if (!hasPending_) return;
    sinceFlush_.start();
    hasPending_ = false;
    ++batches_;
    const NodeSnapshot s = std::move(pending_);
    pending_ = {};
    emit batch(s);
}

}  // namespace dn
