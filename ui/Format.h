#pragma once
// How the monitor writes numbers, sizes, durations and times, in one place
// (as Bitcoin Core's GUIUtil), so that every page and model reads the same:
// C++ calls the functions of dn::Format, QML the singleton `Format`.
#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

namespace dn {

namespace Format {

QString bytes(double bytes);            // 1023 B, 1.50 KiB, 12.3 MiB … TiB
QString byteRate(double bytesPerSecond);  // bytes() per second
QString micros(double micros);          // µs, ms or s, whichever reads best
QString duration(double seconds);       // 42 s, 3 min 5 s, 2 h 10 min, 4 d 1 h
QString count(double n);                // a whole number with the locale's grouping
QString clockTime(qint64 msSinceEpoch);        // HH:mm:ss, local time
QString clockTimeMillis(qint64 msSinceEpoch);  // HH:mm:ss.zzz, local time
// An HLC timestamp (NTP64 over the Unix epoch): local date and time to the
// millisecond, and its logical counter.
QString hlcTime(quint64 hlc);

}  // namespace Format

// dn::Format for QML: `Format.bytes(n)` and so on. Stateless; the engine
// makes the one instance.
class FormatForQml : public QObject {
    Q_OBJECT
    QML_NAMED_ELEMENT(Format)
    QML_SINGLETON
public:
    using QObject::QObject;
    Q_INVOKABLE QString bytes(double bytes) const { return Format::bytes(bytes); }
    Q_INVOKABLE QString byteRate(double bytesPerSecond) const { return Format::byteRate(bytesPerSecond); }
    Q_INVOKABLE QString micros(double micros) const { return Format::micros(micros); }
    Q_INVOKABLE QString duration(double seconds) const { return Format::duration(seconds); }
    Q_INVOKABLE QString count(double n) const { return Format::count(n); }
};

}  // namespace dn
