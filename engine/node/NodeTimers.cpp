#include "node/NodeTimers.h"
#include <QLoggingCategory>
#include <QTimer>

Q_LOGGING_CATEGORY(lcTimers, "dn.node.timers")

namespace dn {

NodeTimers::NodeTimers(MetricsRegistry &metrics, QObject *parent) : QObject(parent), metrics_(metrics) {
    metrics_.family("deltanode_timer_runs_total", MetricsRegistry::Type::Counter,
                    "Runs of each periodic job of the node (ARCHITECTURE §11).");
}

NodeTimers::~NodeTimers() { stop(); }

void NodeTimers::add(const QString &name, std::chrono::milliseconds interval, std::function<void()> run) {
    Job &job = jobs_[name];
    if (!job.timer) {
        job.timer = new QTimer(this);
        connect(job.timer, &QTimer::timeout, this, [this, name] { fire(jobs_.at(name)); });
    }
    job.timer->setInterval(interval);
    // Long periods (hours) need no millisecond precision, and coarse timers
    // let the OS batch wakeups.
    job.timer->setTimerType(interval >= std::chrono::minutes(1) ? Qt::CoarseTimer : Qt::PreciseTimer);
    job.run = std::move(run);
    job.runs = &metrics_.counter("deltanode_timer_runs_total", {{"timer", name}});
}

void NodeTimers::fire(Job &job) {
    job.runs->fetch_add(1, std::memory_order_relaxed);
    if (job.run) job.run();
}

void NodeTimers::start() {
    for (auto &[name, job] : jobs_) {
        job.timer->start();
        qCDebug(lcTimers) << "timer" << name << "every" << job.timer->interval() << "ms";
    }
}

void NodeTimers::stop() {
    for (auto &[name, job] : jobs_) job.timer->stop();
}

bool NodeTimers::runNow(const QString &name) {
    auto it = jobs_.find(name);
    if (it == jobs_.end()) return false;
    fire(it->second);
    return true;
}

uint64_t NodeTimers::runs(const QString &name) const {
    auto it = jobs_.find(name);
    return it == jobs_.end() ? 0 : it->second.runs->load(std::memory_order_relaxed);
}

std::chrono::milliseconds NodeTimers::interval(const QString &name) const {
    auto it = jobs_.find(name);
    return it == jobs_.end() ? std::chrono::milliseconds(0) : std::chrono::milliseconds(it->second.timer->interval());
}

QStringList NodeTimers::names() const {
    QStringList out;
    for (const auto &[name, job] : jobs_) out << name;
    return out;
}

}  // namespace dn
