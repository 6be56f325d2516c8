#pragma once
// The node's periodic work (ARCHITECTURE §11) on the node thread: one QTimer per
// job, every run counted in deltanode_timer_runs_total{timer="…"} so that
// jobs without a visible effect yet (ping, sync tick without peers) are still
// observable. A job that must block (it waits on the executor workers) hands
// its work to a background thread itself; the timer only starts it.
#include "metrics/MetricsRegistry.h"
#include <QObject>
#include <QStringList>
#include <chrono>
#include <functional>
#include <map>

class QTimer;

namespace dn {

class NodeTimers : public QObject {
    Q_OBJECT
public:
    explicit NodeTimers(MetricsRegistry &metrics, QObject *parent = nullptr);
    ~NodeTimers() override;

    // Registers a job; it starts with start().
    void add(const QString &name, std::chrono::milliseconds interval, std::function<void()> run);
    void start();
    void stop();
    // Runs a job now (counted like a timer run); false if unknown.
    bool runNow(const QString &name);
    uint64_t runs(const QString &name) const;
    std::chrono::milliseconds interval(const QString &name) const;
    QStringList names() const;

private:
    struct Job {
        QTimer *timer = nullptr;
        std::function<void()> run;
        std::atomic<uint64_t> *runs = nullptr;
    };
    void fire(Job &job);

    MetricsRegistry &metrics_;
    std::map<QString, Job> jobs_;
};

}  // namespace dn
