#include "api/BlobRoutes.h"
#include "api/ApiErrors.h"
#include "api/ApiJson.h"
#include "api/ApiLimits.h"
#include "api/BlobStreamer.h"
#include "api/NodeServices.h"
#include "api/Offload.h"
#include "blob/BlobCache.h"
#include "blob/BlobStore.h"
#include <QDateTime>

namespace dn {
namespace {
using M = Router::Method;

void replyError(const HttpReplyPtr &reply, const Error &e) { reply->error(e); }

QJsonObject blobJson(const BlobInfo &b) {
    return {{QStringLiteral("blobId"), b.id.toBase58()}, {QStringLiteral("size"), qint64(b.size)}};
}
}  // namespace

void BlobRoutes::install(Router &r) {
    r.add(M::Put, QStringLiteral("/admin-api/blobs"), [this](auto &req, auto &reply) { put(req, reply); });
    r.add(M::Get, QStringLiteral("/admin-api/blobs"), [this](auto &, auto &reply) { list(reply); });
    r.add(M::Post, QStringLiteral("/admin-api/blobs/uploads"), [this](auto &, auto &reply) { startUpload(reply); });
    r.add(M::Put, QStringLiteral("/admin-api/blobs/uploads/{uploadId}/{n}"), [this](auto &req, auto &reply) { putPart(req, reply); });
    r.add(M::Post, QStringLiteral("/admin-api/blobs/uploads/{uploadId}/finish"), [this](auto &req, auto &reply) { finishUpload(req, reply); });
    r.add(M::Get, QStringLiteral("/admin-api/blobs/{id}"), [this](auto &req, auto &reply) { get(req, reply); });
    r.add(M::Get, QStringLiteral("/admin-api/blobs/{id}/info"), [this](auto &req, auto &reply) { info(req, reply); });
    r.add(M::Get, QStringLiteral("/admin-api/blob-cache"), [this](auto &, auto &reply) { cache(reply); });
    r.add(M::Post, QStringLiteral("/admin-api/blob-cache/evict"), [this](auto &req, auto &reply) { evict(req, reply); });
}

void BlobRoutes::put(const HttpRequest &req, const HttpReplyPtr &reply) {
    if (req.body.size() > api::kMaxBlobPutBytes)
        return reply->error(ErrorCode::TooLarge,
                            QStringLiteral("a single-shot blob is at most 16 MiB; use POST /admin-api/blobs/uploads"));
    const BlobStore *blobs = &node_.blobs();
    offload_.run([blobs, body = req.body]() -> Result<BlobInfo> {
                     BlobWriter w = blobs->writer();
                     if (auto r = w.write(body); !r) return r.error();
                     return w.finish();
                 },
                 [reply](Result<BlobInfo> r) {
                     if (!r) return replyError(reply, r.error());
                     reply->json(201, blobJson(*r));
                 });
}

void BlobRoutes::startUpload(const HttpReplyPtr &reply) {
    // Each session may hold up to one chunk in its writer's buffer.
    if (uploads_.count() >= size_t(api::kMaxUploadSessions))
        return reply->error(ErrorCode::TooManyUploads,
                            QStringLiteral("%1 uploads are already in progress; finish or abandon one first").arg(api::kMaxUploadSessions));
    auto &s = uploads_.create(node_.blobs());
    reply->json(201, {{QStringLiteral("uploadId"), s.id.toBase58()}});
}

UploadSessions::Session *BlobRoutes::sessionParam(const HttpRequest &req, const HttpReplyPtr &reply) {
    const auto id = apijson::parseId(req.params.value(0));
    if (!id) {
        reply->error(ErrorCode::InvalidId, QStringLiteral("\"%1\" is not a valid upload id").arg(req.params.value(0)));
        return nullptr;
    }
    auto *s = uploads_.find(*id);
    if (!s) reply->error(ErrorCode::UploadNotFound, QStringLiteral("no upload %1 (finished, or expired after 10 minutes idle)").arg(id->toBase58()));
    else if (s->busy) {
        reply->error(ErrorCode::Conflict, QStringLiteral("the previous part of this upload is still being written"));
        return nullptr;
    }
    return s;
}

void BlobRoutes::putPart(const HttpRequest &req, const HttpReplyPtr &reply) {
    auto *s = sessionParam(req, reply);
    if (!s) return;
    const QString nText = req.params.value(1);
    bool ok = false;
    const int n = nText.toInt(&ok);
    if (!ok || n < 0 || nText.size() > 9 || nText.startsWith(QLatin1Char('+')))
        return reply->error(ErrorCode::InvalidArgument, QStringLiteral("\"%1\" is not a part number").arg(nText));
    if (n != s->nextPart)
        return reply->error(ErrorCode::Conflict, QStringLiteral("expected part %1, got part %2 (parts go in order)").arg(s->nextPart).arg(n));
    if (req.body.size() > api::kMaxUploadPartBytes)
        return reply->error(ErrorCode::TooLarge, QStringLiteral("a part is at most 1 MiB, this one is %1 bytes").arg(req.body.size()));
    s->busy = true;
    uploads_.touch(*s);
    // Answered once the part is durable: a client uploading faster than the
    // disk writes is paced instead of piling chunks up in the store's queue.
    offload_.run([writer = s->writer, body = req.body]() -> Result<void> {
                     auto r = writer->write(body);
                     writer->waitDurable();
                     return r;
                 },
                 [this, reply, id = s->id, writer = s->writer](Result<void> r) {
                     auto *s = uploads_.find(id);
                     if (!s || s->writer != writer) return reply->error(ErrorCode::UploadNotFound, QStringLiteral("the upload went away"));
                     s->busy = false;
                     uploads_.touch(*s);
                     if (!r) {
                         uploads_.take(id);
                         return replyError(reply, r.error());
                     }
                     ++s->nextPart;
                     reply->json(200, {{QStringLiteral("received"), s->nextPart},
                                       {QStringLiteral("size"), qint64(writer->size())}});
                 });
}

void BlobRoutes::finishUpload(const HttpRequest &req, const HttpReplyPtr &reply) {
    auto *s = sessionParam(req, reply);
    if (!s) return;
    auto session = uploads_.take(s->id);
    offload_.run([writer = session->writer] { return writer->finish(); },
                 [reply](Result<BlobInfo> r) {
                     if (!r) return replyError(reply, r.error());
                     reply->json(201, blobJson(*r));
                 });
}

void BlobRoutes::list(const HttpReplyPtr &reply) {
    const BlobStore *blobs = &node_.blobs();
    offload_.run([blobs] { return blobs->list(); },
                 [reply](std::vector<BlobInfo> all) {
                     QJsonArray out;
                     for (const auto &b : all) {
                         QJsonObject o = blobJson(b);
                         o.insert(QStringLiteral("chunks"), b.chunks);
                         out.append(o);
                     }
                     reply->json(200, {{QStringLiteral("blobs"), out}});
                 });
}

std::optional<Hash32> BlobRoutes::blobParam(const HttpRequest &req, const HttpReplyPtr &reply) const {
    const auto id = apijson::parseId(req.params.value(0));
    if (!id) reply->error(ErrorCode::InvalidId, QStringLiteral("\"%1\" is not a valid blob id (base58 of 32 bytes)").arg(req.params.value(0)));
    return id;
}

void BlobRoutes::get(const HttpRequest &req, const HttpReplyPtr &reply) {
    const auto id = blobParam(req, reply);
    if (!id) return;
    auto reader = node_.blobs().reader(*id);
    if (!reader) return replyError(reply, reader.error());
    auto shared = std::make_shared<const BlobReader>(std::move(*reader));
    Offload *offload = &offload_;
    reply->stream([shared, offload](QHttpServerResponder &responder, std::function<void()> finished) {
        BlobStreamer::start(shared, *offload, responder, std::move(finished));
    });
}

void BlobRoutes::info(const HttpRequest &req, const HttpReplyPtr &reply) {
    const auto id = blobParam(req, reply);
    if (!id) return;
    const auto b = node_.blobs().info(*id);
    if (!b) return reply->error(errors::blobNotFound(*id));
    QJsonObject o = blobJson(*b);
    o.insert(QStringLiteral("chunks"), b->chunks);
    reply->json(200, o);
}

void BlobRoutes::cache(const HttpReplyPtr &reply) {
    const BlobCacheSnapshot snap = node_.blobCacheSnapshot();
    const BlobCacheStats &s = snap.stats;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QJsonArray entries;
    for (const auto &e : snap.entries)
        entries.append(QJsonObject{{QStringLiteral("blobId"), e.id.toBase58()},
                                   {QStringLiteral("size"), qint64(e.size)},
                                   {QStringLiteral("ageSeconds"), qMax<qint64>(0, (now - e.insertedAtMs) / 1000)},
                                   {QStringLiteral("idleSeconds"), qMax<qint64>(0, (now - e.lastAccessMs) / 1000)},
                                   {QStringLiteral("hits"), qint64(e.hits)}});
    const BlobCacheLimits &l = snap.limits;
    reply->json(200, {{QStringLiteral("stats"), QJsonObject{{QStringLiteral("entries"), qint64(s.entries)},
                                                            {QStringLiteral("bytes"), qint64(s.bytes)},
                                                            {QStringLiteral("hits"), qint64(s.hits)},
                                                            {QStringLiteral("misses"), qint64(s.misses)},
                                                            {QStringLiteral("bypassed"), qint64(s.bypassed)},
                                                            {QStringLiteral("evictedIdle"), qint64(s.evictedIdle)},
                                                            {QStringLiteral("evictedCount"), qint64(s.evictedCount)},
                                                            {QStringLiteral("evictedBytes"), qint64(s.evictedBytes)},
                                                            {QStringLiteral("evictedManual"), qint64(s.evictedManual)},
                                                            {QStringLiteral("evictionRuns"), qint64(s.evictionRuns)}}},
                      {QStringLiteral("limits"), QJsonObject{{QStringLiteral("maxIdleSeconds"), qint64(l.maxIdleMs / 1000)},
                                                             {QStringLiteral("maxEntries"), qint64(l.maxEntries)},
                                                             {QStringLiteral("maxBytes"), qint64(l.maxBytes)}}},
                      {QStringLiteral("entries"), entries}});
}

void BlobRoutes::evict(const HttpRequest &req, const HttpReplyPtr &reply) {
    QString why;
    const auto body = apijson::parseObjectBody(req.body, &why);
    if (!body) return reply->error(ErrorCode::BadJson, why);
    if (body->contains(QStringLiteral("blobId"))) {
        const auto id = apijson::parseId(body->value(QStringLiteral("blobId")).toString());
        if (!id) return reply->error(ErrorCode::InvalidId, QStringLiteral("blobId is not a valid id"));
        return reply->json(200, {{QStringLiteral("evicted"), node_.evictCachedBlob(*id) ? 1 : 0}});
    }
    const EvictionReport r = node_.runBlobCacheEviction();
    reply->json(200, {{QStringLiteral("evicted"), qint64(r.total())},
                      {QStringLiteral("idle"), qint64(r.idle)},
                      {QStringLiteral("count"), qint64(r.count)},
                      {QStringLiteral("bytes"), qint64(r.bytes)}});
}

}  // namespace dn
