// GUI benchmark (not part of the default suite; issue 5, acceptance 5).
// A window shows a DagGraphItem holding 10 000 deltas while a timer appends
// 1 000 deltas/s to its model, as a busy node would, and the frames are timed.
//   build/tests/bench_gui [--seconds N] [--rate DELTAS_PER_S] [--ticks-per-s N]
//
// gui_frame_time: the work of producing one frame — polish (the item lays
// out) + scene-graph sync (meshes copied out; the GUI thread is blocked) +
// render (beforeRendering -> afterRendering). Target: p99 < 16 ms.
// Also printed: gui_blocked (polish start to sync end, which adds the wait for
// the render thread to finish the previous frame), the interval between
// swaps, the cost of the model appends themselves, and gui_frame_cpu: the
// same work as gui_frame_time in thread CPU time, which stays meaningful when
// other processes crowd the cores.
//
// Two scenarios run: "follow" (zoom 1 following the heads, the DAG page's
// default) and "overview" (zoomed out until every delta is on screen).
// Rendering is OpenGL on a private Xvfb (Mesa llvmpipe: rasterising in
// software on the same cores) unless QT_QPA_PLATFORM is set.
#include "GuiTestDisplay.h"
#include "SyntheticDag.h"
#include "items/DagGraphItem.h"
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QQuickWindow>
#include <QStandardItemModel>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <utility>
#include <vector>

using namespace dn;

namespace {

QElapsedTimer clock_;
double nowMs() { return double(clock_.nsecsElapsed()) / 1e6; }
// CPU time of the calling thread: unlike wall time it does not count the
// moments the thread waited for a core (other processes share the machine).
double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

void report(const char *scenario, const char *name, double value, const char *unit, const QString &note = {}) {
    std::printf("{\"metric\":\"%s\",\"scenario\":\"%s\",\"value\":%.3f,\"unit\":\"%s\"%s}\n", name, scenario, value,
                unit, note.isEmpty() ? "" : qPrintable(QStringLiteral(",\"note\":\"%1\"").arg(note)));
    std::fflush(stdout);
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size())))];
}

// One frame's timestamps, filled in by the GUI thread (polish) and the
// render thread (sync, render) under a lock. With the threaded render loop
// the GUI thread may polish frame N+1 while frame N renders, hence two.
struct Frame {
    double polishStart = -1, polishEnd = -1, syncStart = -1, syncEnd = -1, renderStart = -1;
    double cpu = 0, syncCpu = -1, renderCpu = -1;  // thread CPU ms: total so far, stage starts
};

struct Samples {
    std::mutex lock;
    bool measuring = false;
    Frame pending, rendering;
    std::vector<double> frameTime, frameCpu, blocked, polish, sync, render, interval, append;
};

// Stamps the item's polish: the GUI thread's first work on a frame.
class TimedDagItem : public DagGraphItem {
public:
    Samples *samples = nullptr;

protected:
    void updatePolish() override {
        const double t0 = nowMs(), c0 = threadCpuMs();
        DagGraphItem::updatePolish();
        const double t1 = nowMs(), c1 = threadCpuMs();
        std::lock_guard g(samples->lock);
        samples->pending = Frame{};
        samples->pending.polishStart = t0;
        samples->pending.polishEnd = t1;
        samples->pending.cpu = c1 - c0;
    }
};

