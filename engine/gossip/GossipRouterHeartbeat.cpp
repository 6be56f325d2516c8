// GossipRouter's heartbeat: mesh maintenance (graft below D_lo, prune above
// D_hi, keep D_out outbound peers), fanout expiry and top-up, IHAVE gossip to
// non-mesh peers, retry of dropped GRAFT/PRUNE, and aging of the caches.
#include "gossip/GossipRouter.h"

#include <QLoggingCategory>
#include <algorithm>
#include <cmath>

Q_DECLARE_LOGGING_CATEGORY(lcGossip)

namespace dn {

void GossipRouter::heartbeat() {
    const qint64 nowMs = now();

    // Backoffs expire one heartbeat late, as in go-libp2p-pubsub: a PRUNE's
    // backoff counts from when the peer sent it, so without slack we could
    // regraft a moment too early and be refused again.
    for (auto it = backoff_.begin(); it != backoff_.end();) {
        if (it->second + config_.heartbeatIntervalMs <= nowMs) it = backoff_.erase(it);
        else ++it;
    }
    for (auto &[_, st] : peers_) {
        st.ihaveReceived = 0;
        st.idsAsked = 0;
    }
    scores_.heartbeat(nowMs);
    refreshAppScores();

    std::map<PeerId, ControlOut> out;
    for (auto &[topic, mesh] : mesh_) maintainMesh(topic, mesh, out);
    maintainFanout(nowMs, out);

    // GRAFT/PRUNE the transport dropped earlier, if still true.
    std::map<PeerId, ControlOut> retry;
    retry.swap(pendingControl_);
    for (auto &[peer, r] : retry) {
        if (!peers_.count(peer)) continue;
        for (const QString &t : r.graft)
            if (auto m = mesh_.find(t); m != mesh_.end() && m->second.count(peer)) out[peer].graft.insert(t);
        for (const auto &[t, ms] : r.prune) {
            auto m = mesh_.find(t);
            if (m == mesh_.end() || !m->second.count(peer)) out[peer].prune.emplace(t, ms);
        }
    }
    for (const auto &[peer, o] : out) sendControl(peer, o);

    mcache_.shift();
    seen_.expire(nowMs);
}

void GossipRouter::maintainMesh(const QString &topic, PeerSet &mesh, std::map<PeerId, ControlOut> &out) {
    const qint64 slack = config_.heartbeatIntervalMs;
    auto graftable = [&](const PeerId &p) { return !mesh.count(p) && meshWorthy(p) && !backoffActive(topic, p, slack); };
    auto isOutbound = [&](const PeerId &p) {
        auto it = peers_.find(p);
        return it != peers_.end() && it->second.outbound;
    };
    auto graft = [&](const PeerId &p) {
        mesh.insert(p);
        out[p].graft.insert(topic);
    };

    // A negative score takes a peer out of the mesh (v1.1), with a backoff so
    // that it cannot graft straight back.
    for (auto it = mesh.begin(); it != mesh.end();) {
        if (meshWorthy(*it)) {
            ++it;
            continue;
        }
        addBackoff(topic, *it, config_.pruneBackoffMs);
        out[*it].prune[topic] = config_.pruneBackoffMs;
        it = mesh.erase(it);
    }

    if (static_cast<int>(mesh.size()) < config_.dLo) {
        const int missing = config_.d - static_cast<int>(mesh.size());
        for (const PeerId &p : pickRandom(topicPeersWhere(topic, graftable), missing)) graft(p);
    }

    if (static_cast<int>(mesh.size()) > config_.dHi) {
        // Keep D at random, but with at least D_out outbound peers among them:
        // inbound peers at the end of the kept part make room for outbound
        // ones from the pruned part.
        std::vector<PeerId> order = pickRandom(std::vector<PeerId>(mesh.begin(), mesh.end()), -1);
        const size_t keep = static_cast<size_t>(std::max(0, config_.d));
        int outbound = 0;
        for (size_t i = 0; i < keep; ++i) outbound += isOutbound(order[i]) ? 1 : 0;
        size_t swapIn = keep, swapOut = keep;
        while (outbound < config_.dOut) {
            while (swapIn < order.size() && !isOutbound(order[swapIn])) ++swapIn;
            while (swapOut > 0 && isOutbound(order[swapOut - 1])) --swapOut;
            if (swapIn >= order.size() || swapOut == 0) break;
            std::swap(order[swapIn], order[swapOut - 1]);
            ++outbound;
            --swapOut;
            ++swapIn;
        }
        for (size_t i = keep; i < order.size(); ++i) {
            mesh.erase(order[i]);
            addBackoff(topic, order[i], config_.pruneBackoffMs);
            out[order[i]].prune[topic] = config_.pruneBackoffMs;
        }
    }

    if (static_cast<int>(mesh.size()) >= config_.dLo) {
        int outbound = 0;
        for (const PeerId &p : mesh) outbound += isOutbound(p) ? 1 : 0;
        if (outbound < config_.dOut) {
            auto candidates = topicPeersWhere(topic, [&](const PeerId &p) { return graftable(p) && isOutbound(p); });
            for (const PeerId &p : pickRandom(std::move(candidates), config_.dOut - outbound)) graft(p);
        }
    }

    emitGossip(topic, mesh, out);
}

void GossipRouter::maintainFanout(qint64 nowMs, std::map<PeerId, ControlOut> &out) {
    for (auto it = lastPublish_.begin(); it != lastPublish_.end();) {
        if (it->second + config_.fanoutTtlMs <= nowMs) {
            fanout_.erase(it->first);
            it = lastPublish_.erase(it);
        } else {
            ++it;
        }
    }
    for (auto &[topic, fan] : fanout_) {
        for (auto it = fan.begin(); it != fan.end();)  // as go-libp2p-pubsub: publish threshold
            it = scores_.acceptsPublish(*it) ? std::next(it) : fan.erase(it);
        // Peers that unsubscribed or left are removed as it happens; refill.
        const int missing = config_.d - static_cast<int>(fan.size());
        if (missing > 0) {
            auto candidates = topicPeersWhere(topic, [this, &fan = fan](const PeerId &p) {
                return !fan.count(p) && scores_.acceptsPublish(p);
            });
            for (const PeerId &p : pickRandom(std::move(candidates), missing)) fan.insert(p);
        }
        emitGossip(topic, fan, out);
    }
}

void GossipRouter::emitGossip(const QString &topic, const PeerSet &exclude, std::map<PeerId, ControlOut> &out) {
    const QList<QByteArray> ids = mcache_.gossipIds(topic);
    if (ids.isEmpty()) return;
    auto candidates =
        topicPeersWhere(topic, [&](const PeerId &p) { return !exclude.count(p) && scores_.acceptsGossip(p); });
    // Adaptive gossip (v1.1): a GossipFactor share of the candidates, at least D_lazy.
    const int share = static_cast<int>(std::lround(config_.gossipFactor * static_cast<double>(candidates.size())));
    const int target = std::max(config_.dLazy, share);
    for (const PeerId &p : pickRandom(std::move(candidates), target)) {
        QList<QByteArray> mine = ids;
        if (mine.size() > config_.maxIHaveLength) {
            // Too many to advertise: a random subset per peer, so that
            // different peers learn about different messages.
            std::vector<QByteArray> v(mine.begin(), mine.end());
            v = pickRandom(std::move(v), config_.maxIHaveLength);
            mine = QList<QByteArray>(v.begin(), v.end());
        }
        out[p].ihave.emplace_back(topic, std::move(mine));
    }
}

}  // namespace dn
