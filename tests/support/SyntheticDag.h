#pragma once
// SyntheticDag: fills a QStandardItemModel with a DAG shaped like a busy
// context's — `lanes` authors each extending their own chain and now and then
// merging another author's head — in the roles DagGraphItem reads. Appending
// behaves like a live model: a new delta is a head, its parents stop being
// heads (dataChanged). Deterministic for a given seed.
#include <QRandomGenerator>
#include <QStandardItemModel>
#include <algorithm>
#include <vector>

namespace dn::test {

class SyntheticDag {
public:
    enum Role { DeltaIdRole = Qt::UserRole + 1, GenerationRole, LaneRole, ParentsRole, KindRole, IsHeadRole };

    SyntheticDag(QStandardItemModel *model, int lanes, quint32 seed)
        : model_(model), rng_(seed), laneHead_(size_t(lanes), -1) {
        model_->setItemRoleNames({{DeltaIdRole, "deltaId"},
                                  {GenerationRole, "generation"},
                                  {LaneRole, "lane"},
                                  {ParentsRole, "parents"},
                                  {KindRole, "kind"},
                                  {IsHeadRole, "isHead"}});
    }

    void append(int count) {
        for (int i = 0; i < count; ++i) appendOne();
    }

    int rowCount() const { return int(generation_.size()); }
    int generationOf(int row) const { return generation_[size_t(row)]; }
    int laneOf(int row) const { return lane_[size_t(row)]; }
    int kindOf(int row) const { return kind_[size_t(row)]; }
    int maxGeneration() const { return generation_.empty() ? 0 : *std::max_element(generation_.begin(), generation_.end()); }
    const std::vector<int> &parentsOf(int row) const { return parents_[size_t(row)]; }

private:
    void appendOne() {
        const int row = rowCount();
        const int lane = int(rng_.bounded(quint32(laneHead_.size())));
        std::vector<int> parents;
        if (laneHead_[size_t(lane)] >= 0) parents.push_back(laneHead_[size_t(lane)]);
        if (rng_.bounded(4u) == 0) {  // merge another author's head
            const int other = laneHead_[size_t(rng_.bounded(quint32(laneHead_.size())))];
            if (other >= 0 && std::find(parents.begin(), parents.end(), other) == parents.end()) parents.push_back(other);
        }
        int gen = 0;
        QVariantList parentList;
        for (int p : parents) {
            gen = std::max(gen, generation_[size_t(p)] + 1);
            parentList << p;
        }
        // Lane 0 is "us"; every 53rd delta still waits for something.
        const int kind = row % 53 == 52 ? 2 : lane == 0 ? 0 : 1;
        generation_.push_back(gen);
        lane_.push_back(lane);
        kind_.push_back(kind);
        parents_.push_back(parents);
        auto *item = new QStandardItem;
        item->setData(QStringLiteral("%1").arg(quint64(row) * 0x9E3779B97F4A7C15ull, 16, 16, QLatin1Char('0')),
                      DeltaIdRole);
        item->setData(gen, GenerationRole);
        item->setData(lane, LaneRole);
        item->setData(parentList, ParentsRole);
        item->setData(kind, KindRole);
        item->setData(true, IsHeadRole);
        model_->appendRow(item);
        for (int p : parents)
            if (model_->item(p)->data(IsHeadRole).toBool()) model_->item(p)->setData(false, IsHeadRole);
        laneHead_[size_t(lane)] = row;
    }

    QStandardItemModel *model_;
    QRandomGenerator rng_;
    std::vector<int> laneHead_;
    std::vector<int> generation_, lane_, kind_;
    std::vector<std::vector<int>> parents_;
};

}  // namespace dn::test
