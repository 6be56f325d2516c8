#pragma once
// A LevelDB Env that fails on command, for the fail-stop storage tests
// (ARCHITECTURE "Fail-stop storage"). It wraps the default Env; until armed
// it changes nothing.
//
//   failWritesAfter(n): the next n write operations (Append, Flush, Sync of
//   any file LevelDB writes) succeed, every later one fails with an IO error
//   and writes nothing.
//   failReadsAfter(n): the same for reads of table files (RandomAccessFile).
//   heal(): back to normal (a failed store must stay failed regardless).
//
// Table reads are served from LevelDB's block cache when it holds the block:
// open the store with StoreOptions::blockCacheBytes = 0 so reads reach the Env.
#include <leveldb/env.h>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace dn::test {

class FailingEnv final : public leveldb::EnvWrapper {
public:
    static constexpr int64_t kNever = -1;

    FailingEnv() : EnvWrapper(leveldb::Env::Default()) {}

    void failWritesAfter(int64_t n) { writesLeft_.store(n); }
    void failReadsAfter(int64_t n) { readsLeft_.store(n); }
    void heal() {
        writesLeft_.store(kNever);
        readsLeft_.store(kNever);
    }
    int64_t failedWrites() const { return failedWrites_.load(); }
    int64_t failedReads() const { return failedReads_.load(); }

    leveldb::Status NewWritableFile(const std::string &f, leveldb::WritableFile **r) override {
        leveldb::WritableFile *inner = nullptr;
        leveldb::Status s = target()->NewWritableFile(f, &inner);
        *r = s.ok() ? new Writable(this, f, inner) : nullptr;
        return s;
    }
    leveldb::Status NewAppendableFile(const std::string &f, leveldb::WritableFile **r) override {
        leveldb::WritableFile *inner = nullptr;
        leveldb::Status s = target()->NewAppendableFile(f, &inner);
        *r = s.ok() ? new Writable(this, f, inner) : nullptr;
        return s;
    }
    leveldb::Status NewRandomAccessFile(const std::string &f, leveldb::RandomAccessFile **r) override {
        leveldb::RandomAccessFile *inner = nullptr;
        leveldb::Status s = target()->NewRandomAccessFile(f, &inner);
        *r = s.ok() ? new Readable(this, f, inner) : nullptr;
        return s;
    }

private:
    // One operation against the budget `left`: false once it is spent.
    static bool allow(std::atomic<int64_t> &left, std::atomic<int64_t> &failed) {
        int64_t n = left.load();
        for (;;) {
            if (n == kNever) return true;
            if (n == 0) {
                failed.fetch_add(1);
                return false;
            }
            if (left.compare_exchange_weak(n, n - 1)) return true;
        }
    }
    bool allowWrite() { return allow(writesLeft_, failedWrites_); }
    bool allowRead() { return allow(readsLeft_, failedReads_); }

    class Writable final : public leveldb::WritableFile {
    public:
        Writable(FailingEnv *env, std::string name, leveldb::WritableFile *inner)
            : env_(env), name_(std::move(name)), inner_(inner) {}
        leveldb::Status Append(const leveldb::Slice &data) override {
            if (!env_->allowWrite()) return leveldb::Status::IOError(name_, "injected write error");
            return inner_->Append(data);
        }
        leveldb::Status Close() override { return inner_->Close(); }
        leveldb::Status Flush() override {
            if (!env_->allowWrite()) return leveldb::Status::IOError(name_, "injected write error");
            return inner_->Flush();
        }
        leveldb::Status Sync() override {
            if (!env_->allowWrite()) return leveldb::Status::IOError(name_, "injected sync error");
            return inner_->Sync();
        }

    private:
        FailingEnv *env_;
        std::string name_;
        std::unique_ptr<leveldb::WritableFile> inner_;
    };

    class Readable final : public leveldb::RandomAccessFile {
    public:
        Readable(FailingEnv *env, std::string name, leveldb::RandomAccessFile *inner)
            : env_(env), name_(std::move(name)), inner_(inner) {}
        leveldb::Status Read(uint64_t offset, size_t n, leveldb::Slice *result, char *scratch) const override {
            if (!env_->allowRead()) {
                *result = leveldb::Slice(scratch, 0);
                return leveldb::Status::IOError(name_, "injected read error");
            }
            return inner_->Read(offset, n, result, scratch);
        }

    private:
        FailingEnv *env_;
        std::string name_;
        std::unique_ptr<leveldb::RandomAccessFile> inner_;
    };

    std::atomic<int64_t> writesLeft_{kNever};
    std::atomic<int64_t> readsLeft_{kNever};
    std::atomic<int64_t> failedWrites_{0};
    std::atomic<int64_t> failedReads_{0};
};

}  // namespace dn::test
