// status, peers, metrics: what the node is and how it is doing.
#include "Commands.h"
#include "Output.h"
#include "Session.h"

#include <QJsonArray>

namespace dn::ctl {
namespace {

QString uptimeText(qint64 s) {
    const qint64 d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60, sec = s % 60;
    if (d) return QStringLiteral("%1d %2h %3m").arg(d).arg(h).arg(m);
    if (h) return QStringLiteral("%1h %2m %3s").arg(h).arg(m).arg(sec);
    if (m) return QStringLiteral("%1m %2s").arg(m).arg(sec);
    return QStringLiteral("%1s").arg(sec);
}

// Any JSON scalar as plain text (numbers without a trailing ".0").
QString plain(const QJsonValue &v) { return v.isString() ? v.toString() : jsonText(v); }

}  // namespace

int cmdStatus(Session &s, const QStringList &) {
    const HttpReply r = s.http().get(QStringLiteral("/admin-api/status"));
    int rc = kOk;
    const auto o = s.object(r, &rc);
    if (!o) return rc;
    if (s.printRawJson(r)) return kOk;
    auto row = [](const QString &label, const QString &value) { printOut(QStringLiteral("%1 %2").arg(label.leftJustified(15), value)); };
    row(QStringLiteral("peer id:"), o->value(QLatin1String("peerId")).toString());
    const QJsonArray addrs = o->value(QLatin1String("addresses")).toArray();
    if (addrs.isEmpty()) row(QStringLiteral("addresses:"), QStringLiteral("(none)"));
    for (qsizetype i = 0; i < addrs.size(); ++i) row(i ? QString() : QStringLiteral("addresses:"), addrs[i].toString());
    row(QStringLiteral("api:"), o->value(QLatin1String("apiUrl")).toString());
    row(QStringLiteral("version:"), o->value(QLatin1String("version")).toString());
    row(QStringLiteral("uptime:"), uptimeText(qint64(o->value(QLatin1String("uptimeSeconds")).toDouble())));
    row(QStringLiteral("contexts:"), plain(o->value(QLatin1String("contexts"))));
    row(QStringLiteral("applications:"), plain(o->value(QLatin1String("applications"))));
    row(QStringLiteral("peers:"), plain(o->value(QLatin1String("peers"))));
    row(QStringLiteral("deltas applied:"), plain(o->value(QLatin1String("deltasApplied"))));
    row(QStringLiteral("pending deltas:"), plain(o->value(QLatin1String("pendingDeltas"))));
    return kOk;
}

int cmdPeers(Session &s, const QStringList &) {
    const HttpReply r = s.http().get(QStringLiteral("/admin-api/peers"));
    int rc = kOk;
    const auto o = s.object(r, &rc);
    if (!o) return rc;
    if (s.printRawJson(r)) return kOk;
    const QJsonArray peers = o->value(QLatin1String("peers")).toArray();
    if (peers.isEmpty()) {
        printOut(QStringLiteral("no peers"));
        return kOk;
    }
    // The well-known fields as columns (docs/API.md); everything else,
    // e.g. the protocols each peer speaks, is in --json.
    Table t({QStringLiteral("PEER ID"), QStringLiteral("ADDRESS"), QStringLiteral("DIR"), QStringLiteral("RTT"),
             QStringLiteral("TOPICS"), QStringLiteral("MESH"), QStringLiteral("IN"), QStringLiteral("OUT")});
    auto list = [](const QJsonValue &v) {
        QStringList out;
        for (const QJsonValue &e : v.toArray()) out << e.toString();
        return out.isEmpty() ? QStringLiteral("-") : out.join(QLatin1Char(','));
    };
    for (const QJsonValue &v : peers) {
        if (!v.isObject()) {
            t.addRow({plain(v)});
            continue;
        }
        const QJsonObject p = v.toObject();
        const bool blocked = p.value(QLatin1String("blocked")).toBool();
        const double rtt = p.value(QLatin1String("rttMs")).toDouble(-1);
        t.addRow({p.value(QLatin1String("peerId")).toString(),
                  blocked ? QStringLiteral("-") : p.value(QLatin1String("address")).toString(),
                  blocked ? QStringLiteral("blocked") : p.value(QLatin1String("direction")).toString(),
                  rtt < 0 ? QStringLiteral("-") : QStringLiteral("%1 ms").arg(rtt, 0, 'f', 2),
                  list(p.value(QLatin1String("topics"))), list(p.value(QLatin1String("mesh"))),
                  humanBytes(qint64(p.value(QLatin1String("bytesIn")).toDouble())),
                  humanBytes(qint64(p.value(QLatin1String("bytesOut")).toDouble()))});
    }
    t.print();
    return kOk;
}

int cmdMetrics(Session &s, const QStringList &) {
    const HttpReply r = s.http().get(QStringLiteral("/metrics"));
    if (!r.ok()) return s.fail(r);
    writeOut(r.body);  // Prometheus text, unchanged (also with --json)
    return kOk;
}

}  // namespace dn::ctl
