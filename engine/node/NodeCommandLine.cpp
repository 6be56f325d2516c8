#include "node/NodeCommandLine.h"
#include "store/DirSync.h"
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>

Q_LOGGING_CATEGORY(lcNodeConfig, "dn.node.config")

namespace dn {

namespace {

Error flagError(const char *flag, const QString &what) {
    return Error{ErrorCode::InvalidArgument, QStringLiteral("--%1: %2").arg(QLatin1String(flag), what)};
}

Result<int> intFlag(const QCommandLineParser &p, const char *flag, int lo, int hi) {
    const QString raw = p.value(QLatin1String(flag));
    bool ok = false;
    const int v = raw.trimmed().toInt(&ok);
    if (!ok || v < lo || v > hi)
        return flagError(flag, QStringLiteral("expected an integer from %1 to %2, got '%3'").arg(lo).arg(hi).arg(raw));
    return v;
}

// Repeated flags and comma-separated values both work: `--bootstrap a,b`.
QStringList listFlag(const QCommandLineParser &p, const char *flag) {
    QStringList out;
    for (const QString &v : p.values(QLatin1String(flag)))
        for (const QString &part : v.split(QLatin1Char(','), Qt::SkipEmptyParts)) out << part.trimmed();
    return out;
}

Result<void> makePrivateDir(const QString &dir) {
    const bool existed = QFileInfo::exists(dir);
    if (!QDir().mkpath(dir)) return Error{ErrorCode::Io, QStringLiteral("cannot create the data directory %1").arg(dir)};
    // Keys and the API token live here: only the owner may look inside.
    if (!existed) QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return {};
}

}  // namespace

void NodeCommandLine::addOptions(QCommandLineParser &p) {
    p.addOptions({
        {QStringLiteral("headless"), QStringLiteral("Run without a window.")},
        {QStringLiteral("profile"), QStringLiteral("Profile name; its data lives in the XDG data dir (default: default)."),
         QStringLiteral("NAME"), QStringLiteral("default")},
        {QStringLiteral("data-dir"), QStringLiteral("Data directory (instead of the profile's)."), QStringLiteral("DIR")},
        {QStringLiteral("config"), QStringLiteral("Config file (default: <data dir>/config.toml)."), QStringLiteral("FILE")},
        {QStringLiteral("listen"), QStringLiteral("p2p listen multiaddr, e.g. /ip4/127.0.0.1/tcp/2428 (repeatable)."),
         QStringLiteral("MULTIADDR")},
        {QStringLiteral("bootstrap"), QStringLiteral("Peer to dial at start, /…/tcp/PORT/p2p/PEER_ID (repeatable)."),
         QStringLiteral("MULTIADDR")},
        {QStringLiteral("api-host"), QStringLiteral("API listen address (default 127.0.0.1)."), QStringLiteral("ADDR")},
        {QStringLiteral("api-port"), QStringLiteral("API port; 0 picks a free one (default 2528)."), QStringLiteral("PORT")},
        {QStringLiteral("workers"), QStringLiteral("WASM executor threads; 0 = one per core."), QStringLiteral("N")},
    });
}

Result<NodeArgs> NodeCommandLine::read(const QCommandLineParser &p) {
    NodeArgs a;
    a.headless = p.isSet(QStringLiteral("headless"));
    a.profile = p.value(QStringLiteral("profile"));
    if (p.isSet(QStringLiteral("data-dir"))) a.dataDir = p.value(QStringLiteral("data-dir"));
    if (p.isSet(QStringLiteral("config"))) a.configFile = p.value(QStringLiteral("config"));
    if (p.isSet(QStringLiteral("api-host"))) a.apiHost = p.value(QStringLiteral("api-host"));
    if (p.isSet(QStringLiteral("api-port"))) {
        auto v = intFlag(p, "api-port", 0, 65535);
        if (!v) return v.error();
        a.apiPort = *v;
    }
    if (p.isSet(QStringLiteral("workers"))) {
        auto v = intFlag(p, "workers", 0, 256);
        if (!v) return v.error();
        a.workers = *v;
    }
    a.listen = listFlag(p, "listen");
    a.bootstrap = listFlag(p, "bootstrap");
    return a;
}

QString NodeCommandLine::defaultDataDir(const QString &profile) {
    const QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    return QDir(base).filePath(QStringLiteral("deltanode/") + profile);
}

Result<NodeConfig> NodeCommandLine::resolve(const NodeArgs &a) {
    QString dataDir = a.dataDir;
    if (dataDir.isEmpty()) {
        static const QRegularExpression name(QStringLiteral("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$"));
        if (!name.match(a.profile).hasMatch())
            return flagError("profile", QStringLiteral("'%1' is not a profile name (letters, digits, '.', '_', '-'; "
                                                       "not starting with '.')").arg(a.profile));
        dataDir = defaultDataDir(a.profile);
    }
    dataDir = QDir::cleanPath(QDir::current().absoluteFilePath(dataDir));
    if (auto r = makePrivateDir(dataDir); !r) return r.error();

    QString file = a.configFile;
    if (file.isEmpty()) {
        file = QDir(dataDir).filePath(QStringLiteral("config.toml"));
        if (!QFileInfo::exists(file)) {
            QSaveFile out(file);
            if (!out.open(QIODevice::WriteOnly) || out.write(NodeConfig::defaultToml()) < 0 || !out.commit())
                return Error{ErrorCode::Io, QStringLiteral("cannot write the default config file %1: %2").arg(file, out.errorString())};
            if (auto r = syncParentDirectory(file); !r) return r.error();
            qCInfo(lcNodeConfig) << "wrote the default configuration to" << file;
        }
    }
    auto config = NodeConfig::fromFile(file);
    if (!config) return config.error();
    NodeConfig c = std::move(*config);
    c.dataDir = dataDir;

    if (a.apiHost) {
        if (*a.apiHost != QLatin1String("localhost") && QHostAddress(*a.apiHost).isNull())
            return flagError("api-host", QStringLiteral("'%1' is not an IP address").arg(*a.apiHost));
        c.api.host = *a.apiHost;
    }
    if (a.apiPort) c.api.port = *a.apiPort;
    if (a.workers) c.runtime.workers = *a.workers;
    for (const QString &addr : a.listen)
        if (const QString why = checkMultiaddr(addr, false); !why.isEmpty())
            return flagError("listen", QStringLiteral("'%1': %2").arg(addr, why));
    for (const QString &addr : a.bootstrap)
        if (const QString why = checkMultiaddr(addr, true); !why.isEmpty())
            return flagError("bootstrap", QStringLiteral("'%1': %2").arg(addr, why));
    if (!a.listen.isEmpty()) c.p2p.listen = a.listen;
    if (!a.bootstrap.isEmpty()) c.p2p.bootstrap = a.bootstrap;
    return c;
}

}  // namespace dn
