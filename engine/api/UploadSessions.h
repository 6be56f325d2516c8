#pragma once
// Chunked blob uploads (POST blobs/uploads, PUT …/{n}, POST …/finish). Each
// session owns a BlobWriter, which queues every full 1 MiB chunk to the store
// as it arrives, so only the running list of chunk ids stays in memory.
// Parts must come in order, one at a time. A session idle for 10 minutes is
// dropped; the chunks it already stored remain as unreferenced chunks (they
// cost disk space only, and a later upload of the same data reuses them).
#include "blob/BlobStore.h"
#include "crypto/Hash32.h"
#include <QObject>
#include <QTimer>
#include <memory>
#include <unordered_map>

namespace dn {

class UploadSessions : public QObject {
    Q_OBJECT
public:
    struct Session {
        Hash32 id;
        std::shared_ptr<BlobWriter> writer;  // shared with the pool job writing a part
        int nextPart = 0;
        bool busy = false;                   // a part is being written
        qint64 lastActiveMs = 0;
    };

    explicit UploadSessions(QObject *parent = nullptr);
    Session &create(const BlobStore &blobs);
    Session *find(const Hash32 &id);
    void touch(Session &s);
    // Takes the session out (finish, or a failed write).
    std::unique_ptr<Session> take(const Hash32 &id);
    size_t count() const { return sessions_.size(); }
    quint64 expiredCount() const { return expired_; }
    void setIdleTimeout(qint64 ms);

private:
    void expire();
    std::unordered_map<Hash32, std::unique_ptr<Session>> sessions_;
    QTimer sweep_;
    qint64 idleMs_;
    quint64 expired_ = 0;
};

}  // namespace dn
