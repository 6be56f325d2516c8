// app install, app list.
#include "BlobUpload.h"
#include "Commands.h"
#include "Output.h"
#include "ProgressBar.h"
#include "Session.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QUrl>

namespace dn::ctl {
namespace {

void printApplication(const QJsonObject &a) {
    QStringList methods;
    for (const QJsonValue &m : a.value(QLatin1String("methods")).toArray()) methods << m.toString();
    printOut(QStringLiteral("application id: %1").arg(a.value(QLatin1String("applicationId")).toString()));
    printOut(QStringLiteral("name:           %1").arg(a.value(QLatin1String("name")).toString()));
    printOut(QStringLiteral("size:           %1").arg(humanBytes(qint64(a.value(QLatin1String("size")).toDouble()))));
    printOut(QStringLiteral("methods:        %1").arg(methods.join(QStringLiteral(", "))));
}

}  // namespace

int cmdAppInstall(Session &s, const QStringList &args) {
    QFile file(args[0]);
    const QFileInfo info(file);
    if (!info.isFile()) return s.usage(QStringLiteral("'%1' is not a file").arg(args[0]));
    if (!file.open(QIODevice::ReadOnly)) return s.usage(QStringLiteral("cannot read %1: %2").arg(args[0], file.errorString()));
    const QString name = s.isSet(QStringLiteral("name")) ? s.value(QStringLiteral("name")) : info.completeBaseName();

    HttpReply r;
    if (file.size() > kRawBodyLimit) {
        // Too big for one request body: upload it as a blob, then install
        // from the blob.
        ProgressBar bar(QStringLiteral("upload"), file.size());
        const HttpReply up = uploadChunked(s.http(), file, &bar);
        if (!up.ok()) return s.fail(up);
        bar.finish();
        const QString blobId = up.object().value_or(QJsonObject()).value(QLatin1String("blobId")).toString();
        r = s.http().postJson(QStringLiteral("/admin-api/applications"),
                              QJsonObject{{QStringLiteral("blobId"), blobId}, {QStringLiteral("name"), name}});
    } else {
        const QString path = QStringLiteral("/admin-api/applications?name=") + QString::fromLatin1(QUrl::toPercentEncoding(name));
        r = s.http().sendDevice("POST", path, &file, file.size(), "application/wasm");
    }
    int rc = kOk;
    const auto o = s.object(r, &rc);
    if (!o) return rc;
    if (s.printRawJson(r)) return kOk;
    printApplication(o->value(QLatin1String("application")).toObject());
    return kOk;
}

int cmdAppList(Session &s, const QStringList &) {
    const HttpReply r = s.http().get(QStringLiteral("/admin-api/applications"));
    int rc = kOk;
    const auto o = s.object(r, &rc);
    if (!o) return rc;
    if (s.printRawJson(r)) return kOk;
    const QJsonArray apps = o->value(QLatin1String("applications")).toArray();
    if (apps.isEmpty()) {
        printOut(QStringLiteral("no applications installed"));
        return kOk;
    }
    Table t({QStringLiteral("APPLICATION ID"), QStringLiteral("NAME"), QStringLiteral("SIZE"), QStringLiteral("INSTALLED"),
             QStringLiteral("METHODS")});
    for (const QJsonValue &v : apps) {
        const QJsonObject a = v.toObject();
        QStringList methods;
        for (const QJsonValue &m : a.value(QLatin1String("methods")).toArray()) methods << m.toString();
        t.addRow({a.value(QLatin1String("applicationId")).toString(), a.value(QLatin1String("name")).toString(),
                  humanBytes(qint64(a.value(QLatin1String("size")).toDouble())), timeText(a.value(QLatin1String("installedAt"))),
                  methods.join(QLatin1Char(','))});
    }
    t.print();
    return kOk;
}

}  // namespace dn::ctl
