#include "sync/BlockingJobs.h"
#include <QMetaObject>

namespace dn {

BlockingJobs::BlockingJobs(int threads, QObject *parent) : QObject(parent) {
    pool_.setMaxThreadCount(threads);
    pool_.setObjectName(QStringLiteral("network-jobs"));
}

BlockingJobs::~BlockingJobs() { stop(); }

void BlockingJobs::post(std::function<void()> fn) {
    // Queued to this object: if it is destroyed first, Qt drops the call.
    QMetaObject::invokeMethod(this, std::move(fn), Qt::QueuedConnection);
}

void BlockingJobs::stop() {
    stopped_ = true;
    pool_.waitForDone();
}

}  // namespace dn
