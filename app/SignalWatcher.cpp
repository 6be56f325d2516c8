#include "SignalWatcher.h"
#include <csignal>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {
int g_fds[2] = {-1, -1};
volatile sig_atomic_t g_received = 0;
void onSignal(int sig) {
    // A second signal while the first one's orderly shutdown runs means the
    // person wants out now: leave without flushing (what is durable stays so).
    if (g_received) {
        static const char msg[] = "deltanode: second signal, exiting immediately\n";
        [[maybe_unused]] auto n = ::write(2, msg, sizeof msg - 1);
        ::_exit(128 + sig);
    }
    g_received = 1;
    const char c = char(sig);
    [[maybe_unused]] auto n = ::write(g_fds[0], &c, 1);  // async-signal-safe
}
}  // namespace

SignalWatcher::SignalWatcher(QObject *parent) : QObject(parent) {
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, g_fds) != 0) return;
    notifier_ = new QSocketNotifier(g_fds[1], QSocketNotifier::Read, this);
    connect(notifier_, &QSocketNotifier::activated, this, [this] {
        char c = 0;
        if (::read(g_fds[1], &c, 1) == 1) emit terminate(int(c));
    });
    struct sigaction sa {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}
