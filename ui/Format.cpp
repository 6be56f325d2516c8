#include "Format.h"
#include <QDateTime>
#include <QLocale>

namespace dn::Format {

QString bytes(double bytes) {
    static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (bytes >= 1024 && u < 4) {
        bytes /= 1024;
        ++u;
    }
    return u == 0 ? QStringLiteral("%1 B").arg(qint64(bytes))
                  : QStringLiteral("%1 %2").arg(bytes, 0, 'f', bytes < 10 ? 2 : 1).arg(QLatin1String(units[u]));
}

QString byteRate(double bytesPerSecond) { return bytes(bytesPerSecond) + QStringLiteral("/s"); }

QString micros(double us) {
    if (us < 1000) return QStringLiteral("%1 µs").arg(qint64(us));
    if (us < 1e6) return QStringLiteral("%1 ms").arg(us / 1000, 0, 'f', us < 1e4 ? 2 : 1);
    return QStringLiteral("%1 s").arg(us / 1e6, 0, 'f', 2);
}

QString duration(double seconds) {
    const qint64 s = qint64(seconds);
    if (s < 60) return QStringLiteral("%1 s").arg(s);
    if (s < 3600) return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60);
    if (s < 86400) return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
    return QStringLiteral("%1 d %2 h").arg(s / 86400).arg((s % 86400) / 3600);
}

// The default locale, as QML's Qt.locale() is.
QString count(double n) { return QLocale().toString(n, 'f', 0); }

QString clockTime(qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss")); }

QString clockTimeMillis(qint64 ms) {
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss.zzz"));
}

// NTP64 (state/Hlc.h): seconds in the high 32 bits, a fraction below whose
// low 16 bits are a logical counter.
QString hlcTime(quint64 hlc) {
    const qint64 ms = qint64(hlc >> 32) * 1000 + qint64(((hlc & 0xffffffffull) * 1000) >> 32);
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")) +
           QStringLiteral(" · counter %1").arg(hlc & 0xffff);
}

}  // namespace dn::Format
