#pragma once
// Turns SIGINT/SIGTERM into a Qt signal on the main thread (self-pipe), so
// shutdown runs the normal destructors and flushes everything to disk.
#include <QObject>
#include <QSocketNotifier>

class SignalWatcher : public QObject {
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
signals:
    void terminate(int signal);

private:
    QSocketNotifier *notifier_ = nullptr;
};
