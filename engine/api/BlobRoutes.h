#pragma once
// /admin-api/blobs… and /admin-api/blob-cache… (docs/API.md). Uploads are
// written chunk by chunk on the offload pool and answered once durable, which
// also paces a fast client to the disk; downloads are streamed (BlobStreamer).
#include "api/Router.h"
#include "crypto/Hash32.h"
#include <optional>
#include "api/UploadSessions.h"

namespace dn {

class NodeServices;
class Offload;

class BlobRoutes {
public:
    BlobRoutes(NodeServices &node, Offload &offload, UploadSessions &uploads)
        : node_(node), offload_(offload), uploads_(uploads) {}
    void install(Router &router);

private:
    void put(const HttpRequest &req, const HttpReplyPtr &reply);
    void startUpload(const HttpReplyPtr &reply);
    void putPart(const HttpRequest &req, const HttpReplyPtr &reply);
    void finishUpload(const HttpRequest &req, const HttpReplyPtr &reply);
    void list(const HttpReplyPtr &reply);
    void get(const HttpRequest &req, const HttpReplyPtr &reply);
    void info(const HttpRequest &req, const HttpReplyPtr &reply);
    void cache(const HttpReplyPtr &reply);
    void evict(const HttpRequest &req, const HttpReplyPtr &reply);

    std::optional<Hash32> blobParam(const HttpRequest &req, const HttpReplyPtr &reply) const;
    UploadSessions::Session *sessionParam(const HttpRequest &req, const HttpReplyPtr &reply);

    NodeServices &node_;
    Offload &offload_;
    UploadSessions &uploads_;
};

}  // namespace dn
