#include "store/Store.h"
#include "store/PreadEnv.h"

#include "store/GroupCommitter.h"
#include "store/Keys.h"

#include <QDir>
#include <QLoggingCategory>
#include <leveldb/cache.h>
#include <leveldb/db.h>
#include <leveldb/filter_policy.h>
#include <leveldb/iterator.h>
#include <atomic>

Q_LOGGING_CATEGORY(lcStore, "dn.store")

namespace dn {

namespace {
constexpr int kBloomBitsPerKey = 10;

leveldb::Slice slice(const QByteArray &b) { return leveldb::Slice(b.constData(), size_t(b.size())); }
QByteArray bytes(const leveldb::Slice &s) { return QByteArray(s.data(), qsizetype(s.size())); }
QString text(const leveldb::Status &s) { return QString::fromStdString(s.ToString()); }
}  // namespace

struct Store::Impl {
    // Declaration order is destruction order reversed: the committer must stop
    // (draining its queue into the db) before the db closes, and the db
    // before the cache and filter policy it uses.
    std::unique_ptr<const leveldb::FilterPolicy> filter;
    std::unique_ptr<leveldb::Cache> cache;
    std::unique_ptr<leveldb::DB> db;
    std::unique_ptr<GroupCommitter> committer;
    QString dir;
};

Store::Store() : d(std::make_unique<Impl>()) {}

Store::~Store() {
    d->committer.reset();
    d->db.reset();
}

// Checks m/schema, writing it into a new database. An existing database
// without one was not made by us, so it is refused rather than adopted.
static Result<void> checkSchema(leveldb::DB *db, const QString &dir) {
    std::string value;
    const QByteArray key = keys::schema();
    leveldb::Status s = db->Get(leveldb::ReadOptions(), slice(key), &value);
    const QByteArray expected = QByteArray::number(Store::kSchemaVersion);
    if (s.IsNotFound()) {
        std::unique_ptr<leveldb::Iterator> it(db->NewIterator(leveldb::ReadOptions()));
        it->SeekToFirst();
        if (it->Valid())
            return Result<void>::failure(
                ErrorCode::StoreSchema,
                QStringLiteral("the database in %1 has no schema version; it is not a deltanode database").arg(dir));
        leveldb::WriteOptions wo;
        wo.sync = true;
        s = db->Put(wo, slice(key), slice(expected));
        if (!s.ok())
            return Result<void>::failure(ErrorCode::StoreIo, QStringLiteral("cannot write the schema version to %1: %2")
                                                         .arg(dir, text(s)));
        return {};
    }
    if (!s.ok())
        return Result<void>::failure(ErrorCode::StoreIo,
                                     QStringLiteral("cannot read the schema version in %1: %2").arg(dir, text(s)));
    const QByteArray found = QByteArray::fromStdString(value);
    if (found != expected)
        return Result<void>::failure(
            ErrorCode::StoreSchema, QStringLiteral("database schema version %1 is not supported by this deltanode (expects %2)")
                                .arg(QString::fromUtf8(found), QString::fromLatin1(expected)));
    return {};
}

Result<std::unique_ptr<Store>> Store::open(const QString &dir, const Options &options) {
    if (!QDir().mkpath(dir))
        return Result<std::unique_ptr<Store>>::failure(ErrorCode::StoreOpen,
                                                       QStringLiteral("cannot create the data directory %1").arg(dir));
    std::unique_ptr<Store> store(new Store());
    Impl &d = *store->d;
    d.dir = dir;
    d.filter.reset(leveldb::NewBloomFilterPolicy(kBloomBitsPerKey));
    // Capacity 0 is LevelDB's way to cache nothing (a null cache would get
    // an 8 MiB default).
    d.cache.reset(leveldb::NewLRUCache(options.blockCacheBytes));

    leveldb::Options opts;
    opts.create_if_missing = true;
    opts.filter_policy = d.filter.get();
    opts.block_cache = d.cache.get();
    // Table reads must not map files into our RSS; a test Env wraps its own.
    opts.env = options.env ? options.env : preadEnv();
    // compression stays at leveldb's default (snappy when available).
    leveldb::DB *raw = nullptr;
    const leveldb::Status s = leveldb::DB::Open(opts, QDir(dir).absolutePath().toStdString(), &raw);
    if (!s.ok()) {
        // LevelDB reports a held LOCK as an IO error naming the lock file,
        // both for another process and for a second open in this process.
        const QString msg = text(s);
        if (s.IsIOError() && msg.contains(QLatin1String("LOCK"), Qt::CaseInsensitive))
            return Result<std::unique_ptr<Store>>::failure(
                ErrorCode::StoreLocked,
                QStringLiteral("the database in %1 is already in use (another deltanode has it open): %2")
                    .arg(dir, msg));
        return Result<std::unique_ptr<Store>>::failure(
            ErrorCode::StoreOpen, QStringLiteral("cannot open the database in %1: %2").arg(dir, msg));
    }
    d.db.reset(raw);
    if (auto r = checkSchema(raw, dir); !r) return r.error();
    d.committer = std::make_unique<GroupCommitter>(raw);
    qCDebug(lcStore) << "opened" << dir;
    return store;
}

Result<std::optional<QByteArray>> Store::read(const QByteArray &key) const {
    std::optional<QByteArray> queued;
    if (d->committer->lookup(key, &queued)) return queued;
    // Not in the overlay: either never queued, or its group is already in
    // leveldb (entries leave the overlay only after their write).
    std::string value;
    const leveldb::Status s = d->db->Get(leveldb::ReadOptions(), slice(key), &value);
    if (s.ok()) return std::optional<QByteArray>(QByteArray::fromStdString(value));
    if (s.IsNotFound()) return std::optional<QByteArray>();
    // Never "not found": a caller deciding on absence (is this delta new?)
    // would act on a lie, e.g. apply a delta a second time.
    const Error e{ErrorCode::StorageFailed, QStringLiteral("a database read failed: %1").arg(text(s))};
    d->committer->fail(e);
    return e;
}

std::optional<QByteArray> Store::get(const QByteArray &key) const {
    auto r = read(key);
    if (!r) return std::nullopt;  // the store is failed: nothing after this is acknowledged
    return std::move(*r);
}

bool Store::scan(const QByteArray &prefix,
                 const std::function<bool(const QByteArray &, const QByteArray &)> &fn) const {
    flush();
    std::unique_ptr<leveldb::Iterator> it(d->db->NewIterator(leveldb::ReadOptions()));
    for (it->Seek(slice(prefix)); it->Valid(); it->Next()) {
        if (!it->key().starts_with(slice(prefix))) break;
        if (!fn(bytes(it->key()), bytes(it->value()))) break;
    }
    if (it->status().ok()) return true;
    d->committer->fail(
        Error{ErrorCode::StorageFailed, QStringLiteral("a database scan failed: %1").arg(text(it->status()))});
    return false;
}

std::optional<Error> Store::failure() const { return d->committer->failure(); }

bool Store::failed() const { return d->committer->failed(); }

void Store::setFailureHandler(FailureFn fn) { d->committer->setFailureHandler(std::move(fn)); }

uint64_t Store::commit(Batch batch, DoneFn done) { return d->committer->enqueue(std::move(batch), std::move(done)); }

bool Store::commitSync(Batch batch) {
    // The callback runs before the seq counts as durable, so `ok` is set by
    // the time waitDurable returns.
    auto ok = std::make_shared<std::atomic<bool>>(false);
    const uint64_t seq = commit(std::move(batch), [ok](bool r) { ok->store(r); });
    d->committer->waitDurable(seq);
    return ok->load();
}

void Store::flush() const { d->committer->waitDurable(d->committer->lastQueuedSeq()); }

uint64_t Store::durableSeq() const { return d->committer->durableSeq(); }

StoreStats Store::stats() const { return d->committer->stats(); }

leveldb::DB *Store::db() const { return d->db.get(); }

}  // namespace dn
