#pragma once
// Installed applications: module bytes in the blob store, a record under
// a/<app_id>, and the compiled module shared by every executor worker.
// Compilation is lazy (first use), so a node with many apps starts fast.
#include "blob/BlobStore.h"
#include "context/EngineTypes.h"
#include "runtime/ExecutorPool.h"
#include "store/Store.h"
#include <memory>
#include <mutex>
#include <unordered_map>

namespace dn {

class AppCatalog {
public:
    AppCatalog(Store &store, BlobStore &blobs, ExecutorPool &pool) : store_(store), blobs_(blobs), pool_(pool) {}
    Result<void> load();
    // Validates (it must compile, export memory, import only known host
    // functions) before anything is stored.
    Result<AppRecord> install(const QByteArray &wasm, const QString &name);
    std::vector<AppRecord> list() const;
    std::optional<AppRecord> record(const Hash32 &id) const;
    std::optional<QByteArray> bytes(const Hash32 &id) const;
    Result<std::shared_ptr<const WasmApp>> compiled(const Hash32 &id);

private:
    struct Entry {
        AppRecord record;
        Hash32 blobId;
        std::shared_ptr<const WasmApp> compiled;
    };
    Store &store_;
    BlobStore &blobs_;
    ExecutorPool &pool_;
    mutable std::mutex mutex_;
    std::unordered_map<Hash32, Entry> apps_;
};

}  // namespace dn
