#pragma once
// Serves /deltanode/sync/1.0.0 (ARCHITECTURE §9): heads, pages of history and
// snapshots of the contexts this node is a member of, to peers that prove
// they hold the context key (SyncWire::authTag).
//
// One stream per requester session; requests on it are answered one at a
// time, in order. Engine queries run on BlockingJobs, so a slow query never
// stalls the node thread. A snapshot is captured once per stream (on its
// first SnapshotRequest) and paged out from that capture, so its pages are
// consistent with each other.
#include "context/EngineTypes.h"
#include "sync/FramedStream.h"
#include "sync/PeerSlots.h"
#include "util/ErrorCode.h"
#include <QObject>
#include <deque>
#include <map>
#include <memory>

namespace deltanode::pb { class SyncRequest; class SyncResponse; }

namespace dn {

class BlockingJobs;
class Engine;
class Host;

struct SyncServerCounters {
    quint64 requests = 0;
    quint64 heads = 0, deltaPages = 0, snapshotPages = 0;
    quint64 envelopesServed = 0;
    quint64 refused = 0;    // unauthorized, unknown context, bad request, not a member
    quint64 notMember = 0;  // of which: the peer is not a member (ARCHITECTURE §15)
    quint64 badFrames = 0;  // streams reset for malformed input
    quint64 busy = 0;       // streams refused: every slot, or the peer's share, taken
    quint64 idle = 0;       // streams reset after the idle timeout
    quint64 oversize = 0;   // of badFrames: a request frame over the bound
};

class SyncServer : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxSessions = 64;
    static constexpr ServerLimits kDefaultLimits{kMaxSessions, 4, 30000};
    static constexpr int kMaxQueued = 4;  // requests a peer may send ahead of the answers
    static constexpr int kSnapshotPageEntries = 1000;
    static constexpr qsizetype kSnapshotPageBytes = 2 * 1024 * 1024;
    static constexpr int kSnapshotPageIds = 20000;

    SyncServer(Host *host, Engine *engine, BlockingJobs *jobs, QObject *parent = nullptr);
    ~SyncServer() override;
    void start();
    // Before start(); tests shorten the idle timeout.
    void setLimits(ServerLimits limits) { slots_.setLimits(limits); }
    const ServerLimits &limits() const { return slots_.limits(); }
    const SyncServerCounters &counters() const { return counters_; }
    int sessions() const { return int(sessions_.size()); }

signals:
    // A peer proved it holds the key of a context we have: a fellow member.
    void memberSeen(const dn::PeerId &peerId, const dn::Hash32 &contextId);

private:
    struct Snapshot {
        Hash32 contextId;
        ContextSnapshot data;
        std::vector<std::pair<size_t, size_t>> entryPages;  // [begin, end) per page
        size_t idsPerPage = kSnapshotPageIds;
        size_t pages = 0;
    };
    struct Session {
        std::unique_ptr<FramedStream> io;
        std::deque<QByteArray> queue;
        bool busy = false;
        std::shared_ptr<Snapshot> snapshot;
        bool peerDone = false;  // the requester half-closed
        bool member = false;    // a request of it passed the auth and membership checks
        PeerId peer;
        bool holdsSlot = true;  // counted in slots_ until released
    };

    void onStream(Stream *s);
    void onFrame(quint64 id, const QByteArray &frame);
    void next(quint64 id);
    void handle(quint64 id, const deltanode::pb::SyncRequest &req);
    void answer(quint64 id, const deltanode::pb::SyncResponse &resp);
    void refuse(quint64 id, ErrorCode code, const QString &message);
    void sendSnapshotPage(quint64 id, uint64_t cursor);
    void dropLater(quint64 id);
    void releaseSlot(Session &s);
    Session *find(quint64 id) const;

    Host *host_;
    Engine *engine_;
    BlockingJobs *jobs_;
    // By id, not pointer: answers from BlockingJobs find their session gone
    // rather than a new one at the same address.
    std::map<quint64, std::unique_ptr<Session>> sessions_;
    quint64 nextId_ = 1;
    PeerSlots slots_{kDefaultLimits};
    SyncServerCounters counters_;
};

}  // namespace dn
