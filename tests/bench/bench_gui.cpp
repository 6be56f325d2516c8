// GUI benchmark (not part of the default suite; issue 5, acceptance 5):
// GUI-thread frame time while the node applies 1 000 deltas/s and the DAG
// page shows 10 000 deltas. Target: gui_frame_time p99 < 16 ms.
//   build/tests/bench_gui [--mode real|synthetic] [--source remote|local]
//                         [--seconds N] [--rate DELTAS_PER_S] [--ticks-per-s N]
//
// real (the default): the monitor window the desktop app shows (Main.qml
// over NodeClient over an embedded node, NodeDeltaLoad.h) on its DAG page,
// a kv_store context prefilled with 10 000 deltas, and the node applying
// `rate` deltas/s more — received from a second member (--source remote) or
// executed by the node itself (local). Printed with the frames: the rate the
// node achieved, the DAG model's rows, and what its re-reads cost the GUI.
// synthetic: a bare DagGraphItem over a model of 10 000 deltas in 20 lanes
// that a timer extends at `rate` deltas/s in `ticks-per-s` batches.
//
// Two scenarios each: "follow" (zoom 1 following the heads, the DAG page's
// default) and "overview" (zoomed out as far as the item goes, or until every
// delta fits). What a frame's time counts: GuiFrameTimer.h. Rendering is
// OpenGL on a private Xvfb (Mesa llvmpipe: rasterising in software on the
// same cores) unless QT_QPA_PLATFORM is set.
#include "GuiFrameTimer.h"
#include "GuiTestDisplay.h"
#include "NodeDeltaLoad.h"
#include "SyntheticDag.h"
#include "DagModel.h"
#include "Monitor.h"
#include "MonitorWindow.h"
#include "items/DagGraphItem.h"
#include "client/NodeClient.h"
#include <QCommandLineParser>
#include <QGuiApplication>
#include <QQuickWindow>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTimer>
#include <QtQml/QQmlExtensionPlugin>
#include <cstdlib>
#include <functional>

Q_IMPORT_QML_PLUGIN(DeltaNodePlugin)

using namespace dn;
using namespace dn::bench;

namespace {

constexpr int kPrefill = 10'000;
constexpr QSize kWindowSize(1280, 800);

struct Options {
    int seconds = 10, rate = 1000, ticksPerSecond = 100;
    NodeDeltaLoad::Source source = NodeDeltaLoad::Source::Remote;
};

[[noreturn]] void fail(const QString &what) {
    std::fprintf(stderr, "bench_gui: %s\n", qPrintable(what));
    std::_Exit(1);  // no destructors: the node and load threads are still running
}

// Runs the event loop until `done` or the deadline (then fails the run).
void waitFor(const std::function<bool()> &done, int timeoutMs, const char *what) {
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs) fail(QStringLiteral("timed out waiting for %1").arg(what));
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 50);
    }
}

// The QML item named `name` (declared items are children of their visual parent).
template <typename T> T *findItem(QQuickItem *root, const QString &name) {
    if (root->objectName() == name) return qobject_cast<T *>(root);
    for (QQuickItem *c : root->childItems())
        if (T *found = findItem<T>(c, name)) return found;
    return nullptr;
}

