// cache, cache evict [ID]: the in-memory blob cache (ARCHITECTURE §10).
#include "Commands.h"
#include "Output.h"
#include "Session.h"
#include "Validate.h"

#include <QJsonArray>

namespace dn::ctl {

int cmdCache(Session &s, const QStringList &) {
    const HttpReply r = s.http().get(QStringLiteral("/admin-api/blob-cache"));
    int rc = kOk;
    const auto o = s.object(r, &rc);
    if (!o) return rc;
    if (s.printRawJson(r)) return kOk;
    const QJsonObject st = o->value(QLatin1String("stats")).toObject();
    auto num = [&](const char *k) { return jsonText(st.value(QLatin1String(k))); };
    printOut(QStringLiteral("entries: %1   bytes: %2").arg(num("entries"), humanBytes(qint64(st.value(QLatin1String("bytes")).toDouble()))));
    printOut(QStringLiteral("hits: %1   misses: %2").arg(num("hits"), num("misses")));
    printOut(QStringLiteral("evicted: idle %1, count %2, bytes %3").arg(num("evictedIdle"), num("evictedCount"), num("evictedBytes")));
    const QJsonArray entries = o->value(QLatin1String("entries")).toArray();
    if (entries.isEmpty()) return kOk;
    printOut(QString());
    Table t({QStringLiteral("BLOB ID"), QStringLiteral("SIZE"), QStringLiteral("AGE"), QStringLiteral("IDLE"), QStringLiteral("HITS")});
    for (const QJsonValue &v : entries) {
        const QJsonObject e = v.toObject();
        t.addRow({e.value(QLatin1String("blobId")).toString(), humanBytes(qint64(e.value(QLatin1String("size")).toDouble())),
                  jsonText(e.value(QLatin1String("ageSeconds"))) + QLatin1Char('s'),
                  jsonText(e.value(QLatin1String("idleSeconds"))) + QLatin1Char('s'), jsonText(e.value(QLatin1String("hits")))});
    }
    t.print();
    return kOk;
}

int cmdCacheEvict(Session &s, const QStringList &args) {
    QJsonObject body;
    if (!args.isEmpty()) {
        if (auto bad = checkId(QStringLiteral("blob id"), args[0])) return s.usage(*bad);
        body.insert(QStringLiteral("blobId"), args[0]);
    }
    const HttpReply r = s.http().postJson(QStringLiteral("/admin-api/blob-cache/evict"), body);
    int rc = kOk;
    const auto o = s.object(r, &rc);
    if (!o) return rc;
    if (s.printRawJson(r)) return kOk;
    printOut(QStringLiteral("evicted %1").arg(jsonText(o->value(QLatin1String("evicted")))));
    return kOk;
}

}  // namespace dn::ctl
