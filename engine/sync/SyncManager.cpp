#include "sync/SyncManager.h"
#include "context/Engine.h"
#include "net/Host.h"
#include <QLoggingCategory>
#include <algorithm>

Q_DECLARE_LOGGING_CATEGORY(lcSync)

namespace dn {

SyncManager::SyncManager(Host *host, Engine *engine, BlockingJobs *jobs, SyncConfig config, QObject *parent)
    : QObject(parent), host_(host), engine_(engine), jobs_(jobs), config_(config) {
    clock_.start();
}

SyncManager::~SyncManager() = default;

bool SyncManager::inBackoff(const PeerId &peer) const {
    auto it = peerState_.find(peer);
    return it != peerState_.end() && it->retryAtMs > nowMs();
}

qint64 SyncManager::backoffRemainingS(const PeerId &peer) const {
    auto it = peerState_.find(peer);
    if (it == peerState_.end() || it->retryAtMs <= nowMs()) return 0;
    return (it->retryAtMs - nowMs() + 999) / 1000;
}

bool SyncManager::withinInterval(const Key &key) const {
    auto it = lastSyncMs_.find(key);
    return it != lastSyncMs_.end() && nowMs() - it->second < config_.intervalMs;
}

bool SyncManager::request(const Hash32 &contextId, const PeerId &peer, Trigger trigger, Done done) {
    const Key key{contextId, peer};
    const bool periodic = trigger == Trigger::Heartbeat || trigger == Trigger::Tick;
    if ((periodic && withinInterval(key)) || (periodic && inBackoff(peer))) {
        ++counters_.skippedInterval;
        return false;
    }
    if (trigger == Trigger::Connected) peerState_.remove(peer);  // it is back: forget old failures
    Job job;
    job.key = key;
    job.mode = SyncSession::Mode::Full;
    if (done) job.done.push_back(std::move(done));
    enqueue(std::move(job));
    return true;
}

void SyncManager::pullParents(const Hash32 &contextId, const PeerId &peer, std::vector<Hash32> missing) {
    if (missing.empty() || inBackoff(peer)) return;
    Job job;
    job.key = Key{contextId, peer};
    job.mode = SyncSession::Mode::Parents;
    job.parents = std::move(missing);
    enqueue(std::move(job));
}

bool SyncManager::mayBeMember(const Hash32 &ctx, const PeerId &peer) const {
    const auto m = engine_->membership(ctx);
    return !m || m->members.empty() || m->isMember(peer.publicKey());
}

std::optional<PeerId> SyncManager::memberNotYetAsked(const Hash32 &ctx, const PeerId &except) const {
    const auto m = engine_->membership(ctx);
    if (!m) return std::nullopt;
    const auto asked = deferred_.find(ctx);
    for (const auto &[key, member] : m->members) {
        const PeerId p = PeerId::fromPublicKey(key);
        if (p == except || p == host_->peerId() || !host_->isConnected(p) || inBackoff(p)) continue;
        if (asked != deferred_.end() && asked->second.count(p)) continue;
        return p;
    }
    return std::nullopt;
}

SyncSession::SnapshotPolicy SyncManager::snapshotPolicy(const Key &key) const {
    if (!mayBeMember(key.ctx, key.peer)) return SyncSession::SnapshotPolicy::Refused;
    if (memberNotYetAsked(key.ctx, key.peer)) return SyncSession::SnapshotPolicy::TryOthersFirst;
    return SyncSession::SnapshotPolicy::Allowed;
}

void SyncManager::peerConnected(const PeerId &peer) {
    for (const ContextInfo &c : engine_->contexts())
        if (mayBeMember(c.id, peer) || engine_->wasMember(c.id, peer.publicKey())) request(c.id, peer, Trigger::Connected);
}

void SyncManager::tick() {
    if (!peers_) return;
    for (const ContextInfo &c : engine_->contexts()) {
        QList<PeerId> candidates;
        for (const PeerId &p : peers_(c.id))
            if (!inBackoff(p) && !withinInterval(Key{c.id, p}) && host_->isConnected(p) && mayBeMember(c.id, p)) candidates << p;
        if (candidates.isEmpty()) continue;
        size_t &rr = roundRobin_[c.id];
        request(c.id, candidates[qsizetype(rr++ % size_t(candidates.size()))], Trigger::Tick);
    }
}

void SyncManager::enqueue(Job job) {
    // Merge into a queued job for the same pair: one session does both.
    for (Job &q : queue_) {
        if (q.key.ctx == job.key.ctx && q.key.peer == job.key.peer) {
            if (job.mode == SyncSession::Mode::Full) q.mode = SyncSession::Mode::Full;
            q.parents.insert(q.parents.end(), job.parents.begin(), job.parents.end());
            for (auto &d : job.done) q.done.push_back(std::move(d));
            return;
        }
    }
    queue_.push_back(std::move(job));
    pump();
}

void SyncManager::pump() {
    for (auto it = queue_.begin(); it != queue_.end() && int(running_.size()) < config_.maxConcurrent;) {
        if (running_.count(it->key)) {  // waits for the running one of its pair
            ++it;
            continue;
        }
        const PeerId &peer = it->key.peer;
        const auto withPeer = std::count_if(running_.begin(), running_.end(),
                                            [&peer](const auto &r) { return r.first.peer == peer; });
        if (withPeer >= config_.maxPerPeer) {  // waits for a slot of that peer's server
            ++it;
            continue;
        }
        Job job = std::move(*it);
        it = queue_.erase(it);
        launch(std::move(job));
    }
}

void SyncManager::launch(Job job) {
    const Key key = job.key;
    ++counters_.attempts;
    if (job.mode == SyncSession::Mode::Parents) ++counters_.parentPulls;
    lastSyncMs_[key] = nowMs();
    auto *session = new SyncSession(host_, engine_, jobs_, config_, key.ctx, key.peer, job.mode, job.parents, this);
    session->setRootSource(roots_);
    session->setSnapshotPolicy(snapshotPolicy(key));
    running_.emplace(key, std::move(job));
    qCDebug(lcSync) << "sync" << key.ctx.toBase58() << "with" << key.peer.toBase58() << "started";
    session->start([this, key, session](const SyncOutcome &out) {
        session->deleteLater();
        finished(key, out);
    });
}

void SyncManager::finished(const Key &key, const SyncOutcome &out) {
    auto node = running_.extract(key);
    if (node.empty()) return;
    Job job = std::move(node.mapped());
    counters_.deltasFetched += out.deltasFetched;
    if (out.status == SyncOutcome::Status::Deferred) {
        // The deltas may be with another member: ask it; the callers wait
        // for that answer. With nobody left, this peer's snapshot is taken.
        ++counters_.snapshotsDeferred;
        deferred_[key.ctx].insert(key.peer);
        const auto next = memberNotYetAsked(key.ctx, key.peer);
        qCInfo(lcSync).noquote() << key.peer.toBase58() << "offers a snapshot of" << key.ctx.toBase58() << "(" << out.error
                                 << "); asking" << (next ? next->toBase58() : key.peer.toBase58()) << "first";
        Job again;
        again.key = Key{key.ctx, next.value_or(key.peer)};
        again.done = std::move(job.done);
        enqueue(std::move(again));
        pump();
        return;
    }
    deferred_.erase(key.ctx);
    if (out.status == SyncOutcome::Status::Snapshot) ++counters_.snapshots;
    if (out.countsAsFailure()) {
        ++counters_.failures;
        PeerState &ps = peerState_[key.peer];
        ps.failures = std::min(ps.failures + 1, 30);
        const qint64 delayS = std::min<qint64>(qint64(1) << std::min(ps.failures, 20), config_.maxBackoffS);
        ps.retryAtMs = nowMs() + delayS * 1000;
        qCInfo(lcSync).noquote() << "sync of" << key.ctx.toBase58() << "with" << key.peer.toBase58() << "failed:" << out.error
                                 << QStringLiteral("(next try in %1 s)").arg(delayS);
    } else {
        if (out.status != SyncOutcome::Status::Unavailable) peerState_.remove(key.peer);
        if (out.status == SyncOutcome::Status::Converged || out.status == SyncOutcome::Status::NotMember ||
            out.status == SyncOutcome::Status::Unavailable)
            qCDebug(lcSync) << "sync of" << key.ctx.toBase58() << "with" << key.peer.toBase58() << syncStatusName(out.status);
        else
            qCInfo(lcSync) << "sync of" << key.ctx.toBase58() << "with" << key.peer.toBase58() << syncStatusName(out.status)
                           << out.deltasFetched << "deltas";
        ++counters_.successes;
    }
    for (const auto &d : job.done) d(out);
    emit sessionFinished(key.ctx, key.peer, out);
    pump();
}

}  // namespace dn