// Runs the event loop for `ms` (the measurement window itself).
void spin(int ms) {
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

double overviewZoom(int generations) {  // just enough for every generation to fit the width
    return std::max(DagGraphItem::kMinZoom, kWindowSize.width() / ((generations + 4) * 36.0));
}

// ---- synthetic: a bare item over a model a timer extends.
void runSynthetic(const char *name, bool overview, const Options &o) {
    QQuickWindow window;
    window.setColor(QColor(0xf8, 0xfa, 0xfc));
    window.resize(kWindowSize);
    QStandardItemModel model;
    test::SyntheticDag dag(&model, 20, 42);
    dag.append(kPrefill);
    auto *item = new DagGraphItem;
    item->setParentItem(window.contentItem());
    item->setSize(window.size());
    item->setModel(&model);
    if (overview) item->setZoom(overviewZoom(dag.maxGeneration()));
    GuiFrameTimer frames(&window);
    window.show();

    std::vector<double> append;
    bool measuring = false;
    QTimer load;
    load.setTimerType(Qt::PreciseTimer);
    const int perTick = std::max(1, o.rate / o.ticksPerSecond);
    QObject::connect(&load, &QTimer::timeout, &window, [&] {
        const double t0 = nowMs();
        dag.append(perTick);
        if (measuring) append.push_back(nowMs() - t0);
    });
    load.start(1000 / o.ticksPerSecond);
    spin(1000);  // warm-up: first uploads, shader compilation
    frames.setMeasuring(true);
    measuring = true;
    spin(o.seconds * 1000);
    frames.setMeasuring(false);
    load.stop();

    frames.report(name, QStringLiteral("synthetic: %1 deltas at the end, %2 drawn, %3 deltas/s in %4 batches/s, %5x%6")
                            .arg(item->nodeCount()).arg(item->visibleNodeCount()).arg(o.rate).arg(o.ticksPerSecond)
                            .arg(kWindowSize.width()).arg(kWindowSize.height()));
    report(name, "model_append_p99_ms", percentile(append, 0.99), "ms");
}

// ---- real: the monitor window over an embedded node under load.
class RealRun {
public:
    explicit RealRun(const Options &o) : o_(o), load_(o.source) {}

    void open() {
        const double t0 = nowMs();
        if (auto r = load_.open(QStringLiteral(DN_WASM_DIR "/kv_store.wasm")); !r) fail(r.error().message);
        if (auto r = load_.prefill(kPrefill, std::chrono::seconds(120)); !r) fail(r.error().message);
        const double s = (nowMs() - t0) / 1000;
        report("setup", "prefill_s", s, "s",
               QStringLiteral("%1 deltas (%2 applied in the context), source %3").arg(kPrefill).arg(load_.applied())
                   .arg(QLatin1String(load_.sourceName())));

        Node *n = load_.node().node();
        NodeClient::Options options;  // as the desktop app sets it up
        options.phaseHistograms = [n](const QString &phase) -> const Histogram * {
            const auto p = Node::phaseFromName(phase);
            return p ? &n->phaseHistogram(*p) : nullptr;
        };
        client_ = std::make_unique<NodeClient>(n, options);
        // Bracket the Monitor's handling of a DAG re-read (its slot sits
        // between these two): the merge into DagModel and the item's reaction.
        QObject::connect(client_.get(), &NodeClient::dagReady, [this] { mergeStart_ = nowMs(); });
        MonitorWindow::configureStyle();
        window_ = std::make_unique<MonitorWindow>(client_.get());
        QObject::connect(client_.get(), &NodeClient::dagReady, [this] {
            if (measuring_) merges_.push_back(nowMs() - mergeStart_);
        });
        if (auto r = window_->load(); !r) fail(r.error().message);
        QQuickWindow *w = window_->window();
        frames_ = std::make_unique<GuiFrameTimer>(w);
        w->resize(kWindowSize);
        w->show();
        w->setProperty("currentPage", 2);  // the DAG page
        Monitor *m = window_->monitor();
        waitFor([&] { return m->dagContext() == load_.contextId(); }, 30000, "the DAG page to show the context");
        waitFor([&] { return m->dag()->rowCount() >= kPrefill; }, 60000, "the DAG model to hold the prefill");
        graph_ = findItem<DagGraphItem>(w->contentItem(), QStringLiteral("dagGraph"));
        if (!graph_) fail(QStringLiteral("no dagGraph in the window"));
        waitFor([&] { return graph_->nodeCount() >= kPrefill; }, 30000, "the graph to lay out the prefill");
        load_.startRate(o_.rate);
    }

    void measure(const char *name, bool overview) {
        graph_->setFollowHeads(true);
        graph_->setZoom(overview ? overviewZoom(window_->monitor()->dag()->maxGeneration()) : 1.0);
        spin(1000);  // the new zoom's meshes
        merges_.clear();
        const uint64_t applied0 = load_.applied();
        const double t0 = nowMs();
        measuring_ = true;
        frames_->setMeasuring(true);
        spin(o_.seconds * 1000);
        frames_->setMeasuring(false);
        measuring_ = false;
        const double rate = double(load_.applied() - applied0) / ((nowMs() - t0) / 1000);
        if (load_.failed() > 0) fail(QStringLiteral("the load failed: %1").arg(load_.lastError()));

        const DagModel *dag = window_->monitor()->dag();
        frames_->report(name, QStringLiteral("real monitor window: %1 deltas/s applied (asked %2, source %3), %4 model rows, "
                                             "%5 drawn, zoom %6, %7x%8")
                                  .arg(rate, 0, 'f', 0).arg(o_.rate).arg(QLatin1String(load_.sourceName()))
                                  .arg(dag->rowCount()).arg(graph_->visibleNodeCount()).arg(graph_->zoom(), 0, 'f', 3)
                                  .arg(kWindowSize.width()).arg(kWindowSize.height()));
        report(name, "node_applied_per_s", rate, "deltas/s", rate < 0.95 * o_.rate ? QStringLiteral("below the asked rate") : QString());
        report(name, "dag_model_rows", dag->rowCount(), "rows",
               QStringLiteral("%1 lanes, %2 generations").arg(dag->laneCount()).arg(dag->maxGeneration()));
        report(name, "dag_merge_p50_ms", percentile(merges_, 0.50), "ms");
        report(name, "dag_merge_p99_ms", percentile(merges_, 0.99), "ms");
        report(name, "dag_rereads", double(merges_.size()), "reads");
    }

    void close() {
        load_.stop();
        window_.reset();  // the window before the client it watches
        client_.reset();
    }

private:
    const Options o_;
    NodeDeltaLoad load_;
    std::unique_ptr<NodeClient> client_;
    std::unique_ptr<MonitorWindow> window_;
    std::unique_ptr<GuiFrameTimer> frames_;
    DagGraphItem *graph_ = nullptr;
    bool measuring_ = false;
    double mergeStart_ = 0;
    std::vector<double> merges_;
};

}  // namespace

