#include "context/AppCatalog.h"
#include "crypto/Sha256.h"
#include "store/Keys.h"
#include "storage.pb.h"
#include <QDateTime>

namespace dn {
namespace pb = ::deltanode::pb;

namespace {
AppRecord fromMeta(const Hash32 &id, const pb::AppMeta &m) {
    AppRecord r;
    r.id = id;
    r.name = QString::fromStdString(m.name());
    r.size = m.size();
    for (const auto &s : m.methods()) r.methods << QString::fromStdString(s);
    r.hasInit = m.has_init();
    r.installedAtMs = int64_t(m.installed_at_ms());
    return r;
}
}  // namespace

Result<void> AppCatalog::load() {
    std::lock_guard lock(mutex_);
    store_.scan(keys::appPrefix(), [&](const QByteArray &key, const QByteArray &value) {
        pb::AppMeta m;
        auto id = Hash32::fromBytes(key.mid(2));
        if (!id || !m.ParseFromArray(value.constData(), int(value.size()))) return true;
        Entry e{fromMeta(*id, m), Hash32::fromBytes(QByteArray::fromStdString(m.blob_id())).value_or(Hash32{}), {}};
        apps_.emplace(*id, std::move(e));
        return true;
    });
    return {};
}

Result<AppRecord> AppCatalog::install(const QByteArray &wasm, const QString &name) {
    const Hash32 id = sha256(wasm);
    {
        std::lock_guard lock(mutex_);
        if (auto it = apps_.find(id); it != apps_.end()) return it->second.record;  // idempotent
    }
    auto compiled = pool_.compile(wasm);
    if (!compiled) return compiled.error();
    auto blob = blobs_.put(wasm);
    if (!blob) return blob.error();
    const AppInfo &info = (*compiled)->info();
    pb::AppMeta m;
    m.set_name(name.toStdString());
    m.set_size(uint64_t(wasm.size()));
    m.set_blob_id(blob->id.data(), 32);
    for (const auto &method : info.methods) m.add_methods(method.toStdString());
    m.set_has_init(info.hasInit);
    m.set_installed_at_ms(uint64_t(QDateTime::currentMSecsSinceEpoch()));
    std::string raw;
    m.SerializeToString(&raw);
    Batch b;
    b.put(keys::app(id), QByteArray::fromStdString(raw));
    if (!store_.commitSync(std::move(b))) return Error{ErrorCode::StorageError, "could not record the application"};
    Entry e{fromMeta(id, m), blob->id, *compiled};
    std::lock_guard lock(mutex_);
    auto [it, inserted] = apps_.emplace(id, std::move(e));
    return it->second.record;
}

std::vector<AppRecord> AppCatalog::list() const {
    std::lock_guard lock(mutex_);
    std::vector<AppRecord> out;
    for (const auto &[id, e] : apps_) out.push_back(e.record);
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.installedAtMs < b.installedAtMs; });
    return out;
}

std::optional<AppRecord> AppCatalog::record(const Hash32 &id) const {
    std::lock_guard lock(mutex_);
    auto it = apps_.find(id);
    if (it == apps_.end()) return std::nullopt;
    return it->second.record;
}

std::optional<QByteArray> AppCatalog::bytes(const Hash32 &id) const {
    Hash32 blobId;
    {
        std::lock_guard lock(mutex_);
        auto it = apps_.find(id);
        if (it == apps_.end()) return std::nullopt;
        blobId = it->second.blobId;
    }
    return blobs_.get(blobId);
}

Result<std::shared_ptr<const WasmApp>> AppCatalog::compiled(const Hash32 &id) {
    Hash32 blobId;
    {
        std::lock_guard lock(mutex_);
        auto it = apps_.find(id);
        if (it == apps_.end())
            return errors::appNotFound(id);
        if (it->second.compiled) return it->second.compiled;
        blobId = it->second.blobId;
    }
    auto wasm = blobs_.get(blobId);
    if (!wasm) return Error{ErrorCode::AppNotFound, QStringLiteral("the module of application %1 is missing from the blob store").arg(id.toBase58())};
    auto compiled = pool_.compile(*wasm);
    if (!compiled) return compiled.error();
    std::lock_guard lock(mutex_);
    auto &slot = apps_[id].compiled;
    if (!slot) slot = *compiled;
    return slot;
}

}  // namespace dn
