#pragma once
// Opens the monitor: the Monitor singleton over a NodeClient, a QML engine,
// and Main.qml of the DeltaNode module. Shared by the app's desktop mode and
// the GUI tests, so both run exactly the same window. The executable must
// import the static QML plugin (Q_IMPORT_QML_PLUGIN(DeltaNodePlugin)).
#include "util/Result.h"
#include <QQmlApplicationEngine>
#include <memory>

class QQuickWindow;

namespace dn {

class Monitor;
class NodeClient;

class MonitorWindow {
public:
    // `client` may be null (a window without a node, for previews).
    explicit MonitorWindow(NodeClient *client);
    ~MonitorWindow();

    // Quick Controls style (Fusion, which follows the palette the pages set
    // for light and dark) unless QT_QUICK_CONTROLS_STYLE says otherwise.
    // Call before the first QML engine exists.
    static void configureStyle();

    Result<void> load();
    QQuickWindow *window() const;
    QQmlApplicationEngine &engine() { return *engine_; }
    Monitor *monitor() const { return monitor_.get(); }

private:
    std::unique_ptr<Monitor> monitor_;
    std::unique_ptr<QQmlApplicationEngine> engine_;
    QStringList warnings_;
};

}  // namespace dn
