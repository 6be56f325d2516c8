#pragma once
// The node under load for bench_gui's real mode: an embedded node (node A,
// NodeThread, API on port 0, p2p on 127.0.0.1:0) with a kv_store context,
// and a load that makes A apply deltas at a steady rate.
//
// Source::Remote (the default): a second member — an Engine of its own, with
// its own identity and data dir, joined with the context's key — executes
// kv `set` and A *receives* each delta envelope through Engine::receive, the
// call a node makes for a delta arriving over gossip (verify, decrypt, DAG,
// merge). Only the transport is skipped. Source::Local: A executes the calls
// itself. Either way the node's listener publishes every applied delta to
// the monitor exactly as in the desktop app.
//
// At most kInFlight deltas are outstanding (submitted, not yet applied by A):
// when A cannot keep up the load falls behind rather than queueing without
// bound, and the achieved rate shows it.
#include "context/Engine.h"
#include "MemberTestUtil.h"
#include "node/NodeCommandLine.h"
#include "node/NodeThread.h"
#include <QFile>
#include <QTemporaryDir>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace dn::bench {

class NodeDeltaLoad : public EngineListener {
public:
    enum class Source { Remote, Local };
    static constexpr uint64_t kInFlight = 256;

    explicit NodeDeltaLoad(Source source) : source_(source) {}
    ~NodeDeltaLoad() override { stop(); }

    // Starts node A, installs kv_store, creates the context and (Remote)
    // opens and joins the second member.
    Result<void> open(const QString &kvWasmPath) {
        if (!dir_.isValid()) return Error{ErrorCode::Io, "no temporary directory"};
        NodeArgs args;
        args.headless = true;
        args.dataDir = dir_.filePath(QStringLiteral("a"));
        args.apiPort = 0;
        args.workers = 1;
        args.listen = {QStringLiteral("/ip4/127.0.0.1/tcp/0")};
        auto config = NodeCommandLine::resolve(args);
        if (!config) return config.error();
        node_ = std::make_unique<NodeThread>(*config);
        if (auto r = node_->start(); !r) return r.error();
        QFile f(kvWasmPath);
        if (!f.open(QIODevice::ReadOnly)) return Error{ErrorCode::Io, QStringLiteral("cannot read %1").arg(kvWasmPath)};
        const QByteArray wasm = f.readAll();
        Engine &a = node_->node()->engine();
        auto app = a.installApp(wasm, QStringLiteral("kv_store"));
        if (!app) return app.error();
        auto ctx = a.createContextSync(app->id, QStringLiteral("bench kv"));
        if (!ctx) return ctx.error();
        context_ = ctx->id;
        if (source_ == Source::Local) return {};

        Engine::Options bo;
        bo.dataDir = dir_.filePath(QStringLiteral("b"));
        bo.workers = 1;
        auto b = Engine::open(bo);
        if (!b) return b.error();
        writer_ = std::move(*b);
        writer_->setListener(this);
        auto bapp = writer_->installApp(wasm, QStringLiteral("kv_store"));
        if (!bapp) return bapp.error();
        if (auto j = test::joinWithKeysOf(a, *writer_, context_, bapp->id); !j) return j.error();
        // The genesis and the member.add, as a joining member syncs them: B's deltas descend from them.
        const auto heads = a.context(context_)->heads;
        auto page = a.deltaPage(context_, heads, {}, 100, 1 << 20);
        if (!page) return page.error();
        for (auto it = page->envelopes.rbegin(); it != page->envelopes.rend(); ++it)
            if (auto r = writer_->receiveSync(*it); !r) return r.error();
        return {};
    }

