// blob put/get/info: large files stream through in 1 MiB pieces both ways.
#include "BlobUpload.h"
#include "Commands.h"
#include "Output.h"
#include "ProgressBar.h"
#include "Session.h"
#include "Validate.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace dn::ctl {
namespace {

QString blobPath(const QString &id, const QString &rest = {}) {
    return QStringLiteral("/admin-api/blobs/") + id + rest;  // ids are checked base58: nothing to escape
}

}  // namespace

int cmdBlobPut(Session &s, const QStringList &args) {
    QFile file(args[0]);
    if (!QFileInfo(file).isFile()) return s.usage(QStringLiteral("'%1' is not a file").arg(args[0]));
    if (!file.open(QIODevice::ReadOnly)) return s.usage(QStringLiteral("cannot read %1: %2").arg(args[0], file.errorString()));
    ProgressBar bar(QStringLiteral("upload"), file.size());
    const HttpReply r = uploadBlob(s.http(), file, &bar);
    int rc = kOk;
    const auto o = s.object(r, &rc);
    if (!o) return rc;
    bar.finish();
    const qint64 size = qint64(o->value(QLatin1String("size")).toDouble());
    if (size != file.size())
        return s.failed(QStringLiteral("the node stored %1 bytes but the file has %2").arg(size).arg(file.size()));
    if (s.printRawJson(r)) return kOk;
    printOut(QStringLiteral("blob id: %1").arg(o->value(QLatin1String("blobId")).toString()));
    printOut(QStringLiteral("size:    %1 (%2 bytes)").arg(humanBytes(size)).arg(size));
    return kOk;
}

int cmdBlobGet(Session &s, const QStringList &args) {
    if (auto bad = checkId(QStringLiteral("blob id"), args[0])) return s.usage(*bad);
    if (args[1].isEmpty()) return s.usage(QStringLiteral("the output file name is empty"));
    if (QFileInfo(args[1]).isDir()) return s.usage(QStringLiteral("'%1' is a directory").arg(args[1]));

    // The size first: an unknown id fails before any file is touched, and
    // the download can be checked against it.
    const HttpReply infoReply = s.http().get(blobPath(args[0], QStringLiteral("/info")));
    int rc = kOk;
    const auto info = s.object(infoReply, &rc);
    if (!info) return rc;
    const qint64 size = qint64(info->value(QLatin1String("size")).toDouble());

    // QSaveFile writes beside the target and renames on commit: a failed
    // download never leaves a truncated file under the requested name.
    QSaveFile out(args[1]);
    if (!out.open(QIODevice::WriteOnly)) return s.usage(QStringLiteral("cannot write %1: %2").arg(args[1], out.errorString()));
    ProgressBar bar(QStringLiteral("download"), size);
    qint64 written = 0;
    const HttpReply r = s.http().download(blobPath(args[0]), &out, [&](qint64 done, qint64 total) { bar.update(done, total); }, &written);
    if (!r.ok()) {
        out.cancelWriting();
        return s.fail(r);
    }
    if (written != size || (r.contentLength >= 0 && r.contentLength != size)) {
        out.cancelWriting();
        return s.failed(QStringLiteral("received %1 bytes but the blob has %2").arg(written).arg(size));
    }
    if (!out.commit()) return s.failed(QStringLiteral("cannot write %1: %2").arg(args[1], out.errorString()));
    bar.finish();
    if (s.json()) {
        QJsonObject o = *info;
        o.insert(QStringLiteral("file"), QFileInfo(args[1]).absoluteFilePath());
        printOut(jsonText(o));
        return kOk;
    }
    printOut(QStringLiteral("wrote %1 (%2 bytes) to %3").arg(humanBytes(written)).arg(written).arg(args[1]));
    return kOk;
}

int cmdBlobInfo(Session &s, const QStringList &args) {
    if (auto bad = checkId(QStringLiteral("blob id"), args[0])) return s.usage(*bad);
    const HttpReply r = s.http().get(blobPath(args[0], QStringLiteral("/info")));
    int rc = kOk;
    const auto o = s.object(r, &rc);
    if (!o) return rc;
    if (s.printRawJson(r)) return kOk;
    const qint64 size = qint64(o->value(QLatin1String("size")).toDouble());
    printOut(QStringLiteral("blob id: %1").arg(o->value(QLatin1String("blobId")).toString()));
    printOut(QStringLiteral("size:    %1 (%2 bytes)").arg(humanBytes(size)).arg(size));
    printOut(QStringLiteral("chunks:  %1").arg(jsonText(o->value(QLatin1String("chunks")))));
    return kOk;
}

}  // namespace dn::ctl
