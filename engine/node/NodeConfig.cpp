#include "node/NodeConfig.h"
#include "node/NodeResources.h"
#include <QFile>
#include <QHostAddress>
#include <QRegularExpression>
#include <functional>
#include <toml++/toml.h>

namespace dn {

namespace {

// One key of the file: where it lives and how it lands in NodeConfig.
// `apply` returns an empty string on success, else what is wrong.
struct Field {
    const char *section;
    const char *key;
    std::function<QString(const toml::node &, NodeConfig &)> apply;
};

QString describe(const toml::node &n) {
    switch (n.type()) {
    case toml::node_type::string: return QStringLiteral("the string \"%1\"").arg(QString::fromStdString(std::string(*n.as_string())));
    case toml::node_type::integer: return QString::number(n.as_integer()->get());
    case toml::node_type::floating_point: return QString::number(n.as_floating_point()->get());
    case toml::node_type::boolean: return n.as_boolean()->get() ? QStringLiteral("true") : QStringLiteral("false");
    case toml::node_type::array: return QStringLiteral("an array");
    case toml::node_type::table: return QStringLiteral("a table");
    default: return QStringLiteral("a date or time");
    }
}

// `scale` converts the file's unit to the member's (seconds → ms: 1000).
template <typename Ref>
Field integer(const char *section, const char *key, int64_t lo, int64_t hi, Ref ref, int64_t scale = 1) {
    return {section, key, [=](const toml::node &n, NodeConfig &c) -> QString {
                const auto v = n.value_exact<int64_t>();
                if (!v || *v < lo || *v > hi)
                    return QStringLiteral("expected an integer from %1 to %2, got %3").arg(lo).arg(hi).arg(describe(n));
                ref(c) = static_cast<std::remove_reference_t<decltype(ref(c))>>(*v * scale);
                return {};
            }};
}

template <typename Ref>
Field bytes(const char *section, const char *key, uint64_t hi, Ref ref) {
    return {section, key, [=](const toml::node &n, NodeConfig &c) -> QString {
                std::optional<uint64_t> v;
                if (auto i = n.value_exact<int64_t>(); i && *i >= 0) v = uint64_t(*i);
                if (auto s = n.value_exact<std::string>()) v = parseByteSize(QString::fromStdString(*s));
                if (!v || *v > hi)
                    return QStringLiteral("expected a byte size up to %1 (an integer, or a string like \"64 MiB\"), got %2")
                        .arg(hi).arg(describe(n));
                ref(c) = *v;
                return {};
            }};
}

template <typename Ref>
Field boolean(const char *section, const char *key, Ref ref) {
    return {section, key, [=](const toml::node &n, NodeConfig &c) -> QString {
                const auto v = n.value_exact<bool>();
                if (!v) return QStringLiteral("expected true or false, got %1").arg(describe(n));
                ref(c) = *v;
                return {};
            }};
}

Field host(const char *section, const char *key) {
    return {section, key, [](const toml::node &n, NodeConfig &c) -> QString {
                const auto v = n.value_exact<std::string>();
                const QString h = v ? QString::fromStdString(*v) : QString();
                if (!v || (h != QLatin1String("localhost") && QHostAddress(h).isNull()))
                    return QStringLiteral("expected an IP address such as \"127.0.0.1\" or \"::1\", got %1").arg(describe(n));
                c.api.host = h;
                return {};
            }};
}

// A list of strings, each checked by `valid` (returns what is wrong, or empty).
template <typename Ref>
Field strings(const char *section, const char *key, std::function<QString(const QString &)> valid, Ref ref) {
    return {section, key, [=](const toml::node &n, NodeConfig &c) -> QString {
                const auto *arr = n.as_array();
                if (!arr) return QStringLiteral("expected an array of strings, got %1").arg(describe(n));
                QStringList out;
                for (const auto &item : *arr) {
                    const auto s = item.value_exact<std::string>();
                    if (!s) return QStringLiteral("expected strings, got %1").arg(describe(item));
                    const QString v = QString::fromStdString(*s);
                    if (const QString why = valid(v); !why.isEmpty()) return QStringLiteral("\"%1\": %2").arg(v, why);
                    out << v;
                }
                ref(c) = out;
                return {};
            }};
}

QString validHostName(const QString &h) {
    static const QRegularExpression re(QStringLiteral("^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$"));
    return re.match(h).hasMatch() ? QString() : QStringLiteral("expected a lower-case host name without port, like \"node.example.org\"");
}

QString validOrigin(const QString &o) {
    static const QRegularExpression re(QStringLiteral("^https?://[a-z0-9.\\-\\[\\]:]+$"));
    return re.match(o).hasMatch() ? QString() : QStringLiteral("expected an origin like \"http://localhost:5173\" (scheme://host[:port], no path)");
}

template <typename Ref>
Field multiaddrs(const char *section, const char *key, bool requirePeer, Ref ref) {
    return {section, key, [=](const toml::node &n, NodeConfig &c) -> QString {
                const auto *arr = n.as_array();
                if (!arr) return QStringLiteral("expected an array of multiaddr strings, got %1").arg(describe(n));
                QStringList out;
                for (const auto &item : *arr) {
                    const auto s = item.value_exact<std::string>();
                    if (!s) return QStringLiteral("expected multiaddr strings, got %1").arg(describe(item));
                    const QString addr = QString::fromStdString(*s);
                    if (const QString why = checkMultiaddr(addr, requirePeer); !why.isEmpty())
                        return QStringLiteral("\"%1\": %2").arg(addr, why);
                    out << addr;
                }
                ref(c) = out;
                return {};
            }};
}

const std::vector<Field> &fields() {
    using C = NodeConfig;
    static const std::vector<Field> f = {
        host("api", "host"),
        integer("api", "port", 0, 65535, [](C &c) -> auto & { return c.api.port; }),
        strings("api", "allowed_hosts", validHostName, [](C &c) -> auto & { return c.api.allowedHosts; }),
        strings("api", "allowed_origins", validOrigin, [](C &c) -> auto & { return c.api.allowedOrigins; }),
        boolean("api", "metrics_public", [](C &c) -> auto & { return c.api.metricsPublic; }),
        integer("api", "max_connections", 8, 65536, [](C &c) -> auto & { return c.api.maxConnections; }),
        integer("api", "header_timeout_s", 1, 3600, [](C &c) -> auto & { return c.api.headerTimeoutS; }),
        integer("api", "idle_timeout_s", 1, 86400, [](C &c) -> auto & { return c.api.idleTimeoutS; }),
        multiaddrs("p2p", "listen", false, [](C &c) -> auto & { return c.p2p.listen; }),
        multiaddrs("p2p", "bootstrap", true, [](C &c) -> auto & { return c.p2p.bootstrap; }),
        boolean("p2p", "mdns", [](C &c) -> auto & { return c.p2p.mdns; }),
        integer("sync", "interval_s", 1, 3600, [](C &c) -> auto & { return c.sync.intervalS; }),
        integer("sync", "frequency_s", 1, 86400, [](C &c) -> auto & { return c.sync.frequencyS; }),
        integer("sync", "max_concurrent", 1, 1000, [](C &c) -> auto & { return c.sync.maxConcurrent; }),
        integer("sync", "timeout_s", 1, 3600, [](C &c) -> auto & { return c.sync.timeoutS; }),
        integer("blob_cache", "max_idle_s", 1, 7 * 86400, [](C &c) -> auto & { return c.blobCache.maxIdleMs; }, 1000),
        integer("blob_cache", "max_entries", 0, 1000000, [](C &c) -> auto & { return c.blobCache.maxEntries; }),
        bytes("blob_cache", "max_bytes", 64ull << 30, [](C &c) -> auto & { return c.blobCache.maxBytes; }),
        bytes("blob_cache", "max_item_bytes", 1ull << 30, [](C &c) -> auto & { return c.blobCache.maxItemBytes; }),
        integer("blob_cache", "eviction_interval_s", 1, 86400, [](C &c) -> auto & { return c.timers.blobEvictionS; }),
        integer("runtime", "workers", 0, 256, [](C &c) -> auto & { return c.runtime.workers; }),
        integer("runtime", "timeout_ms", 10, 600000, [](C &c) -> auto & { return c.runtime.timeoutMs; }),
        integer("runtime", "max_memory_pages", 1, 65536, [](C &c) -> auto & { return c.runtime.maxMemoryPages; }),
        integer("dag", "max_pending", 1, 1000000, [](C &c) -> auto & { return c.dag.maxPending; }),
        integer("dag", "pending_max_age_s", 1, 86400, [](C &c) -> auto & { return c.dag.pendingMaxAgeS; }),
        integer("dag", "cleanup_interval_s", 1, 86400, [](C &c) -> auto & { return c.timers.pendingCleanupS; }),
        integer("timers", "heartbeat_s", 1, 3600, [](C &c) -> auto & { return c.timers.heartbeatS; }),
        integer("timers", "ping_s", 1, 3600, [](C &c) -> auto & { return c.timers.pingS; }),
        integer("timers", "tombstone_gc_interval_h", 1, 720, [](C &c) -> auto & { return c.timers.tombstoneGcIntervalH; }),
        integer("timers", "tombstone_retention_h", 1, 8760, [](C &c) -> auto & { return c.timers.tombstoneRetentionH; }),
    };
    return f;
}

Error configError(const QString &file, const toml::source_region &where, const QString &what) {
    const QString place = where.begin.line ? QStringLiteral("%1:%2").arg(file).arg(where.begin.line) : file;
    return Error{ErrorCode::BadConfig, QStringLiteral("%1: %2").arg(place, what)};
}

}  // namespace

Result<NodeConfig> NodeConfig::fromToml(const QByteArray &text, const QString &fileName) {
    toml::table root;
    try {
        root = toml::parse(std::string_view(text.constData(), size_t(text.size())), fileName.toStdString());
    } catch (const toml::parse_error &e) {
        return configError(fileName, e.source(),
                           QStringLiteral("not valid TOML: %1").arg(QString::fromUtf8(e.description().data(), qsizetype(e.description().size()))));
    }
    NodeConfig c;
    c.configFile = fileName;
    for (auto &&[sectionKey, sectionNode] : root) {
        const std::string section(sectionKey.str());
        const bool known = std::any_of(fields().begin(), fields().end(), [&](const Field &f) { return section == f.section; });
        if (!known)
            return configError(fileName, sectionNode.source(), QStringLiteral("unknown section [%1]").arg(QString::fromStdString(section)));
        const auto *table = sectionNode.as_table();
        if (!table)
            return configError(fileName, sectionNode.source(), QStringLiteral("%1 must be a table ([%1])").arg(QString::fromStdString(section)));
        for (auto &&[key, value] : *table) {
            const std::string k(key.str());
            const auto it = std::find_if(fields().begin(), fields().end(),
                                         [&](const Field &f) { return section == f.section && k == f.key; });
            const QString dotted = QString::fromStdString(section + "." + k);
            if (it == fields().end())
                return configError(fileName, value.source(), QStringLiteral("unknown key %1").arg(dotted));
            if (const QString why = it->apply(value, c); !why.isEmpty())
                return configError(fileName, value.source(), QStringLiteral("%1: %2").arg(dotted, why));
        }
    }
    return c;
}

Result<NodeConfig> NodeConfig::fromFile(const QString &path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{ErrorCode::BadConfig, QStringLiteral("cannot read the config file %1: %2").arg(path, f.errorString())};
    if (f.size() > (1 << 20))
        return Error{ErrorCode::BadConfig, QStringLiteral("the config file %1 is larger than 1 MiB").arg(path)};
    return fromToml(f.readAll(), path);
}

QByteArray NodeConfig::defaultToml() { return QByteArray(kDefaultConfigToml); }

Engine::Options NodeConfig::engineOptions() const {
    Engine::Options o;
    o.dataDir = dataDir;
    o.workers = runtime.workers;
    o.limits.timeout = std::chrono::milliseconds(runtime.timeoutMs);
    o.limits.maxMemoryPages = uint32_t(runtime.maxMemoryPages);
    o.dag.maxPending = size_t(dag.maxPending);
    o.dag.pendingMaxAgeMs = int64_t(dag.pendingMaxAgeS) * 1000;
    o.store = store;
    return o;
}

NetworkConfig NodeConfig::networkConfig() const {
    NetworkConfig n;
    n.listen = p2p.listen;
    n.bootstrap = p2p.bootstrap;
    n.mdns = p2p.mdns;
    n.host.pingIntervalMs = timers.pingS * 1000;
    n.sync.intervalMs = qint64(sync.intervalS) * 1000;
    n.sync.frequencyMs = qint64(sync.frequencyS) * 1000;
    n.sync.maxConcurrent = sync.maxConcurrent;
    n.sync.timeoutMs = qint64(sync.timeoutS) * 1000;
    return n;
}

}  // namespace dn