int main(int argc, char **argv) {
    test::GuiTestDisplay display;  // before the application: it picks the platform
    QTemporaryDir config;
    qputenv("XDG_CONFIG_HOME", config.path().toLocal8Bit());  // window settings stay out of the user's
    QGuiApplication app(argc, argv);
    QGuiApplication::setOrganizationName(QStringLiteral("deltanode-bench"));
    QCommandLineParser cli;
    cli.addOptions({{"mode", "real (the monitor over an embedded node) or synthetic (a bare item).", "MODE", "real"},
                    {"source", "real mode: deltas received from a second member (remote) or executed by the node (local).",
                     "SOURCE", "remote"},
                    {"seconds", "Measured seconds per scenario.", "N", "10"},
                    {"rate", "Deltas per second.", "N", "1000"},
                    {"ticks-per-s", "synthetic mode: model updates per second (the monitor's models coalesce to 4).", "N",
                     "100"}});
    cli.addHelpOption();
    cli.process(app);
    Options o;
    o.seconds = std::max(1, cli.value("seconds").toInt());
    o.rate = std::max(1, cli.value("rate").toInt());
    o.ticksPerSecond = std::clamp(cli.value("ticks-per-s").toInt(), 1, 1000);
    const QString mode = cli.value("mode"), source = cli.value("source");
    if (source != QLatin1String("remote") && source != QLatin1String("local"))
        fail(QStringLiteral("--source must be remote or local, not '%1'").arg(source));
    o.source = source == QLatin1String("local") ? NodeDeltaLoad::Source::Local : NodeDeltaLoad::Source::Remote;

    double load[3] = {};
    if (getloadavg(load, 3) == 3) report("setup", "load_average_1m", load[0], "load");
    if (mode == QLatin1String("synthetic")) {
        runSynthetic("follow", false, o);
        runSynthetic("overview", true, o);
    } else if (mode == QLatin1String("real")) {
        RealRun run(o);
        run.open();
        run.measure("follow", false);
        run.measure("overview", true);
        run.close();
    } else {
        fail(QStringLiteral("--mode must be real or synthetic, not '%1'").arg(mode));
    }
    if (getloadavg(load, 3) == 3) report("setup", "load_average_1m_end", load[0], "load");
    return 0;
}
