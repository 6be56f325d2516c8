#include "MonitorWindow.h"
#include "Monitor.h"
#include <QLoggingCategory>
#include <QQuickStyle>
#include <QQuickWindow>

Q_LOGGING_CATEGORY(lcWindow, "dn.ui.window")

namespace dn {

MonitorWindow::MonitorWindow(NodeClient *client) : monitor_(std::make_unique<Monitor>(client)) {
    Monitor::setInstance(monitor_.get());
    engine_ = std::make_unique<QQmlApplicationEngine>();
    // Qt 6.4 puts the module's files under qrc:/DeltaNode (no /qt/qml prefix yet).
    engine_->addImportPath(QStringLiteral("qrc:/"));
    // QML warnings go to our log category (and so to the Log page), once.
    engine_->setOutputWarningsToStandardError(false);
    QObject::connect(engine_.get(), &QQmlApplicationEngine::warnings, engine_.get(), [this](const QList<QQmlError> &ws) {
        for (const QQmlError &w : ws) {
            warnings_ << w.toString();
            qCWarning(lcWindow).noquote() << w.toString();
        }
    });
}

MonitorWindow::~MonitorWindow() {
    // QML first: its bindings still read the Monitor while being torn down.
    engine_.reset();
    Monitor::setInstance(nullptr);
    monitor_.reset();
}

void MonitorWindow::configureStyle() {
    if (qEnvironmentVariableIsEmpty("QT_QUICK_CONTROLS_STYLE")) QQuickStyle::setStyle(QStringLiteral("Fusion"));
}

Result<void> MonitorWindow::load() {
    engine_->load(QUrl(QStringLiteral("qrc:/DeltaNode/Main.qml")));
    if (!window())
        return Error{ErrorCode::Internal, QStringLiteral("the monitor's QML did not load: %1")
                                                .arg(warnings_.isEmpty() ? QStringLiteral("no window") : warnings_.join(QLatin1String("; ")))};
    return {};
}

QQuickWindow *MonitorWindow::window() const {
    const auto roots = engine_->rootObjects();
    return roots.isEmpty() ? nullptr : qobject_cast<QQuickWindow *>(roots.first());
}

}  // namespace dn
