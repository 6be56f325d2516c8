#pragma once
// Times the frames of one QQuickWindow for bench_gui, in both of its modes.
//
// gui_frame_time: the work of producing one frame — polish (the GUI thread
// lays out the items: from the window's UpdateRequest, where the render loop
// starts a frame, to afterAnimating, which it emits once polishing is done)
// + scene-graph sync (beforeSynchronizing → afterSynchronizing on the render
// thread; the GUI thread is blocked) + render (beforeRendering →
// afterRendering). gui_frame_cpu is the same work in thread CPU time, which
// stays meaningful when other processes crowd the cores. gui_blocked is
// polish start to sync end: it adds the GUI thread's wait for the render
// thread to finish the previous frame. Only complete frames are counted.
#include <QElapsedTimer>
#include <QEvent>
#include <QQuickWindow>
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <utility>
#include <vector>

namespace dn::bench {

inline double nowMs() {
    static QElapsedTimer clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return double(clock.nsecsElapsed()) / 1e6;
}
// CPU time of the calling thread: unlike wall time it does not count the
// moments the thread waited for a core.
inline double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

inline void report(const char *scenario, const char *name, double value, const char *unit, const QString &note = {}) {
    std::printf("{\"metric\":\"%s\",\"scenario\":\"%s\",\"value\":%.3f,\"unit\":\"%s\"%s}\n", name, scenario, value,
                unit, note.isEmpty() ? "" : qPrintable(QStringLiteral(",\"note\":\"%1\"").arg(note)));
    std::fflush(stdout);
}

inline double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size())))];
}

class GuiFrameTimer : public QObject {
public:
    explicit GuiFrameTimer(QQuickWindow *window) : window_(window) {
        window->installEventFilter(this);
        // The render-thread stages are stamped where they happen (direct
        // connections); the lock orders them against the GUI thread's stamps.
        auto on = [this](auto signal, auto f) {
            connect(window_, signal, this, [this, f] {
                std::lock_guard g(lock_);
                (this->*f)(nowMs());
            }, Qt::DirectConnection);
        };
        on(&QQuickWindow::afterAnimating, &GuiFrameTimer::polishEnded);
        on(&QQuickWindow::beforeSynchronizing, &GuiFrameTimer::syncStarted);
        on(&QQuickWindow::afterSynchronizing, &GuiFrameTimer::syncEnded);
        on(&QQuickWindow::beforeRendering, &GuiFrameTimer::renderStarted);
        on(&QQuickWindow::afterRendering, &GuiFrameTimer::renderEnded);
        on(&QQuickWindow::frameSwapped, &GuiFrameTimer::swapped);
    }

    // Starts (clearing what was measured) or stops counting frames.
    void setMeasuring(bool on) {
        std::lock_guard g(lock_);
        if (on) {
            s_ = Series{};
            guiCpu0_ = threadCpuMs();  // measuring starts and stops on the GUI thread
            wall0_ = nowMs();
        } else {
            guiCpuShare_ = (threadCpuMs() - guiCpu0_) / std::max(1.0, nowMs() - wall0_);
        }
        measuring_ = on;
        lastSwap_ = -1;
    }

    void report(const char *scenario, const QString &note) const {
        std::lock_guard g(lock_);
        bench::report(scenario, "gui_frame_time_p50_ms", percentile(s_.frameTime, 0.50), "ms", note);
        bench::report(scenario, "gui_frame_time_p99_ms", percentile(s_.frameTime, 0.99), "ms", note);
        bench::report(scenario, "gui_frame_cpu_p50_ms", percentile(s_.frameCpu, 0.50), "ms");
        bench::report(scenario, "gui_frame_cpu_p99_ms", percentile(s_.frameCpu, 0.99), "ms");
        bench::report(scenario, "gui_polish_p99_ms", percentile(s_.polish, 0.99), "ms");
        bench::report(scenario, "gui_sync_p99_ms", percentile(s_.sync, 0.99), "ms");
        bench::report(scenario, "render_p99_ms", percentile(s_.render, 0.99), "ms");
        bench::report(scenario, "gui_blocked_p50_ms", percentile(s_.blocked, 0.50), "ms");
        bench::report(scenario, "gui_blocked_p99_ms", percentile(s_.blocked, 0.99), "ms");
        bench::report(scenario, "frame_interval_p50_ms", percentile(s_.interval, 0.50), "ms");
        bench::report(scenario, "frame_interval_p99_ms", percentile(s_.interval, 0.99), "ms");
        bench::report(scenario, "frames", double(s_.frameTime.size()), "frames");
        // Everything the GUI thread did (frames, model updates, QML bindings)
        // per second of wall time.
        bench::report(scenario, "gui_thread_cpu_share", guiCpuShare_, "fraction");
    }

protected:
    bool eventFilter(QObject *o, QEvent *e) override {
        if (o == window_ && e->type() == QEvent::UpdateRequest) {  // the render loop starts a frame: polish
            std::lock_guard g(lock_);
            pending_ = Frame{};
            pending_.polishStart = nowMs();
            pending_.polishCpu = threadCpuMs();
        }
        return false;
    }

private:
    // With the threaded render loop the GUI thread may polish frame N+1
    // while frame N renders, hence two.
    struct Frame {
        double polishStart = -1, polishEnd = -1, syncStart = -1, syncEnd = -1, renderStart = -1;
        double polishCpu = -1, cpu = 0, syncCpu = -1, renderCpu = -1;  // thread CPU ms
    };
    struct Series {
        std::vector<double> frameTime, frameCpu, blocked, polish, sync, render, interval;
    };

    void polishEnded(double t) {
        if (pending_.polishStart < 0) return;
        pending_.polishEnd = t;
        pending_.cpu = threadCpuMs() - pending_.polishCpu;
    }
    void syncStarted(double t) {
        pending_.syncStart = t;
        pending_.syncCpu = threadCpuMs();
    }
    void syncEnded(double t) {
        pending_.syncEnd = t;
        pending_.cpu += threadCpuMs() - pending_.syncCpu;
        rendering_ = std::exchange(pending_, Frame{});
    }
    void renderStarted(double t) {
        rendering_.renderStart = t;
        rendering_.renderCpu = threadCpuMs();
    }
    void renderEnded(double t) {
        const Frame &f = rendering_;
        if (measuring_ && f.polishEnd >= 0 && f.syncStart >= 0 && f.syncEnd >= 0 && f.renderStart >= 0) {
            const double polish = f.polishEnd - f.polishStart, sync = f.syncEnd - f.syncStart;
            const double render = t - f.renderStart;
            s_.polish.push_back(polish);
            s_.sync.push_back(sync);
            s_.render.push_back(render);
            s_.frameTime.push_back(polish + sync + render);
            s_.frameCpu.push_back(f.cpu + threadCpuMs() - f.renderCpu);
            s_.blocked.push_back(f.syncEnd - f.polishStart);
        }
        rendering_ = Frame{};
    }
    void swapped(double t) {
        if (measuring_ && lastSwap_ >= 0) s_.interval.push_back(t - lastSwap_);
        lastSwap_ = t;
    }

    QQuickWindow *window_;
    mutable std::mutex lock_;
    bool measuring_ = false;
    Frame pending_, rendering_;
    Series s_;
    double lastSwap_ = -1, guiCpu0_ = 0, wall0_ = 0, guiCpuShare_ = 0;
};

}  // namespace dn::bench
