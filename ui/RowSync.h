#pragma once
// The diff every snapshot-fed model uses, written once (ARCHITECTURE §3). A model
// holds its rows in a RowSync; a new snapshot is applied as removals, moves,
// inserts and dataChanged ranges — never a reset — so QML views keep their
// scroll position and selection and only touched delegates update.
// Rows need operator==; keyOf(row) identifies a row across snapshots.
#include "ListModelBase.h"
#include <QSet>
#include <QVector>
#include <algorithm>

namespace dn {

template <typename Row>
class RowSync {
public:
    explicit RowSync(ListModelBase *model) : m_(model) {}

    int size() const { return int(rows_.size()); }
    bool valid(int row) const { return row >= 0 && row < size(); }
    const Row &at(int row) const { return rows_[row]; }
    const QVector<Row> &rows() const { return rows_; }

    // Makes rows() equal to `next`, in next's order. O(n) when the order of
    // surviving rows is unchanged (the usual case); a reordering costs one
    // move per displaced row.
    template <typename KeyOf>
    void sync(const QVector<Row> &next, KeyOf keyOf) {
        using Key = std::decay_t<decltype(keyOf(std::declval<const Row &>()))>;
        QSet<Key> nextKeys;
        nextKeys.reserve(next.size());
        for (const Row &r : next) nextKeys.insert(keyOf(r));

        // 1. Removals, back to front, one notification per contiguous run.
        for (int i = size() - 1; i >= 0; --i) {
            if (nextKeys.contains(keyOf(rows_[i]))) continue;
            int first = i;
            while (first > 0 && !nextKeys.contains(keyOf(rows_[first - 1]))) --first;
            m_->beginRemove(first, i);
            rows_.erase(rows_.begin() + first, rows_.begin() + i + 1);
            m_->endRemove();
            i = first;
        }

        // 2. Walk the new order: keep (maybe changed), move into place, or insert a run.
        QSet<Key> have;
        have.reserve(rows_.size());
        for (const Row &r : rows_) have.insert(keyOf(r));
        int changedFirst = -1, changedLast = -1;
        auto flushChanged = [&] {
            if (changedFirst >= 0) m_->rowsChanged(changedFirst, changedLast);
            changedFirst = changedLast = -1;
        };
        for (int i = 0; i < int(next.size()); ++i) {
            const Key key = keyOf(next[i]);
            if (!have.contains(key)) {
                flushChanged();
                int last = i;
                while (last + 1 < int(next.size()) && !have.contains(keyOf(next[last + 1]))) ++last;
                m_->beginInsert(i, last);
                QVector<Row> tail = rows_.mid(i);
                rows_.resize(i);
                rows_.append(next.mid(i, last - i + 1));
                rows_.append(tail);
                m_->endInsert();
                for (int k = i; k <= last; ++k) have.insert(keyOf(next[k]));
                i = last;
                continue;
            }
            if (keyOf(rows_[i]) != key) {
                flushChanged();
                int from = i + 1;
                while (keyOf(rows_[from]) != key) ++from;
                m_->beginMove(from, i);
                rows_.move(from, i);
                m_->endMove();
            }
            if (rows_[i] == next[i]) {
                flushChanged();
                continue;
            }
            rows_[i] = next[i];
            if (changedFirst < 0) changedFirst = i;
            changedLast = i;
        }
        flushChanged();
    }

    // Append-only models (logs, events): new rows at the end, the oldest
    // dropped from the front beyond `capacity`.
    void append(const QVector<Row> &more, int capacity) {
        if (more.isEmpty() || capacity <= 0) return;
        const int take = std::min(int(more.size()), capacity);
        const int overflow = size() + take - capacity;
        if (overflow > 0) {
            m_->beginRemove(0, overflow - 1);
            rows_.erase(rows_.begin(), rows_.begin() + overflow);
            m_->endRemove();
        }
        const int first = size();
        m_->beginInsert(first, first + take - 1);
        rows_.append(more.mid(more.size() - take));
        m_->endInsert();
    }

    // Replaces one row in place (dataChanged for it alone).
    void update(int row, const Row &value) {
        if (!valid(row) || rows_[row] == value) return;
        rows_[row] = value;
        m_->rowsChanged(row, row);
    }

    void clear() {
        if (rows_.isEmpty()) return;
        m_->beginRemove(0, size() - 1);
        rows_.clear();
        m_->endRemove();
    }

private:
    ListModelBase *m_;
    QVector<Row> rows_;
};

}  // namespace dn
