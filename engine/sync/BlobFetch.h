#pragma once
// Fetches one blob from a peer over /deltanode/blob/1.0.0 (ARCHITECTURE §10) into
// the local blob store. The header's chunk ids must hash to the blob id
// (and to the id asked for), and every chunk must hash to its id as it
// arrives, so nothing unverified is ever stored; BlobWriter recomputes the
// blob id once more at the end. Used by join to fetch a missing app module.
//
// Node thread; `done` runs exactly once, never inside start().
#include "blob/BlobStore.h"
#include "crypto/Hash32.h"
#include "crypto/PeerId.h"
#include "util/ErrorCode.h"
#include <QObject>
#include <QTimer>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace dn {

class BlobWriter;
class Engine;
class FramedStream;
class Host;
class Stream;

class BlobFetch : public QObject {
    Q_OBJECT
public:
    enum class Target { Blob, App };

    // `contextId`: a context both sides belong to (its key authenticates us).
    BlobFetch(Host *host, Engine *engine, const Hash32 &contextId, const QByteArray &contextKey, const PeerId &peer,
              Target target, const Hash32 &id, int timeoutMs = 60000, QObject *parent = nullptr);
    ~BlobFetch() override;

    void start(std::function<void(Result<BlobInfo>)> done);

private:
    void opened(Stream *s);
    void onFrame(const QByteArray &frame);
    void fail(ErrorCode code, const QString &message);
    void succeed(const BlobInfo &info);

    Host *host_;
    Engine *engine_;
    Hash32 ctx_;
    QByteArray key_;
    PeerId peer_;
    Target target_;
    Hash32 id_;
    std::function<void(Result<BlobInfo>)> done_;
    std::unique_ptr<FramedStream> io_;
    std::unique_ptr<BlobWriter> writer_;
    QTimer deadline_;
    bool haveHeader_ = false;
    Hash32 blobId_;
    uint64_t size_ = 0;
    std::vector<Hash32> chunkIds_;
    int next_ = 0;
    bool finished_ = false;
};

}  // namespace dn
