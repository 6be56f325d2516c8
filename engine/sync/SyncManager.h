#pragma once
// Decides when to sync which context with which peer (ARCHITECTURE §9) and runs
// the sessions (SyncSession):
//
//   trigger            interval   backoff   what
//   join               ignored    ignored   full sync with the inviter
//   missing parents    ignored    honoured  fetch those parents now
//   heartbeat          honoured   honoured  full sync with the sender
//   (re)connected      ignored    reset     full sync of every context
//   periodic tick      honoured   honoured  full sync with one peer per context
//   manual             ignored    ignored
//
// Only members are synced with on the tick, and on connect members and
// former members (a removed member may hold writes concurrent with its
// removal, which every node must end up with); a stranger learns nothing
// about which contexts we hold. Parents are pulled from whoever
// gossiped the delta, since every delta is checked anyway. A snapshot comes
// only from a member, and only once every connected member was asked for the
// deltas first (ARCHITECTURE §15): a session that would start one ends
// `Deferred` and the next member not yet asked takes over; when none is left,
// the last one may serve it.
//
// `interval` is the minimum gap between two syncs of one context with one
// peer; `backoff` is 2^failures seconds (capped) per peer after failed
// sessions. At most maxConcurrent sessions run, maxPerPeer of them with one
// peer; more wait in FIFO order. A
// request for a (context, peer) pair that is already running or queued is
// merged into it (a parents request adds its ids; `done` callbacks all run).
//
// Node thread only.
#include "sync/SyncConfig.h"
#include "sync/SyncSession.h"
#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <deque>
#include <functional>
#include <map>
#include <set>

namespace dn {

class BlockingJobs;
class Engine;
class Host;

struct SyncCounters {
    quint64 attempts = 0;
    quint64 successes = 0;
    quint64 failures = 0;
    quint64 deltasFetched = 0;
    quint64 snapshots = 0;
    quint64 parentPulls = 0;
    quint64 skippedInterval = 0;  // requests dropped by the interval or a backoff
    quint64 snapshotsDeferred = 0;  // a peer said snapshot; another member was asked first
};

class SyncManager : public QObject {
    Q_OBJECT
public:
    enum class Trigger { Join, MissingParents, Heartbeat, Connected, Tick, Manual };
    using Done = std::function<void(const SyncOutcome &)>;
    // Peers worth asking about a context, best first (e.g. its gossip mesh).
    using PeerSource = std::function<QList<PeerId>(const Hash32 &contextId)>;

    SyncManager(Host *host, Engine *engine, BlockingJobs *jobs, SyncConfig config, QObject *parent = nullptr);
    ~SyncManager() override;

    void setPeerSource(PeerSource source) { peers_ = std::move(source); }
    // The root another member announced (heartbeat) for exactly these heads,
    // other than `except`; a snapshot must agree with it (ARCHITECTURE §15).
    using RootSource = std::function<std::optional<Hash32>(const Hash32 &contextId, const std::vector<Hash32> &heads,
                                                           const PeerId &except)>;
    void setRootSource(RootSource source) { roots_ = std::move(source); }
    const SyncConfig &config() const { return config_; }

    // A full sync of `contextId` with `peer`. Returns false (and runs no
    // `done`) when the interval or a backoff skips it.
    bool request(const Hash32 &contextId, const PeerId &peer, Trigger trigger, Done done = {});
    // Fetch `missing` parents of `contextId` from `peer` now.
    void pullParents(const Hash32 &contextId, const PeerId &peer, std::vector<Hash32> missing);
    // Every context with a peer that just (re)connected.
    void peerConnected(const PeerId &peer);
    // The periodic tick: each context not synced within `interval` syncs
    // with one of its peers (PeerSource order, round robin).
    void tick();

    const SyncCounters &counters() const { return counters_; }
    int running() const { return int(running_.size()); }
    int queued() const { return int(queue_.size()); }
    // Seconds until `peer` may be synced with again (0: now).
    qint64 backoffRemainingS(const PeerId &peer) const;

signals:
    void sessionFinished(const dn::Hash32 &contextId, const dn::PeerId &peer, const dn::SyncOutcome &outcome);

private:
    struct Key {
        Hash32 ctx;
        PeerId peer;
        friend bool operator<(const Key &a, const Key &b) { return std::tie(a.ctx, a.peer) < std::tie(b.ctx, b.peer); }
    };
    struct Job {
        Key key;
        SyncSession::Mode mode = SyncSession::Mode::Full;
        std::vector<Hash32> parents;
        std::vector<Done> done;
        bool again = false;  // asked once more while running
    };
    struct PeerState {
        int failures = 0;
        qint64 retryAtMs = 0;
    };

    void enqueue(Job job);
    void pump();
    void launch(Job job);
    void finished(const Key &key, const SyncOutcome &out);
    bool inBackoff(const PeerId &peer) const;
    bool withinInterval(const Key &key) const;
    // Membership as we know it: unknown (a context whose governance has not
    // reached us yet) counts as "maybe", the snapshot import then decides.
    bool mayBeMember(const Hash32 &ctx, const PeerId &peer) const;
    std::optional<PeerId> memberNotYetAsked(const Hash32 &ctx, const PeerId &except) const;
    SyncSession::SnapshotPolicy snapshotPolicy(const Key &key) const;
    qint64 nowMs() const { return clock_.elapsed(); }

    Host *host_;
    Engine *engine_;
    BlockingJobs *jobs_;
    SyncConfig config_;
    PeerSource peers_;
    RootSource roots_;
    QElapsedTimer clock_;
    std::deque<Job> queue_;
    std::map<Key, Job> running_;
    std::map<Key, qint64> lastSyncMs_;
    QHash<PeerId, PeerState> peerState_;
    std::map<Hash32, size_t> roundRobin_;
    std::map<Hash32, std::set<PeerId>> deferred_;  // members that asked for a snapshot this round
    SyncCounters counters_;
};

}  // namespace dn
