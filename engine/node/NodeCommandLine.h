#pragma once
// The node options of ARCHITECTURE §1 shared by both node modes, and how they turn
// into a NodeConfig: data dir from --data-dir or --profile (XDG data dir),
// then the config file (--config, else <data dir>/config.toml, written with
// the documented defaults at first start), then the flags on top.
#include "node/NodeConfig.h"
#include <QCommandLineParser>
#include <optional>

namespace dn {

struct NodeArgs {
    bool headless = false;
    QString profile = QStringLiteral("default");
    QString dataDir;     // empty: from the profile
    QString configFile;  // empty: <data dir>/config.toml
    std::optional<QString> apiHost;
    std::optional<int> apiPort;
    std::optional<int> workers;
    QStringList listen;     // replaces [p2p] listen when given
    QStringList bootstrap;  // replaces [p2p] bootstrap when given
};

class NodeCommandLine {
public:
    static void addOptions(QCommandLineParser &parser);
    // Reads the options addOptions() added from a parser that has parsed.
    static Result<NodeArgs> read(const QCommandLineParser &parser);
    // Creates the data dir (0700) and the default config file if needed.
    static Result<NodeConfig> resolve(const NodeArgs &args);
    // ~/.local/share/deltanode/<profile> (XDG_DATA_HOME respected).
    static QString defaultDataDir(const QString &profile);
};

}  // namespace dn
