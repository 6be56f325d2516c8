#pragma once
// Serves /deltanode/blob/1.0.0 (ARCHITECTURE §10): one BlobRequest per stream,
// answered with a BlobHeader (size and chunk ids, whose hash is the blob id,
// so the receiver can check every chunk as it arrives) and then the chunks in
// order. Requests must prove a context key (SyncWire::authTag); an app module
// is served by app id when it is the app of that context.
//
// Chunks are read one at a time and written only while little is queued on
// the stream, so serving a large blob holds about two chunks in memory.
#include <QObject>
#include "crypto/Hash32.h"
#include "sync/PeerSlots.h"
#include "util/ErrorCode.h"
#include <QByteArray>
#include <functional>
#include <map>
#include <optional>
#include <memory>

namespace dn {

class Engine;
class FramedStream;
class Host;
class Stream;

struct BlobServerCounters {
    quint64 requests = 0;
    quint64 served = 0;     // blobs sent completely
    quint64 refused = 0;
    quint64 notMember = 0;  // of which: the peer is not a member (ARCHITECTURE §15)
    quint64 badRequests = 0;  // streams reset for malformed input
    quint64 chunksSent = 0;
    quint64 busy = 0;       // streams refused: every slot, or the peer's share, taken
    quint64 idle = 0;       // streams reset after the idle timeout
    quint64 oversize = 0;   // of badRequests: a request frame over the bound
};

class BlobServer : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxTransfers = 16;
    static constexpr ServerLimits kDefaultLimits{kMaxTransfers, 2, 30000};
    static constexpr qsizetype kHighWater = 2 * 1024 * 1024;

    // Reads app modules through `appModule` (the node's blob cache: a module
    // is sent whole to every member that joins) or, without one, the engine.
    using AppModuleLoader = std::function<std::optional<QByteArray>(const Hash32 &)>;
    BlobServer(Host *host, Engine *engine, AppModuleLoader appModule = {}, QObject *parent = nullptr);
    ~BlobServer() override;
    void start();
    // Before start(); tests shorten the idle timeout.
    void setLimits(ServerLimits limits) { slots_.setLimits(limits); }
    const ServerLimits &limits() const { return slots_.limits(); }
    const BlobServerCounters &counters() const { return counters_; }

private:
    struct Transfer;
    void onStream(Stream *s);
    void onRequest(quint64 id, const QByteArray &frame);
    void pumpChunks(quint64 id);
    void refuse(quint64 id, ErrorCode code, const QString &message);
    void dropLater(quint64 id);

    Host *host_;
    Engine *engine_;
    AppModuleLoader appModule_;
    std::map<quint64, std::unique_ptr<Transfer>> transfers_;
    quint64 nextId_ = 1;
    PeerSlots slots_{kDefaultLimits};
    BlobServerCounters counters_;
};

}  // namespace dn
