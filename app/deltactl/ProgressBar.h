#pragma once
// A one-line progress bar on stderr for blob transfers. It only draws when
// stderr is a terminal, so logs and test captures stay clean.
#include <QElapsedTimer>
#include <QString>

namespace dn::ctl {

class ProgressBar {
public:
    ProgressBar(QString label, qint64 total);
    ~ProgressBar();
    // `total` may be corrected once it is known (e.g. from Content-Length).
    void update(qint64 done, qint64 total = -1);
    // Draws the final state and ends the line.
    void finish();

private:
    void draw(bool force);

    QString label_;
    qint64 total_;
    qint64 done_ = 0;
    bool enabled_;
    bool finished_ = false;
    QElapsedTimer started_;
    qint64 lastDrawMs_ = -1;
};

}  // namespace dn::ctl