    // Submits `count` deltas as fast as A takes them and waits until A has
    // applied them all.
    Result<void> prefill(uint64_t count, std::chrono::seconds timeout) {
        const uint64_t target = applied() + count;
        for (uint64_t i = 0; i < count; ++i) {
            std::unique_lock lock(mutex_);
            if (!changed_.wait_for(lock, timeout, [&] { return inFlight_ < kInFlight || failed_ > 0; }))
                return Error{ErrorCode::Timeout, "node A stopped taking deltas"};
            if (failed_ > 0) return Error{ErrorCode::Internal, lastError_};
            lock.unlock();
            submit();
        }
        std::unique_lock lock(mutex_);
        if (!changed_.wait_for(lock, timeout, [&] { return inFlight_ == 0 || failed_ > 0; }) || failed_ > 0)
            return Error{ErrorCode::Internal, failed_ ? lastError_ : QStringLiteral("deltas still in flight")};
        lock.unlock();
        if (applied() < target)
            return Error{ErrorCode::Internal, QStringLiteral("A applied %1 of %2").arg(applied()).arg(target)};
        return {};
    }

    // `perSecond` deltas a second from a thread of its own, in 10 ms steps.
    void startRate(int perSecond) {
        stop();
        running_ = true;
        pacer_ = std::thread([this, perSecond] {
            using clock = std::chrono::steady_clock;
            const auto t0 = clock::now();
            uint64_t sent = 0;
            for (auto next = t0; running_; next += std::chrono::milliseconds(10)) {
                std::this_thread::sleep_until(next);  // pacing the rate, not waiting for a result
                const double elapsed = std::chrono::duration<double>(clock::now() - t0).count();
                const auto due = uint64_t(elapsed * perSecond);
                while (sent < due && inFlight() < kInFlight) {
                    submit();
                    ++sent;
                }
                sent = std::max(sent, due);  // what A could not take is dropped, not owed
            }
        });
    }
    void stop() {
        running_ = false;
        if (pacer_.joinable()) pacer_.join();
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, std::chrono::seconds(30), [&] { return inFlight_ == 0; });
    }

    // Deltas applied by A in the context (its own count, not the load's).
    uint64_t applied() const {
        auto info = node_->node()->engine().context(context_);
        return info ? info->appliedCount : 0;
    }
    uint64_t failed() const {
        std::lock_guard g(mutex_);
        return failed_;
    }
    QString lastError() const {
        std::lock_guard g(mutex_);
        return lastError_;
    }
    NodeThread &node() { return *node_; }
    QString contextId() const { return context_.toBase58(); }
    const char *sourceName() const { return source_ == Source::Remote ? "remote" : "local"; }

    // EngineListener, the second member's: its delta is durable, A receives it.
    void localDeltaDurable(const Hash32 &, const Hash32 &, const QByteArray &envelope) override {
        node_->node()->engine().receive(envelope, [this](Result<ReceiveResult> r) {
            finish(r ? QString() : r.error().message);
        });
    }

private:
    uint64_t inFlight() const {
        std::lock_guard g(mutex_);
        return inFlight_;
    }
    void submit() {
        {
            std::lock_guard g(mutex_);
            ++inFlight_;
        }
        const uint64_t i = serial_++;
        // A bounded key space, like an app updating its records.
        const QByteArray args = QStringLiteral("{\"key\":\"k%1\",\"value\":\"value %2\"}").arg(i % 1000).arg(i).toUtf8();
        Engine &engine = source_ == Source::Remote ? *writer_ : node_->node()->engine();
        engine.execute(context_, "set", args, [this](Result<ExecuteResult> r) {
            // Remote: the delta is now on its way to A (localDeltaDurable).
            if (!r) finish(r.error().message);
            else if (!r->deltaId) finish(QStringLiteral("set made no delta"));
            else if (source_ == Source::Local) finish({});
        });
    }
    void finish(const QString &error) {
        std::lock_guard g(mutex_);
        --inFlight_;
        if (!error.isEmpty()) {
            ++failed_;
            lastError_ = error;
        }
        changed_.notify_all();
    }

    const Source source_;
    QTemporaryDir dir_;
    std::unique_ptr<NodeThread> node_;
    std::unique_ptr<Engine> writer_;  // the second member (Remote)
    Hash32 context_;
    std::atomic<uint64_t> serial_{0};
    std::atomic<bool> running_{false};
    std::thread pacer_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    uint64_t inFlight_ = 0, failed_ = 0;
    QString lastError_;
};

}  // namespace dn::bench
