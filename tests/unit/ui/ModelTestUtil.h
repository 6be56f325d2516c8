#pragma once
// Helpers for the monitor's model tests: snapshot builders and a recorder
// of the notifications a model emits.
#include "client/NodeSnapshot.h"
#include <QAbstractItemModel>
#include <QElapsedTimer>
#include <QObject>
#include <QVector>

namespace dn::test {

inline ContextView context(const QString &id, quint64 applied, quint64 pending = 0) {
    ContextView c;
    c.id = id;
    c.name = QStringLiteral("ctx ") + id;
    c.appId = QStringLiteral("app");
    c.appName = QStringLiteral("kv_store");
    c.applied = applied;
    c.pending = pending;
    c.rootHash = QStringLiteral("root%1").arg(applied);
    c.heads = {QStringLiteral("head%1").arg(applied)};
    return c;
}

inline PeerView peer(const QString &id, quint64 bytesIn, double rtt = 1.5) {
    PeerView p;
    p.peerId = id;
    p.address = QStringLiteral("/ip4/127.0.0.1/tcp/4001");
    p.direction = QStringLiteral("outbound");
    p.rttMs = rtt;
    p.bytesIn = bytesIn;
    p.bytesOut = bytesIn / 2;
    return p;
}

inline BlobEntryView blob(const QString &id, quint64 size, quint64 hits = 0) {
    return {id, size, 1000, 1000, hits};
}

// Counts every structural and data notification of a model, with times.
class Recorder : public QObject {
public:
    explicit Recorder(QAbstractItemModel *m) {
        connect(m, &QAbstractItemModel::modelReset, this, [this] { ++resets; });
        connect(m, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int f, int l) { inserted += l - f + 1; hit(); });
        connect(m, &QAbstractItemModel::rowsRemoved, this, [this](const QModelIndex &, int f, int l) { removed += l - f + 1; hit(); });
        connect(m, &QAbstractItemModel::rowsMoved, this, [this] { ++moved; hit(); });
        connect(m, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &a, const QModelIndex &b) {
            changed += b.row() - a.row() + 1;
            ++changeSignals;
            hit();
        });
        connect(m, &QAbstractItemModel::layoutChanged, this, [this] { ++layouts; hit(); });
    }
    void clear() { resets = inserted = removed = moved = changed = changeSignals = layouts = 0; }
    int notifications() const { return inserted + removed + moved + changeSignals + layouts; }

    int resets = 0, inserted = 0, removed = 0, moved = 0, changed = 0, changeSignals = 0, layouts = 0;
    QVector<qint64> times;  // ms on one clock shared by all recorders, one per notification

private:
    static QElapsedTimer &clock() {
        static QElapsedTimer c = [] { QElapsedTimer t; t.start(); return t; }();
        return c;
    }
    void hit() { times.push_back(clock().elapsed()); }
};

}  // namespace dn::test
