#include "node/ApiToken.h"
#include "crypto/Random.h"
#include "store/DirSync.h"
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace dn {

namespace {
bool wellFormed(const QString &t) {
    static const QRegularExpression re(QStringLiteral("^[0-9a-f]{64}$"));
    return re.match(t).hasMatch();
}
}  // namespace

Result<ApiToken> ApiToken::loadOrCreate(const QString &dataDir) {
    const QString path = QDir(dataDir).filePath(QStringLiteral("api.token"));
    QFile existing(path);
    if (existing.exists()) {
        if (!existing.open(QIODevice::ReadOnly))
            return Error{ErrorCode::Io, QStringLiteral("cannot read the API token %1: %2").arg(path, existing.errorString())};
        const QString t = QString::fromLatin1(existing.read(256)).trimmed();
        if (!wellFormed(t))
            return Error{ErrorCode::BadTokenFile, QStringLiteral("%1 does not hold an API token (64 hex digits); delete it to get a new one").arg(path)};
        return ApiToken{t, path};
    }
    const QString token = QString::fromLatin1(randomBytes(32).toHex());
    // Created 0600 from the start (O_EXCL): never readable by others, not
    // even for a moment, and never clobbering a file another process wrote.
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return Error{ErrorCode::Io, QStringLiteral("cannot create the API token %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)))};
    const QByteArray line = token.toLatin1() + '\n';
    const bool ok = ::write(fd, line.constData(), size_t(line.size())) == line.size() && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
        QFile::remove(path);
        return Error{ErrorCode::Io, QStringLiteral("cannot write the API token %1").arg(path)};
    }
    // The new name is durable only once the directory is synced.
    if (auto r = syncParentDirectory(path); !r) return r.error();
    return ApiToken{token, path};
}

}  // namespace dn
