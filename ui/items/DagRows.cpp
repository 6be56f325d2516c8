#include "DagRows.h"
#include "ItemsLog.h"
#include <algorithm>
#include <cstdlib>

namespace dn {

void DagRows::bind(const QAbstractItemModel *model) {
    model_ = model;
    roleId_ = roleGeneration_ = roleLane_ = roleParents_ = roleKind_ = roleHead_ = -1;
    if (model) {
        const QHash<int, QByteArray> names = model->roleNames();
        for (auto it = names.begin(); it != names.end(); ++it) {
            const QByteArray &n = it.value();
            if (n == "deltaId") roleId_ = it.key();
            else if (n == "generation") roleGeneration_ = it.key();
            else if (n == "lane") roleLane_ = it.key();
            else if (n == "parents") roleParents_ = it.key();
            else if (n == "kind") roleKind_ = it.key();
            else if (n == "isHead") roleHead_ = it.key();
        }
        if (roleGeneration_ < 0 || roleParents_ < 0)
            qCWarning(lcItems) << "DagGraphItem: model lacks the 'generation' or 'parents' role;"
                               << "deltas will be drawn on one column without edges";
    }
    reload();
}

void DagRows::reload() {
    const int n = model_ ? model_->rowCount() : 0;
    rows_.assign(size_t(n), Row{});
    parents_.assign(size_t(n), {});
    for (int i = 0; i < n; ++i) readRow(i, rows_[size_t(i)], parents_[size_t(i)]);
    reindex();
}

void DagRows::appendRows(int first, int last) {
    if (first != count()) {  // not a plain append: our row numbers are stale
        reload();
        return;
    }
    rows_.resize(size_t(last) + 1);
    parents_.resize(size_t(last) + 1);
    for (int i = first; i <= last; ++i) {
        readRow(i, rows_[size_t(i)], parents_[size_t(i)]);
        addToIndex(i);
    }
}

void DagRows::removeFront(int n) {
    n = std::clamp(n, 0, count());
    if (n == 0) return;
    rows_.erase(rows_.begin(), rows_.begin() + n);
    parents_.erase(parents_.begin(), parents_.begin() + n);
    for (std::vector<int> &ps : parents_) {
        ps.erase(std::remove_if(ps.begin(), ps.end(), [n](int p) { return p < n; }), ps.end());
        for (int &p : ps) p -= n;
    }
    reindex();
}

int DagRows::updateRows(int first, int last) {
    int change = NoChange;
    last = std::min(last, count() - 1);
    for (int i = std::max(first, 0); i <= last; ++i) {
        Row fresh;
        std::vector<int> freshParents;
        readRow(i, fresh, freshParents);
        Row &old = rows_[size_t(i)];
        if (fresh.generation != old.generation || fresh.lane != old.lane || freshParents != parents_[size_t(i)])
            change |= Layout;
        if (fresh.kind != old.kind) change |= Colour;
        if (fresh.head != old.head) change |= Heads;
        if (fresh.head) heads_.insert(i);
        else heads_.erase(i);
        old = fresh;
        parents_[size_t(i)] = std::move(freshParents);
    }
    if (change & Layout) reindex();
    return change;
}

QString DagRows::deltaId(int row) const {
    if (!model_ || roleId_ < 0 || row < 0 || row >= count()) return {};
    return model_->data(model_->index(row, 0), roleId_).toString();
}

void DagRows::readRow(int i, Row &out, std::vector<int> &parents) const {
    const QModelIndex idx = model_->index(i, 0);
    auto get = [&](int role) { return role >= 0 ? model_->data(idx, role) : QVariant(); };
    out.generation = get(roleGeneration_).toInt();
    out.lane = get(roleLane_).toInt();
    out.kind = get(roleKind_).toInt();
    out.head = get(roleHead_).toBool();
    parents.clear();
    const QVariant p = get(roleParents_);
    if (p.metaType() == QMetaType::fromType<QList<int>>()) {
        const auto list = p.value<QList<int>>();
        parents.assign(list.begin(), list.end());
    } else {
        const QVariantList list = p.toList();
        parents.reserve(size_t(list.size()));
        for (const QVariant &v : list) parents.push_back(v.toInt());
    }
}

void DagRows::addToIndex(int i) {
    const Row &r = rows_[size_t(i)];
    byGeneration_[r.generation].push_back(i);
    if (byGeneration_.size() == 1 && byGeneration_.begin()->second.size() == 1) {
        minGen_ = maxGen_ = r.generation;
        minLane_ = maxLane_ = r.lane;
    } else {
        minGen_ = std::min(minGen_, r.generation);
        maxGen_ = std::max(maxGen_, r.generation);
        minLane_ = std::min(minLane_, r.lane);
        maxLane_ = std::max(maxLane_, r.lane);
    }
    for (int p : parents_[size_t(i)])
        if (p >= 0 && p < count()) maxSpan_ = std::max(maxSpan_, std::abs(r.generation - rows_[size_t(p)].generation));
    if (r.head) heads_.insert(i);
    else heads_.erase(i);
}

void DagRows::reindex() {
    byGeneration_.clear();
    heads_.clear();
    minGen_ = maxGen_ = minLane_ = maxLane_ = 0;
    maxSpan_ = 1;
    for (int i = 0; i < count(); ++i) addToIndex(i);
}

}  // namespace dn
