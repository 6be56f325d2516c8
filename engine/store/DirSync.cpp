#include "store/DirSync.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace dn {

Result<void> syncDirectory(const QString &dir) {
    const QByteArray native = QFile::encodeName(dir);
    int fd;
    do {
        fd = ::open(native.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return Error{ErrorCode::Io, QStringLiteral("cannot open the directory %1 to sync it: %2")
                                        .arg(dir, QString::fromLocal8Bit(std::strerror(errno)))};
    int r;
    do {
        r = ::fsync(fd);
    } while (r != 0 && errno == EINTR);
    const int err = errno;
    ::close(fd);
    if (r != 0)
        return Error{ErrorCode::Io,
                     QStringLiteral("cannot sync the directory %1: %2").arg(dir, QString::fromLocal8Bit(std::strerror(err)))};
    return {};
}

Result<void> syncParentDirectory(const QString &file) {
    return syncDirectory(QFileInfo(file).absoluteDir().absolutePath());
}

}  // namespace dn
