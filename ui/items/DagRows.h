#pragma once
// DagRows: DagGraphItem's copy of its model — just what layout, culling and
// hit testing need. Each row is read from the model once (again only when the
// model says it changed), so drawing never calls QAbstractItemModel::data().
//
// Roles are found by name: deltaId, generation, lane, parents (QVariantList of
// row indexes), kind (0 local, 1 remote, 2 pending), isHead.
#include <QPointer>
#include <QAbstractItemModel>
#include <map>
#include <set>
#include <vector>

namespace dn {

class DagRows {
public:
    struct Row {
        int generation = 0;
        int lane = 0;
        int kind = 0;
        bool head = false;
    };
    // What an update touched: a node's colour, the set of heads, or layout.
    enum Change { NoChange = 0, Colour = 1, Layout = 2, Heads = 4 };

    // Resolves the roles of `model` by name and reads every row.
    void bind(const QAbstractItemModel *model);
    const QAbstractItemModel *model() const { return model_; }
    void reload();
    // Rows first..last were appended at the end of the model.
    void appendRows(int first, int last);
    // Rows 0..n-1 were removed from the model: every later row moved up by n,
    // and so did the row numbers in its parents (edges to removed rows go).
    // Cheaper than reload(): nothing is read from the model again.
    void removeFront(int n);
    // Re-reads rows first..last; returns a Change mask.
    int updateRows(int first, int last);

    int count() const { return int(rows_.size()); }
    const Row &row(int i) const { return rows_[size_t(i)]; }
    const std::vector<int> &parents(int i) const { return parents_[size_t(i)]; }
    bool isEmpty() const { return rows_.empty(); }
    int minGeneration() const { return minGen_; }
    int maxGeneration() const { return maxGen_; }
    int maxLane() const { return maxLane_; }
    int minLane() const { return minLane_; }
    // The largest generation distance an edge spans (culling reach for edges).
    int maxEdgeSpan() const { return maxSpan_; }
    const std::set<int> &heads() const { return heads_; }
    QString deltaId(int row) const;

    // Calls f(row) for every row with generation in [lo, hi], in generation order.
    template <class F>
    void forEachInGenerations(int lo, int hi, F &&f) const {
        if (lo > hi) return;
        for (auto it = byGeneration_.lower_bound(lo); it != byGeneration_.end() && it->first <= hi; ++it)
            for (int r : it->second) f(r);
    }

private:
    void readRow(int i, Row &out, std::vector<int> &parents) const;
    void addToIndex(int i);
    void reindex();

    QPointer<const QAbstractItemModel> model_;
    int roleId_ = -1, roleGeneration_ = -1, roleLane_ = -1, roleParents_ = -1, roleKind_ = -1, roleHead_ = -1;
    std::vector<Row> rows_;
    std::vector<std::vector<int>> parents_;
    std::map<int, std::vector<int>> byGeneration_;
    std::set<int> heads_;
    int minGen_ = 0, maxGen_ = 0, minLane_ = 0, maxLane_ = 0, maxSpan_ = 1;
};

}  // namespace dn
