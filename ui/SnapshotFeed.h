#pragma once
// The GUI side of the ≤ 4 Hz rule (ARCHITECTURE §3): snapshots may be pushed at
// any rate (NodeClient already sends ≤ 4 a second; a test source sends a
// thousand), and batch() fires at most once per interval with the newest
// snapshot, the log lines and events of every push since the last batch
// merged in. A push after a quiet spell goes out at once.
#include "client/NodeSnapshot.h"
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace dn {

class SnapshotFeed : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxLinesPerBatch = 5000;
    static constexpr int kMaxEventsPerBatch = 2000;

    explicit SnapshotFeed(int minIntervalMs = 250, QObject *parent = nullptr);
    void push(const NodeSnapshot &snapshot);
    int minIntervalMs() const { return interval_; }
    quint64 batches() const { return batches_; }

signals:
    void batch(const dn::NodeSnapshot &snapshot);

private:
    void flush();

    int interval_;
    QTimer timer_;
    QElapsedTimer sinceFlush_;
    NodeSnapshot pending_;
    bool hasPending_ = false;
    quint64 batches_ = 0;
};

}  // namespace dn
