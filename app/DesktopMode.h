#pragma once
// The desktop mode of deltanode (ARCHITECTURE §1): the monitor window over the
// embedded node, which keeps running on its own thread.
#include <QCoreApplication>
#include <memory>

namespace dn {
class NodeThread;
}

namespace desktop {

// A window is opened unless --headless (or --help/--version) is given or
// there is nowhere to show it: no DISPLAY, WAYLAND_DISPLAY or QT_QPA_PLATFORM.
bool wanted(int argc, char **argv);
// The application object for that mode (QGuiApplication for a window).
std::unique_ptr<QCoreApplication> makeApplication(int &argc, char **argv, bool window);
// Shows the monitor over the started node until the window closes or the
// application quits; returns the exit code.
int run(dn::NodeThread &node);

}  // namespace desktop
