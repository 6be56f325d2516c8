// context create/list/invite/join/delete, dag, state.
#include "Commands.h"
#include "Output.h"
#include "Session.h"
#include "Validate.h"

#include <QJsonArray>
#include <QUrl>

namespace dn::ctl {
namespace {

QString contextPath(const QString &id, const QString &rest = {}) {
    return QStringLiteral("/admin-api/contexts/") + id + rest;  // ids are checked base58: nothing to escape
}

QStringList strings(const QJsonValue &v) {
    QStringList out;
    for (const QJsonValue &e : v.toArray()) out << e.toString();
    return out;
}

QString number(const QJsonValue &v) { return v.isUndefined() ? QString() : jsonText(v); }

void printContext(const QJsonObject &c) {
    auto row = [](const QString &label, const QString &value) { printOut(QStringLiteral("%1 %2").arg(label.leftJustified(15), value)); };
    row(QStringLiteral("context id:"), c.value(QLatin1String("contextId")).toString());
    row(QStringLiteral("application:"), c.value(QLatin1String("applicationId")).toString());
    row(QStringLiteral("name:"), c.value(QLatin1String("name")).toString());
    row(QStringLiteral("root hash:"), c.value(QLatin1String("rootHash")).toString());
    row(QStringLiteral("heads:"), strings(c.value(QLatin1String("heads"))).join(QLatin1Char(' ')));
    row(QStringLiteral("applied:"), number(c.value(QLatin1String("appliedCount"))));
    row(QStringLiteral("pending:"), number(c.value(QLatin1String("pendingCount"))));
}

// Runs a request whose answer is {"context":{…}} and prints it.
int contextAnswer(Session &s, const HttpReply &r) {
    int rc = kOk;
    const auto o = s.object(r, &rc);
    if (!o) return rc;
    if (s.printRawJson(r)) return kOk;
    printContext(o->value(QLatin1String("context")).toObject());
    return kOk;
}

}  // namespace

int cmdContextCreate(Session &s, const QStringList &args) {
    if (auto bad = checkId(QStringLiteral("application id"), args[0])) return s.usage(*bad);
    QJsonObject body{{QStringLiteral("applicationId"), args[0]}};
    if (s.isSet(QStringLiteral("name"))) body.insert(QStringLiteral("name"), s.value(QStringLiteral("name")));
    if (s.isSet(QStringLiteral("init-args"))) {
        const QByteArray text = s.value(QStringLiteral("init-args")).toUtf8();
        const JsonParse parsed = parseJsonText(text);
        if (!parsed.value) return s.usage(QStringLiteral("--init-args is not JSON: ") + parsed.error);
        // Objects and arrays go as JSON; a scalar as the JSON text itself
        // (the API's "string holding JSON" form), so nothing is lost.
        const QJsonValue v = *parsed.value;
        body.insert(QStringLiteral("initArgs"), v.isObject() || v.isArray() ? v : QJsonValue(QString::fromUtf8(text)));
    }
    return contextAnswer(s, s.http().postJson(QStringLiteral("/admin-api/contexts"), body));
}

int cmdContextList(Session &s, const QStringList &) {
    const HttpReply r = s.http().get(QStringLiteral("/admin-api/contexts"));
    int rc = kOk;
    const auto o = s.object(r, &rc);
    if (!o) return rc;
    if (s.printRawJson(r)) return kOk;
    const QJsonArray list = o->value(QLatin1String("contexts")).toArray();
    if (list.isEmpty()) {
        printOut(QStringLiteral("no contexts"));
        return kOk;
    }
    Table t({QStringLiteral("CONTEXT ID"), QStringLiteral("APPLICATION ID"), QStringLiteral("NAME"), QStringLiteral("APPLIED"),
             QStringLiteral("PENDING"), QStringLiteral("HEADS"), QStringLiteral("ROOT HASH")});
    for (const QJsonValue &v : list) {
        const QJsonObject c = v.toObject();
        t.addRow({c.value(QLatin1String("contextId")).toString(), c.value(QLatin1String("applicationId")).toString(),
                  c.value(QLatin1String("name")).toString(), number(c.value(QLatin1String("appliedCount"))),
                  number(c.value(QLatin1String("pendingCount"))), QString::number(c.value(QLatin1String("heads")).toArray().size()),
                  c.value(QLatin1String("rootHash")).toString()});
    }
    t.print();
    return kOk;
}

int cmdContextInvite(Session &s, const QStringList &args) {
    if (auto bad = checkId(QStringLiteral("context id"), args[0])) return s.usage(*bad);
    QJsonObject body;
    if (s.isSet(QStringLiteral("expires"))) {
        const auto secs = parseCount(s.value(QStringLiteral("expires")));
        if (!secs || *secs == 0) return s.usage(QStringLiteral("--expires needs a positive number of seconds"));
        body.insert(QStringLiteral("expiresInSeconds"), double(*secs));
    }
    if (s.isSet(QStringLiteral("uses"))) {
        const auto uses = parseCount(s.value(QStringLiteral("uses")));
        if (!uses || *uses == 0 || *uses > 10000) return s.usage(QStringLiteral("--uses needs a number of joins from 1 to 10000"));
        body.insert(QStringLiteral("uses"), double(*uses));
    }
    const HttpReply r = s.http().postJson(contextPath(args[0], QStringLiteral("/invite")), body);
    int rc = kOk;
    const auto o = s.object(r, &rc);
    if (!o) return rc;
    if (s.printRawJson(r)) return kOk;
    printOut(o->value(QLatin1String("invitation")).toString());
    return kOk;
}

int cmdContextJoin(Session &s, const QStringList &args) {
    if (auto bad = checkInvitation(args[0])) return s.usage(*bad);
    return contextAnswer(s, s.http().postJson(QStringLiteral("/admin-api/contexts/join"),
                                              QJsonObject{{QStringLiteral("invitation"), args[0].trimmed()}}));
}

int cmdContextDelete(Session &s, const QStringList &args) {
    if (auto bad = checkId(QStringLiteral("context id"), args[0])) return s.usage(*bad);
    const HttpReply r = s.http().del(contextPath(args[0]));
    int rc = kOk;
    const auto o = s.object(r, &rc);
    if (!o) return rc;
    if (s.printRawJson(r)) return kOk;
    printOut(QStringLiteral("deleted context %1").arg(args[0]));
    return kOk;
}

int cmdDag(Session &s, const QStringList &args) {
    if (auto bad = checkId(QStringLiteral("context id"), args[0])) return s.usage(*bad);
    const HttpReply r = s.http().get(contextPath(args[0], QStringLiteral("/dag")));
    int rc = kOk;
    const auto o = s.object(r, &rc);
    if (!o) return rc;
    if (s.printRawJson(r)) return kOk;
    auto row = [](const QString &label, const QString &value) { printOut(QStringLiteral("%1 %2").arg(label.leftJustified(17), value)); };
    row(QStringLiteral("context id:"), o->value(QLatin1String("contextId")).toString());
    row(QStringLiteral("root hash:"), o->value(QLatin1String("rootHash")).toString());
    row(QStringLiteral("applied:"), number(o->value(QLatin1String("appliedCount"))));
    row(QStringLiteral("pending:"), number(o->value(QLatin1String("pendingCount"))));
    const QStringList heads = strings(o->value(QLatin1String("heads")));
    row(QStringLiteral("heads:"), QString::number(heads.size()));
    for (const QString &h : heads) row(QString(), h);
    const QStringList missing = strings(o->value(QLatin1String("missingParents")));
    row(QStringLiteral("missing parents:"), QString::number(missing.size()));
    for (const QString &m : missing) row(QString(), m);
    return kOk;
}

int cmdState(Session &s, const QStringList &args) {
    if (auto bad = checkId(QStringLiteral("context id"), args[0])) return s.usage(*bad);
    QStringList query;
    if (s.isSet(QStringLiteral("prefix")))
        query << QStringLiteral("prefix=") + QString::fromLatin1(QUrl::toPercentEncoding(s.value(QStringLiteral("prefix"))));
    if (s.isSet(QStringLiteral("limit"))) {
        const auto n = parseCount(s.value(QStringLiteral("limit")));
        if (!n || *n == 0) return s.usage(QStringLiteral("--limit needs a positive number"));
        query << QStringLiteral("limit=%1").arg(*n);
    }
    const QString path = contextPath(args[0], QStringLiteral("/state")) + (query.isEmpty() ? QString() : QLatin1Char('?') + query.join(QLatin1Char('&')));
    const HttpReply r = s.http().get(path);
    int rc = kOk;
    const auto o = s.object(r, &rc);
    if (!o) return rc;
    if (s.printRawJson(r)) return kOk;
    const QJsonArray entries = o->value(QLatin1String("entries")).toArray();
    if (entries.isEmpty()) {
        printOut(QStringLiteral("no entries"));
        return kOk;
    }
    Table t({QStringLiteral("KEY"), QStringLiteral("VALUE")});
    for (const QJsonValue &v : entries) {
        const QJsonObject e = v.toObject();
        const QString key = e.contains(QLatin1String("key")) ? e.value(QLatin1String("key")).toString()
                                                            : QStringLiteral("base64:") + e.value(QLatin1String("keyBase64")).toString();
        QString value;
        if (e.contains(QLatin1String("counter"))) value = QStringLiteral("counter ") + jsonText(e.value(QLatin1String("counter")));
        else if (e.contains(QLatin1String("value"))) value = e.value(QLatin1String("value")).toString();
        else value = QStringLiteral("base64:") + e.value(QLatin1String("valueBase64")).toString();
        t.addRow({key, value});
    }
    t.print();
    return kOk;
}

}  // namespace dn::ctl
