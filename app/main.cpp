// deltanode: the node. `--headless` runs it without a window (servers, tests);
// the desktop monitor is the default where one is built.
//
// Exit codes: 0 after a clean shutdown (SIGINT/SIGTERM), 1 when the node
// cannot start (database, identity, port in use), 2 for bad options or a bad
// config file, 3 when the database failed while running (a LevelDB write or
// read error; ARCHITECTURE "Fail-stop storage"): the node stopped accepting
// changes, shut down cleanly and printed the error on stderr.
#include "SignalWatcher.h"
#ifdef DN_WITH_GUI
#include "DesktopMode.h"
#endif
#include "node/NodeCommandLine.h"
#include "node/NodeThread.h"
#include "node/ProcessLimits.h"
#include <QCoreApplication>
#include <QDir>
#include <QLoggingCategory>
#include <cstdio>
#include <memory>

namespace {

void printStarted(const dn::NodeStatus &s, const dn::NodeConfig &config, const QString &tokenFile,
                  const dn::FileLimit &files) {
    std::printf("deltanode %s\n", qPrintable(s.version));
    std::printf("peer id:  %s\n", qPrintable(s.peerId.toBase58()));
    for (const QString &a : s.addresses)
        std::printf("p2p:      %s\n", qPrintable(a));
    // Tests and scripts parse this line: keep its shape.
    if (!s.apiUrl.isEmpty()) std::printf("api: %s\n", qPrintable(s.apiUrl));
    std::printf("token:    %s\n", qPrintable(QDir::toNativeSeparators(tokenFile)));
    std::printf("data dir: %s\n", qPrintable(QDir::toNativeSeparators(config.dataDir)));
    std::printf("config:   %s\n", qPrintable(QDir::toNativeSeparators(config.configFile)));
    if (files.raised())
        std::printf("files:    open-file limit raised from %llu to %llu (hard limit %llu)\n", (unsigned long long)files.before,
                    (unsigned long long)files.soft, (unsigned long long)files.hard);
    else
        std::printf("files:    open-file limit %llu (hard limit %llu)\n", (unsigned long long)files.soft,
                    (unsigned long long)files.hard);
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char **argv) {
#ifdef DN_WITH_GUI
    const bool window = desktop::wanted(argc, argv);
    const std::unique_ptr<QCoreApplication> application = desktop::makeApplication(argc, argv, window);
#else
    const bool window = false;
    const auto application = std::make_unique<QCoreApplication>(argc, argv);
#endif
    QCoreApplication &app = *application;
    // Debug output only on request (QT_LOGGING_RULES="dn.*.debug=true"
    // overrides this): a daemon's log should stay readable.
    QLoggingCategory::setFilterRules(QStringLiteral("*.debug=false"));
    QCoreApplication::setApplicationName(QStringLiteral("deltanode"));
    QCoreApplication::setApplicationVersion(QStringLiteral(DN_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("deltanode: a peer-to-peer node hosting WebAssembly apps in shared contexts"));
    parser.addHelpOption();
    parser.addVersionOption();
    dn::NodeCommandLine::addOptions(parser);
    if (!parser.parse(QCoreApplication::arguments())) {
        std::fprintf(stderr, "deltanode: %s\n", qPrintable(parser.errorText()));
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) parser.showHelp(0);
    if (parser.isSet(QStringLiteral("version"))) parser.showVersion();
    if (!parser.positionalArguments().isEmpty()) {
        std::fprintf(stderr, "deltanode: unexpected argument '%s' (see --help)\n", qPrintable(parser.positionalArguments().first()));
        return 2;
    }
    auto args = dn::NodeCommandLine::read(parser);
    auto config = args ? dn::NodeCommandLine::resolve(*args) : dn::Result<dn::NodeConfig>(args.error());
    if (!config) {
        std::fprintf(stderr, "deltanode: %s\n", qPrintable(config.error().message));
        return 2;
    }

    // Before anything opens sockets: the API sizes its connection cap by it.
    const dn::FileLimit files = dn::raiseFileLimit();
    SignalWatcher signalWatcher;  // installed before the node starts: no signal is lost
    dn::NodeThread node(*config);
    if (auto r = node.start(); !r) {
        std::fprintf(stderr, "deltanode: %s\n", qPrintable(r.error().message));
        return 1;
    }
    dn::NodeStatus status;
    QString tokenFile;
    QString storageFailure;  // fail-stop: set on the main thread, exit code 3
    node.call([&](dn::Node &n) {
        status = n.status();
        tokenFile = n.apiTokenFile();
        QObject::connect(&n, &dn::Node::storageFailed, &app, [&storageFailure, window](const QString &message) {
            storageFailure = message;
            if (!window) QCoreApplication::exit(3);  // the window shows a banner until it is closed
        }, Qt::QueuedConnection);
        if (!n.storageFailure().isEmpty()) storageFailure = n.storageFailure();
    });
    printStarted(status, *config, tokenFile, files);
#ifdef DN_WITH_GUI
    if (!args->headless && !window) std::printf("note: no display found; running headless\n");
#else
    if (!args->headless)
        std::printf("note: the desktop monitor is not part of this build; running headless\n");
#endif
    std::fflush(stdout);

    QObject::connect(&signalWatcher, &SignalWatcher::terminate, &app, [](int sig) {
        std::fprintf(stderr, "deltanode: signal %d, shutting down\n", sig);
        QCoreApplication::quit();
    });
#ifdef DN_WITH_GUI
    if (window) {
        // The window shows a storage failure as a banner and stays until closed.
        if (desktop::run(node) != 0 && storageFailure.isEmpty()) {
            node.stop();
            return 1;
        }
    } else
#endif
        if (storageFailure.isEmpty()) app.exec();
    node.stop();  // API closed, background jobs finished, engine flushed
    if (!storageFailure.isEmpty()) {
        std::fprintf(stderr, "deltanode: storage failed: %s\n", qPrintable(storageFailure));
        std::fprintf(stderr, "deltanode: stopped; no change was accepted after the failure, every acknowledged one is safe\n");
        return 3;
    }
    std::fprintf(stderr, "deltanode: stopped\n");
    return 0;
}
