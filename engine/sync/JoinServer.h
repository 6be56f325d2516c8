#pragma once
// Serves /deltanode/join/1.0.0 (ARCHITECTURE §15): a joiner proves an
// invitation's secret (JoinRequest.proof, bound to both Noise peers); the
// engine checks expiry, uses and revocation on this side, adds the joiner
// as a member and the answer carries every epoch key sealed to the joiner.
// One request per stream, at most kMaxStreams at once (2 per peer), 1 KiB
// per request.
#include "sync/PeerSlots.h"
#include "util/ErrorCode.h"
#include <QObject>
#include <map>
#include <memory>

namespace dn {

class BlockingJobs;
class Engine;
class FramedStream;
class Host;
class Stream;

struct JoinServerCounters {
    quint64 requests = 0, admitted = 0, refused = 0;
    quint64 busy = 0;      // of refused: every slot, or the peer's share, taken
    quint64 idle = 0;      // streams reset after the idle timeout
    quint64 oversize = 0;  // streams reset for a request over kMaxRequest
};

class JoinServer : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxStreams = 16;
    static constexpr qsizetype kMaxRequest = 1024;
    static constexpr ServerLimits kDefaultLimits{kMaxStreams, 2, 30000};

    JoinServer(Host *host, Engine *engine, BlockingJobs *jobs, QObject *parent = nullptr);
    ~JoinServer() override;
    void start();
    // Before start(); tests shorten the idle timeout.
    void setLimits(ServerLimits limits) { slots_.setLimits(limits); }
    const JoinServerCounters &counters() const { return counters_; }

private:
    void onStream(Stream *s);
    void onRequest(quint64 id, const QByteArray &frame);
    void refuse(quint64 id, ErrorCode code, const QString &message);
    void dropLater(quint64 id);

    Host *host_;
    Engine *engine_;
    BlockingJobs *jobs_;
    std::map<quint64, std::unique_ptr<FramedStream>> streams_;
    quint64 nextId_ = 1;
    PeerSlots slots_{kDefaultLimits};
    JoinServerCounters counters_;
};

}  // namespace dn
