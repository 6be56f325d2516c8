#include "ProgressBar.h"

#include "Output.h"

#include <cstdio>
#include <unistd.h>

namespace dn::ctl {

ProgressBar::ProgressBar(QString label, qint64 total)
    : label_(std::move(label)), total_(total), enabled_(::isatty(STDERR_FILENO) == 1) {
    started_.start();
}

ProgressBar::~ProgressBar() {
    // A transfer that failed midway still ends the line, so the error message
    // that follows starts at column 0.
    if (enabled_ && lastDrawMs_ >= 0 && !finished_) std::fputc('\n', stderr);
}

void ProgressBar::update(qint64 done, qint64 total) {
    done_ = done;
    if (total >= 0) total_ = total;
    draw(false);
}

void ProgressBar::finish() {
    draw(true);
    if (enabled_ && !finished_) std::fputc('\n', stderr);
    finished_ = true;
}

void ProgressBar::draw(bool force) {
    if (!enabled_ || finished_) return;
    const qint64 now = started_.elapsed();
    if (!force && lastDrawMs_ >= 0 && now - lastDrawMs_ < 100) return;  // ~10 redraws a second
    lastDrawMs_ = now;
    constexpr int kWidth = 30;
    const double frac = total_ > 0 ? std::min(1.0, double(done_) / double(total_)) : 0.0;
    const int filled = int(frac * kWidth);
    const double rate = now > 0 ? double(done_) * 1000.0 / double(now) : 0.0;
    const QString bar = QString(filled, QLatin1Char('#')) + QString(kWidth - filled, QLatin1Char('.'));
    const QString size = total_ >= 0 ? humanBytes(done_) + QStringLiteral(" / ") + humanBytes(total_) : humanBytes(done_);
    const QString line = QStringLiteral("\r%1 [%2] %3%  %4  %5/s\x1b[K")
                             .arg(label_, bar)
                             .arg(int(frac * 100), 3)
                             .arg(size, humanBytes(qint64(rate)));
    const QByteArray b = line.toUtf8();
    std::fwrite(b.constData(), 1, size_t(b.size()), stderr);
    std::fflush(stderr);
}

}  // namespace dn::ctl
