#include "client/NodeLogBuffer.h"
#include <QDateTime>
#include <QMutex>
#include <QMutexLocker>
#include <deque>
#include <mutex>

namespace dn {
namespace {

struct Ring {
    QMutex mutex;
    std::deque<LogLineView> lines;
    std::deque<LogLineView> errors;
    quint64 seq = 0;
    QtMessageHandler previous = nullptr;
};

Ring &ring() {
    static Ring r;  // lives until exit: late log lines from other threads must still land
    return r;
}

int levelOf(QtMsgType type) {
    switch (type) {
    case QtDebugMsg: return LogLineView::Debug;
    case QtInfoMsg: return LogLineView::Info;
    case QtWarningMsg: return LogLineView::Warning;
    case QtCriticalMsg:
    case QtFatalMsg: return LogLineView::Critical;
    }
    return LogLineView::Info;
}

void handler(QtMsgType type, const QMessageLogContext &ctx, const QString &msg) {
    NodeLogBuffer::append(levelOf(type), QString::fromLatin1(ctx.category ? ctx.category : "default"), msg);
    if (QtMessageHandler prev = ring().previous) prev(type, ctx, msg);
}

}  // namespace

void NodeLogBuffer::install() {
    static std::once_flag once;
    std::call_once(once, [] {
        QtMessageHandler prev = qInstallMessageHandler(handler);
        QMutexLocker lock(&ring().mutex);
        ring().previous = prev;
    });
}

void NodeLogBuffer::append(int level, const QString &category, const QString &message) {
    Ring &r = ring();
    LogLineView line;
    line.timeMs = QDateTime::currentMSecsSinceEpoch();
    line.level = level;
    line.category = category;
    line.message = message;
    QMutexLocker lock(&r.mutex);
    line.seq = ++r.seq;
    r.lines.push_back(line);
    if (r.lines.size() > size_t(kCapacity)) r.lines.pop_front();
    if (level >= LogLineView::Warning) {
        r.errors.push_back(std::move(line));
        if (r.errors.size() > size_t(kErrorCapacity)) r.errors.pop_front();
    }
}

QVector<LogLineView> NodeLogBuffer::since(quint64 after, int max) {
    Ring &r = ring();
    QMutexLocker lock(&r.mutex);
    QVector<LogLineView> out;
    // Sequence numbers are consecutive, so the first wanted line is found by arithmetic.
    if (r.lines.empty() || r.lines.back().seq <= after) return out;
    const quint64 first = r.lines.front().seq;
    size_t start = after >= first ? size_t(after - first + 1) : 0;
    if (r.lines.size() - start > size_t(max)) start = r.lines.size() - size_t(max);
    out.reserve(int(r.lines.size() - start));
    for (size_t i = start; i < r.lines.size(); ++i) out.push_back(r.lines[i]);
    return out;
}

QVector<LogLineView> NodeLogBuffer::recentErrors(int max) {
    Ring &r = ring();
    QMutexLocker lock(&r.mutex);
    QVector<LogLineView> out;
    const size_t n = std::min(r.errors.size(), size_t(max));
    for (size_t i = r.errors.size() - n; i < r.errors.size(); ++i) out.push_back(r.errors[i]);
    return out;
}

quint64 NodeLogBuffer::lastSeq() {
    QMutexLocker lock(&ring().mutex);
    return ring().seq;
}

}  // namespace dn
