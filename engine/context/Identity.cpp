#include "context/Identity.h"
#include "store/DirSync.h"
#include <QDir>
#include <QFile>
#include <QSaveFile>

namespace dn {

Result<Identity> Identity::loadOrCreate(const QString &dataDir) {
    const QString path = QDir(dataDir).filePath(QStringLiteral("identity.key"));
    QFile f(path);
    if (f.exists()) {
        if (!f.open(QIODevice::ReadOnly))
            return Error{ErrorCode::Identity, QStringLiteral("cannot read %1: %2").arg(path, f.errorString())};
        const QByteArray seed = QByteArray::fromHex(f.readAll().trimmed());
        auto key = Ed25519Key::fromSeed(seed);
        if (!key)
            return Error{ErrorCode::Identity, QStringLiteral("%1 does not hold a valid Ed25519 key").arg(path)};
        return Identity(std::move(*key));
    }
    QDir().mkpath(dataDir);
    Ed25519Key key = Ed25519Key::generate();
    QSaveFile out(path);
    // Owner-only before any byte of the secret is written.
    if (!out.open(QIODevice::WriteOnly) ||
        !out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return Error{ErrorCode::Identity, QStringLiteral("cannot create %1: %2").arg(path, out.errorString())};
    out.write(key.seed().toHex());
    out.write("\n");
    if (!out.commit())
        return Error{ErrorCode::Identity, QStringLiteral("cannot write %1: %2").arg(path, out.errorString())};
    // The rename into place is durable only once the directory is synced.
    if (auto r = syncParentDirectory(path); !r) return Error{ErrorCode::Identity, r.error().message};
    return Identity(std::move(key));
}

}  // namespace dn
