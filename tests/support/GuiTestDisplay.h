#pragma once
// GuiTestDisplay: a display on which Qt Quick renders with OpenGL, for GUI
// tests and benchmarks. Construct it before the QGuiApplication.
//
// Why not just QT_QPA_PLATFORM=offscreen: that platform only offers Qt Quick's
// software renderer, which skips custom QSGGeometryNodes — exactly what the
// monitor's graphs are made of. So, unless the caller chose a platform, this
// starts a private Xvfb (Mesa's software OpenGL; it picks a free display
// number itself) and uses the xcb platform on it. Without Xvfb it falls back
// to offscreen; tests then see QSGRendererInterface::Software and can skip.
#include <QByteArray>
#include <QtGlobal>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <poll.h>
#include <string>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace dn::test {

class GuiTestDisplay {
public:
    GuiTestDisplay() {
        if (qEnvironmentVariableIsSet("QT_QPA_PLATFORM")) return;  // the caller decided
        if (!startXvfb()) qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    ~GuiTestDisplay() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    GuiTestDisplay(const GuiTestDisplay &) = delete;
    GuiTestDisplay &operator=(const GuiTestDisplay &) = delete;

private:
    bool startXvfb() {
        int fds[2];
        if (::pipe(fds) != 0) return false;
        pid_ = ::fork();
        if (pid_ < 0) return false;
        if (pid_ == 0) {
            ::close(fds[0]);
            ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive a crashed test
            const int null = ::open("/dev/null", O_RDWR);
            ::dup2(null, 0);
            ::dup2(null, 1);
            ::dup2(null, 2);
            const std::string fd = std::to_string(fds[1]);
            ::execlp("Xvfb", "Xvfb", "-displayfd", fd.c_str(), "-screen", "0", "1920x1200x24", "-nolisten", "tcp",
                     "-noreset", static_cast<char *>(nullptr));
            ::_exit(127);
        }
        ::close(fds[1]);
        // Xvfb writes its display number once it accepts connections.
        std::string number;
        pollfd p{fds[0], POLLIN, 0};
        while (number.find('\n') == std::string::npos) {
            const int ready = ::poll(&p, 1, 15000);
            if (ready < 0 && errno == EINTR) continue;
            char buf[16];
            const ssize_t n = ready > 0 ? ::read(fds[0], buf, sizeof buf) : 0;
            if (n <= 0) break;
            number.append(buf, size_t(n));
        }
        ::close(fds[0]);
        if (number.find('\n') == std::string::npos) {
            ::kill(pid_, SIGTERM);
            ::waitpid(pid_, nullptr, 0);
            pid_ = -1;
            return false;
        }
        number.resize(number.find('\n'));
        qputenv("DISPLAY", QByteArray(":") + QByteArray(number.c_str()));
        qputenv("QT_QPA_PLATFORM", "xcb");
        return true;
    }

    pid_t pid_ = -1;
};

}  // namespace dn::test
