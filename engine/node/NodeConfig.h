#pragma once
// Every tunable of the node (ARCHITECTURE §1, §9–§11), read from a TOML file.
// The documented defaults live in resources/deltanode.toml, which is compiled
// in (defaultToml()) and written to <data dir>/config.toml at first start, so
// the file a person edits always explains itself. The member defaults below
// are the same values; a test keeps the two in agreement.
#include "blob/BlobCache.h"
#include "context/Engine.h"
#include "network/NetworkConfig.h"
#include "node/ConfigValues.h"
#include "util/Result.h"
#include <QString>
#include <QStringList>

namespace dn {

struct NodeConfig {
    QString dataDir;     // resolved by NodeCommandLine, not read from the file
    QString configFile;  // the file the values came from (empty: defaults only)

    struct Api {
        QString host = QStringLiteral("127.0.0.1");
        int port = 2528;  // 0 = any free port
        QStringList allowedHosts;    // Host names served besides IP literals and localhost
        QStringList allowedOrigins;  // browser origins that may call the API
        bool metricsPublic = false;  // GET /metrics without the token
        int maxConnections = 256;
        int headerTimeoutS = 10;
        int idleTimeoutS = 120;
        bool operator==(const Api &) const = default;
    } api;
    struct P2p {
        QStringList listen{QStringLiteral("/ip4/0.0.0.0/tcp/2428")};
        QStringList bootstrap;
        bool mdns = false;  // LAN discovery: not implemented yet (optional in ARCHITECTURE §9)
        bool operator==(const P2p &) const = default;
    } p2p;
    struct Sync {
        int intervalS = 5;
        int frequencyS = 10;
        int maxConcurrent = 30;
        int timeoutS = 30;
        bool operator==(const Sync &) const = default;
    } sync;
    BlobCacheLimits blobCache;
    struct Runtime {
        int workers = 0;  // 0 = one per core
        int timeoutMs = 1000;
        int maxMemoryPages = 1024;
        bool operator==(const Runtime &) const = default;
    } runtime;
    struct Dag {
        int maxPending = 10000;
        int pendingMaxAgeS = 300;
        bool operator==(const Dag &) const = default;
    } dag;
    struct Timers {
        int blobEvictionS = 300;  // [blob_cache] eviction_interval_s
        int pendingCleanupS = 60; // [dag] cleanup_interval_s
        int heartbeatS = 30;
        int pingS = 15;
        int tombstoneGcIntervalH = 12;
        int tombstoneRetentionH = 24;
        bool operator==(const Timers &) const = default;
    } timers;
    // The database's Env and block cache: not in the file; embedders and
    // tests (a failing Env, ARCHITECTURE "Fail-stop storage") set them.
    Store::Options store;

    // Parses TOML text. Unknown keys, wrong types and out-of-range values are
    // refused; the message names the file, line and key. Keys absent from
    // the text keep their defaults.
    static Result<NodeConfig> fromToml(const QByteArray &text, const QString &fileName);
    // Reads a file with fromToml().
    static Result<NodeConfig> fromFile(const QString &path);
    // The documented default file (resources/deltanode.toml).
    static QByteArray defaultToml();

    Engine::Options engineOptions() const;
    NetworkConfig networkConfig() const;
    bool operator==(const NodeConfig &) const = default;
};

}  // namespace dn
