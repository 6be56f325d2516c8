#pragma once
// Runs blocking engine calls (they wait for a context's executor worker) on a
// small thread pool and hands each result back on the thread this object
// lives on (the node thread), so the network code never stalls the event
// loop that drives every connection.
//
// `then` runs only if the object still exists; a caller whose own lifetime
// is shorter guards itself (QPointer) inside `then`.
#include <QObject>
#include <QThreadPool>
#include <atomic>
#include <functional>
#include <memory>

namespace dn {

class BlockingJobs : public QObject {
    Q_OBJECT
public:
    explicit BlockingJobs(int threads = 2, QObject *parent = nullptr);
    ~BlockingJobs() override;  // waits for the jobs still running

    template <typename T>
    void run(std::function<T()> work, std::function<void(T)> then) {
        if (stopped_) return;
        pool_.start([this, work = std::move(work), then = std::move(then)]() mutable {
            auto result = std::make_shared<T>(work());
            post([then = std::move(then), result] { then(std::move(*result)); });
        });
    }
    // Queues `fn` to this object's thread; callable from any thread.
    void post(std::function<void()> fn);
    // No new jobs; waits for the running ones (their `then` still runs if
    // the event loop turns afterwards).
    void stop();
    int running() const { return pool_.activeThreadCount(); }

private:
    QThreadPool pool_;
    std::atomic<bool> stopped_{false};
};

}  // namespace dn