void runScenario(const char *name, bool overview, int seconds, int rate, int ticksPerSecond) {
    Samples s;
    QQuickWindow window;
    window.setColor(QColor(0xf8, 0xfa, 0xfc));
    window.resize(1280, 800);
    QStandardItemModel model;
    test::SyntheticDag dag(&model, 20, 42);
    dag.append(10000);
    auto *item = new TimedDagItem;
    item->samples = &s;
    item->setParentItem(window.contentItem());
    item->setSize(window.size());
    item->setModel(&model);
    if (overview)  // just enough zoom for every generation to fit the width
        item->setZoom(std::max(DagGraphItem::kMinZoom, 1280.0 / ((dag.maxGeneration() + 4) * 36.0)));

    double lastSwap = -1;
    auto stamp = [&](auto &&f) {
        return [&s, f] {
            std::lock_guard g(s.lock);
            f(nowMs());
        };
    };
    QObject::connect(&window, &QQuickWindow::beforeSynchronizing, &window,
                     stamp([&](double t) {
                         s.pending.syncStart = t;
                         s.pending.syncCpu = threadCpuMs();
                     }), Qt::DirectConnection);
    QObject::connect(&window, &QQuickWindow::afterSynchronizing, &window,
                     stamp([&](double t) {
                         s.pending.syncEnd = t;
                         s.pending.cpu += threadCpuMs() - s.pending.syncCpu;
                         s.rendering = std::exchange(s.pending, Frame{});
                     }), Qt::DirectConnection);
    QObject::connect(&window, &QQuickWindow::beforeRendering, &window,
                     stamp([&](double t) {
                         s.rendering.renderStart = t;
                         s.rendering.renderCpu = threadCpuMs();
                     }), Qt::DirectConnection);
    QObject::connect(&window, &QQuickWindow::afterRendering, &window, stamp([&](double t) {
        Frame &f = s.rendering;
        // Only frames the item took part in (it polishes on every change).
        if (s.measuring && f.polishStart >= 0 && f.syncEnd >= 0 && f.renderStart >= 0) {
            const double polish = f.polishEnd - f.polishStart, sync = f.syncEnd - f.syncStart;
            const double render = t - f.renderStart;
            s.polish.push_back(polish);
            s.sync.push_back(sync);
            s.render.push_back(render);
            s.frameTime.push_back(polish + sync + render);
            s.frameCpu.push_back(f.cpu + threadCpuMs() - f.renderCpu);
            s.blocked.push_back(f.syncEnd - f.polishStart);
        }
        f = Frame{};
    }), Qt::DirectConnection);
    QObject::connect(&window, &QQuickWindow::frameSwapped, &window, stamp([&](double t) {
        if (s.measuring && lastSwap >= 0) s.interval.push_back(t - lastSwap);
        lastSwap = t;
    }), Qt::DirectConnection);

    window.show();
    // The node's load: `rate` deltas a second in evenly spaced batches.
    QTimer load;
    load.setTimerType(Qt::PreciseTimer);
    const int perTick = std::max(1, rate / ticksPerSecond);
    QObject::connect(&load, &QTimer::timeout, &window, [&] {
        const double t0 = nowMs();
        dag.append(perTick);
        std::lock_guard g(s.lock);
        if (s.measuring) s.append.push_back(nowMs() - t0);
    });
    load.start(1000 / ticksPerSecond);

    QEventLoop loop;
    QTimer::singleShot(1000, &loop, [&] {  // warm-up: first uploads, shader compilation
        std::lock_guard g(s.lock);
        s.measuring = true;
    });
    QTimer::singleShot(1000 + seconds * 1000, &loop, &QEventLoop::quit);
    loop.exec();
    load.stop();
    std::lock_guard g(s.lock);
    s.measuring = false;

    const QString note = QStringLiteral("%1 deltas at the end, %2 drawn, %3 deltas/s in %4 batches/s, 1280x800")
                             .arg(item->nodeCount()).arg(item->visibleNodeCount()).arg(rate).arg(ticksPerSecond);
    report(name, "gui_frame_time_p50_ms", percentile(s.frameTime, 0.50), "ms", note);
    report(name, "gui_frame_time_p99_ms", percentile(s.frameTime, 0.99), "ms", note);
    report(name, "gui_frame_cpu_p50_ms", percentile(s.frameCpu, 0.50), "ms");
    report(name, "gui_frame_cpu_p99_ms", percentile(s.frameCpu, 0.99), "ms");
    report(name, "gui_polish_p99_ms", percentile(s.polish, 0.99), "ms");
    report(name, "gui_sync_p99_ms", percentile(s.sync, 0.99), "ms");
    report(name, "render_p99_ms", percentile(s.render, 0.99), "ms");
    report(name, "gui_blocked_p50_ms", percentile(s.blocked, 0.50), "ms");
    report(name, "gui_blocked_p99_ms", percentile(s.blocked, 0.99), "ms");
    report(name, "frame_interval_p50_ms", percentile(s.interval, 0.50), "ms");
    report(name, "frame_interval_p99_ms", percentile(s.interval, 0.99), "ms");
    report(name, "model_append_p99_ms", percentile(s.append, 0.99), "ms");
    report(name, "frames", double(s.frameTime.size()), "frames");
}

}  // namespace

int main(int argc, char **argv) {
    test::GuiTestDisplay display;  // before the application: it picks the platform
    QGuiApplication app(argc, argv);
    QCommandLineParser cli;
    cli.addOptions({{"seconds", "Measured seconds per scenario.", "N", "10"},
                    {"rate", "Deltas appended per second.", "N", "1000"},
                    {"ticks-per-s", "Model updates per second (the monitor's models coalesce to 4).", "N", "100"}});
    cli.addHelpOption();
    cli.process(app);
    clock_.start();
    const int seconds = std::max(1, cli.value("seconds").toInt());
    const int rate = std::max(1, cli.value("rate").toInt());
    const int ticks = std::clamp(cli.value("ticks-per-s").toInt(), 1, 1000);
    runScenario("follow", false, seconds, rate, ticks);
    runScenario("overview", true, seconds, rate, ticks);
    return 0;
}
