#pragma once
// One sync of one context with one peer, as the requester (ARCHITECTURE §9):
//
//   Full:    HeadsRequest → the peer's heads. Equal to ours: done. Otherwise
//            fetch what we lack (their unknown heads plus the parents our
//            pending deltas miss) page by page: each DeltasRequest names the
//            ids and our heads, the answer holds those deltas and their
//            ancestors down to what we have; the next page asks for the
//            parents still missing. Ends when nothing is missing or the peer
//            has nothing more.
//   Parents: the same walk, starting from given missing parents (a delta
//            arrived whose parents we lack: fetched at once, ARCHITECTURE §9).
//
// Falls back to a snapshot when the peer reports history we lack as
// pruned, when the walk grows beyond SyncConfig::deltaSyncThreshold, or when
// we have nothing and the peer has a long history. Snapshot pages are
// collected, checked against the announced root hash, then imported in one
// step (Engine::importSnapshot).
//
// Node thread. done() runs exactly once, never inside start().
#include "context/EngineTypes.h"
#include "crypto/PeerId.h"
#include "sync/SyncConfig.h"
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <functional>
#include <optional>
#include <memory>
#include <unordered_set>
#include <vector>

namespace deltanode::pb { class SyncRequest; class SyncResponse; }

namespace dn {

class BlockingJobs;
class Engine;
class FramedStream;
class Host;
class Stream;

struct SyncOutcome {
    enum class Status {
        Converged,    // nothing to fetch
        Fetched,      // deltas fetched (maybe not everything: the peer lacked some)
        Snapshot,     // caught up from a snapshot
        NotMember,    // the peer does not have the context: not a failure
        Unavailable,  // no connection or the peer does not speak sync: not a failure
        Deferred,     // the peer asks for a snapshot; another member is to be asked first
        Failed,
    };
    Status status = Status::Failed;
    QString error;
    quint64 deltasFetched = 0;  // envelopes received and added to the DAG (applied or pending)
    bool ok() const { return status != Status::Failed; }
    bool countsAsFailure() const { return status == Status::Failed; }
};

QString syncStatusName(SyncOutcome::Status s);

class SyncSession : public QObject {
    Q_OBJECT
public:
    enum class Mode { Full, Parents };
    enum class SnapshotPolicy {
        Allowed,         // a snapshot from this peer is fine (its proof is still checked)
        TryOthersFirst,  // end Deferred instead: another member may have the deltas
        Refused,         // the peer is not a member: its snapshot is refused and counted
    };

    SyncSession(Host *host, Engine *engine, BlockingJobs *jobs, const SyncConfig &config, const Hash32 &contextId,
                const PeerId &peer, Mode mode, std::vector<Hash32> parents = {}, QObject *parent = nullptr);
    ~SyncSession() override;

    void start(std::function<void(const SyncOutcome &)> done);
    using RootSource = std::function<std::optional<Hash32>(const Hash32 &, const std::vector<Hash32> &, const PeerId &)>;
    void setRootSource(RootSource source) { roots_ = std::move(source); }
    void setSnapshotPolicy(SnapshotPolicy policy) { snapshotPolicy_ = policy; }
    const Hash32 &contextId() const { return ctx_; }
    const PeerId &peer() const { return peer_; }

private:
    using Answer = std::function<void(const deltanode::pb::SyncResponse &)>;
    void opened(Stream *s);
    void request(deltanode::pb::SyncRequest &req, Answer onAnswer);
    void onFrame(const QByteArray &frame);
    void onHeads(const deltanode::pb::SyncResponse &resp);
    void fetch(std::vector<Hash32> want);
    void onDeltas(const deltanode::pb::SyncResponse &resp);
    void startSnapshot(const QString &why);
    void requestPage(uint64_t cursor);
    void onPage(const deltanode::pb::SyncResponse &resp);
    void finish(SyncOutcome::Status status, const QString &error = {});
    // An error answer (SyncError) → outcome; true if it was one.
    bool refused(const deltanode::pb::SyncResponse &resp);

    Host *host_;
    Engine *engine_;
    BlockingJobs *jobs_;
    SyncConfig config_;
    Hash32 ctx_;
    QByteArray key_;
    PeerId peer_;
    Mode mode_;
    std::vector<Hash32> parents_;
    RootSource roots_;
    SnapshotPolicy snapshotPolicy_ = SnapshotPolicy::Allowed;
    std::function<void(const SyncOutcome &)> done_;
    std::unique_ptr<FramedStream> io_;
    Answer pending_;
    QTimer deadline_;
    bool finished_ = false;
    quint64 fetched_ = 0;
    int rounds_ = 0;
    bool answered_ = false;  // the server has answered once: it knows we are a member
    std::unordered_set<Hash32> peerLacks_;   // ids the peer says it never saw
    std::unordered_set<Hash32> askedFor_;
    // Snapshot being received.
    ContextSnapshot snapshot_;
    qint64 snapshotBytes_ = 0;
};

}  // namespace dn
