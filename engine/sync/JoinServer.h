#pragma once
// Serves /deltanode/join/1.0.0 (ARCHITECTURE §15): a joiner proves an
// invitation's secret (JoinRequest.proof, bound to both Noise peers); the
// engine checks expiry, uses and revocation on this side, adds the joiner
// as a member and the answer carries every epoch key sealed to the joiner.
// One request per stream, at most kMaxStreams at once, 1 KiB per request.
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
};

class JoinServer : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxStreams = 16;
    static constexpr qsizetype kMaxRequest = 1024;

    JoinServer(Host *host, Engine *engine, BlockingJobs *jobs, QObject *parent = nullptr);
    ~JoinServer() override;
    void start();
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
    JoinServerCounters counters_;
};

}  // namespace dn
