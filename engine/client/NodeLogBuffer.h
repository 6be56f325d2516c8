#pragma once
// The node's recent log lines, for the monitor's Log page and its "recent
// errors" panel. Qt's message handler is process-wide, so this is one
// process-wide ring: install() chains our handler in front of the previous
// one (lines still reach stderr), every thread appends under a mutex, and
// readers take the lines after a sequence number.
#include "client/NodeSnapshot.h"
#include <QVector>

namespace dn {

class NodeLogBuffer {
public:
    static constexpr int kCapacity = 5000;
    static constexpr int kErrorCapacity = 50;

    // Idempotent; safe from any thread.
    static void install();
    // Lines with seq > after, oldest first, at most `max` (the newest ones).
    static QVector<LogLineView> since(quint64 after, int max = kCapacity);
    // The last warnings and errors, newest last.
    static QVector<LogLineView> recentErrors(int max = 10);
    // Appends a line directly (also what the message handler calls).
    static void append(int level, const QString &category, const QString &message);
    static quint64 lastSeq();
};

}  // namespace dn
