#include "DesktopMode.h"
#include "MonitorWindow.h"
#include "client/NodeClient.h"
#include "node/Node.h"
#include "node/NodeThread.h"
#include <QGuiApplication>
#include <QQuickWindow>
#include <QtQml/QQmlExtensionPlugin>
#include <cstdio>
#include <cstring>

// The DeltaNode QML module is a static plugin linked into this executable.
Q_IMPORT_QML_PLUGIN(DeltaNodePlugin)

namespace desktop {

bool wanted(int argc, char **argv) {
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        for (const char *flag : {"--headless", "--help", "-h", "--help-all", "--version", "-v"})
            if (std::strcmp(a, flag) == 0) return false;
    }
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") ||
           !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}

std::unique_ptr<QCoreApplication> makeApplication(int &argc, char **argv, bool window) {
    if (!window) return std::make_unique<QCoreApplication>(argc, argv);
    auto app = std::make_unique<QGuiApplication>(argc, argv);
    QGuiApplication::setOrganizationName(QStringLiteral("deltanode"));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("deltanode"));
    // The .desktop entry (packaging/): lets Wayland docks match the window to it.
    QGuiApplication::setDesktopFileName(QStringLiteral("org.deltanode.DeltaNode"));
    return app;
}

int run(dn::NodeThread &node) {
    dn::Node *n = node.node();
    dn::NodeClient::Options options;
    // The phases the node itself measures (the engine's own come with it);
    // any other phase name is one this node does not measure.
    options.phaseHistograms = [n](const QString &phase) -> const dn::Histogram * {
        const auto p = dn::Node::phaseFromName(phase);
        return p ? &n->phaseHistogram(*p) : nullptr;
    };
    dn::NodeClient client(n, options);
    dn::MonitorWindow::configureStyle();
    int rc = 0;
    {
        dn::MonitorWindow window(&client);
        if (auto r = window.load(); !r) {
            std::fprintf(stderr, "deltanode: %s\n", qPrintable(r.error().message));
            return 1;
        }
        rc = QGuiApplication::exec();
    }
    return rc;
}

}  // namespace desktop
