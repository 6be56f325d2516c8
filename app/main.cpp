// deltanode: the node. `--headless` runs it without a window (servers, tests);
// the desktop monitor is the default where a display exists.
#include "context/Engine.h"
#include "SignalWatcher.h"
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>
#include <cstdio>

namespace {

QString defaultDataDir(const QString &profile) {
    // XDG data dir: ~/.local/share/deltanode/<profile>
    const QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    return QDir(base).filePath(QStringLiteral("deltanode/") + profile);
}

}  // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("deltanode"));
    QCoreApplication::setApplicationVersion(QStringLiteral(DN_VERSION));

    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("deltanode: a peer-to-peer node hosting WebAssembly apps in shared contexts"));
    p.addHelpOption();
    p.addVersionOption();
    p.addOptions({
        {QStringLiteral("headless"), QStringLiteral("Run without a window.")},
        {QStringLiteral("profile"), QStringLiteral("Profile name (data in the XDG data dir)."), QStringLiteral("NAME"), QStringLiteral("default")},
        {QStringLiteral("data-dir"), QStringLiteral("Data directory (overrides --profile)."), QStringLiteral("DIR")},
        {QStringLiteral("workers"), QStringLiteral("Executor threads (default: one per core)."), QStringLiteral("N"), QStringLiteral("0")},
    });
    p.process(app);

    const QString dataDir = p.isSet(QStringLiteral("data-dir")) ? p.value(QStringLiteral("data-dir"))
                                                                 : defaultDataDir(p.value(QStringLiteral("profile")));
    dn::Engine::Options opts;
    opts.dataDir = dataDir;
    opts.workers = p.value(QStringLiteral("workers")).toInt();
    auto engine = dn::Engine::open(opts);
    if (!engine) {
        std::fprintf(stderr, "deltanode: %s\n", qPrintable(engine.error().message));
        return 1;
    }
    const auto &id = (*engine)->identity();
    std::printf("deltanode %s\n", DN_VERSION);
    std::printf("peer id:   %s\n", qPrintable(id.peerId()));
    std::printf("data dir:  %s\n", qPrintable(QDir::toNativeSeparators(dataDir)));
    std::printf("contexts:  %zu, apps: %zu\n", (*engine)->contexts().size(), (*engine)->apps().size());
    if (!p.isSet(QStringLiteral("headless")))
        std::printf("note: the desktop monitor is not built yet; running headless\n");
    std::fflush(stdout);

    SignalWatcher signalWatcher;  // SIGINT/SIGTERM → orderly quit; the engine flushes on destruction
    QObject::connect(&signalWatcher, &SignalWatcher::terminate, &app, &QCoreApplication::quit);
    const int rc = app.exec();
    engine->reset();
    return rc;
}
