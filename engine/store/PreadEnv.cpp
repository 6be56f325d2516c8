#include "store/PreadEnv.h"
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <unistd.h>

namespace dn {
namespace {

class PreadFile final : public leveldb::RandomAccessFile {
public:
    PreadFile(std::string name, int fd) : name_(std::move(name)), fd_(fd) {}
    ~PreadFile() override { ::close(fd_); }

    leveldb::Status Read(uint64_t offset, size_t n, leveldb::Slice *result, char *scratch) const override {
        size_t done = 0;
        while (done < n) {
            const ssize_t r = ::pread(fd_, scratch + done, n - done, off_t(offset + done));
            if (r < 0) {
                if (errno == EINTR) continue;
                *result = leveldb::Slice(scratch, 0);
                return leveldb::Status::IOError(name_, std::strerror(errno));
            }
            if (r == 0) break;  // end of file: a short read, as the default Env reports it
            done += size_t(r);
        }
        *result = leveldb::Slice(scratch, done);
        return leveldb::Status::OK();
    }

private:
    std::string name_;
    int fd_;
};

class PreadEnvImpl final : public leveldb::EnvWrapper {
public:
    PreadEnvImpl() : EnvWrapper(leveldb::Env::Default()) {}
    leveldb::Status NewRandomAccessFile(const std::string &name, leveldb::RandomAccessFile **result) override {
        const int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            *result = nullptr;
            return errno == ENOENT ? leveldb::Status::NotFound(name, std::strerror(errno))
                                   : leveldb::Status::IOError(name, std::strerror(errno));
        }
        *result = new PreadFile(name, fd);
        return leveldb::Status::OK();
    }
};

}  // namespace

leveldb::Env *preadEnv() {
    static auto *env = new PreadEnvImpl();  // LevelDB's default Env is never destroyed either
    return env;
}

}  // namespace dn
