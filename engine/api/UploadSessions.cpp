#include "api/UploadSessions.h"
#include "api/ApiLimits.h"
#include "api/ApiLog.h"
#include "crypto/Random.h"
#include <QDateTime>
#include <algorithm>

namespace dn {
namespace {
qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }
}  // namespace

UploadSessions::UploadSessions(QObject *parent) : QObject(parent), idleMs_(api::kUploadIdleMs) {
    connect(&sweep_, &QTimer::timeout, this, &UploadSessions::expire);
    setIdleTimeout(api::kUploadIdleMs);
}

void UploadSessions::setIdleTimeout(qint64 ms) {
    idleMs_ = ms;
    // Sweep a few times per timeout so a session lives at most ~1.25 timeouts idle.
    sweep_.start(int(std::clamp<qint64>(ms / 4, 10, 60'000)));
}

UploadSessions::Session &UploadSessions::create(const BlobStore &blobs) {
    auto s = std::make_unique<Session>();
    s->id = *Hash32::fromBytes(randomBytes(32));
    s->writer = std::make_shared<BlobWriter>(blobs.writer());
    s->lastActiveMs = nowMs();
    Session &ref = *s;
    sessions_[ref.id] = std::move(s);
    return ref;
}

UploadSessions::Session *UploadSessions::find(const Hash32 &id) {
    auto it = sessions_.find(id);
    return it == sessions_.end() ? nullptr : it->second.get();
}

void UploadSessions::touch(Session &s) { s.lastActiveMs = nowMs(); }

std::unique_ptr<UploadSessions::Session> UploadSessions::take(const Hash32 &id) {
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return nullptr;
    auto s = std::move(it->second);
    sessions_.erase(it);
    return s;
}

void UploadSessions::expire() {
    const qint64 now = nowMs();
    for (auto it = sessions_.begin(); it != sessions_.end();) {
        // A session whose part is being written is not idle; its job holds the writer.
        if (!it->second->busy && now - it->second->lastActiveMs >= idleMs_) {
            qCInfo(lcApi) << "upload session" << it->first.toBase58() << "expired after"
                          << it->second->nextPart << "parts";
            ++expired_;
            it = sessions_.erase(it);
        } else {
            ++it;
        }
    }
}

}  // namespace dn
