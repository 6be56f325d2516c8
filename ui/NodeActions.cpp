#include "NodeActions.h"
#include "client/NodeClient.h"
#include <QClipboard>
#include <QFileInfo>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QTimer>
#include <QUrl>

namespace dn {

NodeActions::NodeActions(NodeClient *client, QObject *parent) : QObject(parent), client_(client) {
    if (!client_) return;
    connect(client_, &NodeClient::finished, this, &NodeActions::onFinished);
    connect(client_, &NodeClient::progress, this, [this](quint64 id, const QString &stage, double fraction) {
        if (id != joinRequest_) return;
        joinStage_ = stage;
        joinProgress_ = fraction;
        emit joinChanged();
    });
}

int NodeActions::fail(const QString &operation, const QString &message) {
    // Answered like any request, but after the caller has its id.
    const int id = nextLocalId_--;
    QTimer::singleShot(0, this, [this, id, operation, message] { emit finished(id, operation, false, message, {}); });
    return id;
}

int NodeActions::start(quint64 requestId, const QString &operation, int publicId) {
    running_.insert(requestId, {operation, publicId ? publicId : int(requestId), {}, {}});
    emit busyChanged();
    return publicId ? publicId : int(requestId);
}

QString NodeActions::busyText() const {
    if (running_.isEmpty()) return {};
    static const QHash<QString, QString> text{
        {QStringLiteral("install"), QStringLiteral("Installing the app…")},
        {QStringLiteral("create"), QStringLiteral("Creating the context…")},
        {QStringLiteral("invite"), QStringLiteral("Creating an invitation…")},
        {QStringLiteral("join"), QStringLiteral("Joining…")},
        {QStringLiteral("delete"), QStringLiteral("Deleting the context…")},
        {QStringLiteral("members"), QStringLiteral("Reading the members…")},
        {QStringLiteral("removeMember"), QStringLiteral("Removing the member…")},
        {QStringLiteral("setRole"), QStringLiteral("Changing the role…")},
        {QStringLiteral("call"), QStringLiteral("Calling the method…")}};
    const QString op = running_.cbegin()->operation;
    return text.value(op, QStringLiteral("Working…"));
}

int NodeActions::createContext(const QString &app, const QString &name, const QString &initArgs) {
    if (!client_) return fail(QStringLiteral("create"), QStringLiteral("no node"));
    if (const QString e = jsonError(initArgs); !e.isEmpty())
        return fail(QStringLiteral("create"), QStringLiteral("init arguments: ") + e);
    QString path = app.startsWith(QLatin1String("file:")) ? QUrl(app).toLocalFile() : app;
    for (const auto &[bundled, bundledPath] : client_->bundledApps())
        if (bundled == app) path = bundledPath;
    if (!path.endsWith(QLatin1String(".wasm"))) {
        // An installed app's id.
        return start(client_->createContext(app, name, initArgs), QStringLiteral("create"));
    }
    if (!QFileInfo::exists(path)) return fail(QStringLiteral("create"), QStringLiteral("no such file: %1").arg(path));
    const quint64 install = client_->installApp(path);
    const int publicId = start(install, QStringLiteral("create"));
    running_[install].name = name.isEmpty() ? QFileInfo(path).completeBaseName() : name;
    running_[install].initArgs = initArgs;
    running_[install].operation = QStringLiteral("install");
    return publicId;
}

int NodeActions::invite(const QString &contextId, int expiresInSeconds, int uses) {
    if (!client_) return fail(QStringLiteral("invite"), QStringLiteral("no node"));
    if (expiresInSeconds < 60) return fail(QStringLiteral("invite"), QStringLiteral("an invitation lasts at least a minute"));
    if (uses < 1 || uses > 10000) return fail(QStringLiteral("invite"), QStringLiteral("an invitation admits 1 to 10000 joins"));
    return start(client_->invite(contextId, expiresInSeconds, uses), QStringLiteral("invite"));
}

int NodeActions::members(const QString &contextId) {
    if (!client_) return fail(QStringLiteral("members"), QStringLiteral("no node"));
    return start(client_->members(contextId), QStringLiteral("members"));
}

int NodeActions::removeMember(const QString &contextId, const QString &peerId) {
    if (!client_) return fail(QStringLiteral("removeMember"), QStringLiteral("no node"));
    return start(client_->removeMember(contextId, peerId), QStringLiteral("removeMember"));
}

int NodeActions::setRole(const QString &contextId, const QString &peerId, const QString &role) {
    if (!client_) return fail(QStringLiteral("setRole"), QStringLiteral("no node"));
    return start(client_->setRole(contextId, peerId, role), QStringLiteral("setRole"));
}

int NodeActions::join(const QString &invitation) {
    if (!client_) return fail(QStringLiteral("join"), QStringLiteral("no node"));
    const QString text = invitation.trimmed();
    if (!text.startsWith(QLatin1String("dn1")))
        return fail(QStringLiteral("join"), QStringLiteral("an invitation starts with dn1"));
    joinRequest_ = client_->join(text);
    joinStage_ = QStringLiteral("Starting");
    joinProgress_ = 0.05;
    emit joinChanged();
    return start(joinRequest_, QStringLiteral("join"));
}

int NodeActions::deleteContext(const QString &contextId) {
    if (!client_) return fail(QStringLiteral("delete"), QStringLiteral("no node"));
    return start(client_->deleteContext(contextId), QStringLiteral("delete"));
}

int NodeActions::call(const QString &contextId, const QString &method, const QString &argsJson) {
    if (!client_) return fail(QStringLiteral("call"), QStringLiteral("no node"));
    if (method.isEmpty()) return fail(QStringLiteral("call"), QStringLiteral("pick a method"));
    if (const QString e = jsonError(argsJson); !e.isEmpty())
        return fail(QStringLiteral("call"), QStringLiteral("arguments: ") + e);
    return start(client_->callMethod(contextId, method, argsJson.trimmed().isEmpty() ? QStringLiteral("{}") : argsJson),
                 QStringLiteral("call"));
}

int NodeActions::evictBlob(const QString &blobId) {
    if (!client_) return fail(QStringLiteral("evict"), QStringLiteral("no node"));
    return start(client_->evictBlob(blobId), QStringLiteral("evict"));
}

int NodeActions::disconnectPeer(const QString &peerId) {
    if (!client_) return fail(QStringLiteral("disconnect"), QStringLiteral("no node"));
    return start(client_->disconnectPeer(peerId), QStringLiteral("disconnect"));
}

int NodeActions::blockPeer(const QString &peerId) {
    if (!client_) return fail(QStringLiteral("block"), QStringLiteral("no node"));
    return start(client_->blockPeer(peerId), QStringLiteral("block"));
}

void NodeActions::onFinished(quint64 id, const ClientReply &reply) {
    auto it = running_.find(id);
    if (it == running_.end()) return;  // the monitor's own reads
    Running r = *it;
    running_.erase(it);
    if (id == joinRequest_) {
        joinRequest_ = 0;
        emit joinChanged();
    }
    if (r.operation == QLatin1String("install") && reply.ok) {
        // Second half of "create from a .wasm": the app is in, now the context.
        const QString appId = reply.data.value(QStringLiteral("applicationId")).toString();
        running_.insert(client_->createContext(appId, r.name, r.initArgs), {QStringLiteral("create"), r.publicId, {}, {}});
        emit busyChanged();
        return;
    }
    emit busyChanged();
    const QString op = r.operation == QLatin1String("install") ? QStringLiteral("create") : r.operation;
    emit finished(r.publicId, op, reply.ok, reply.message, reply.data);
}

QString NodeActions::jsonError(const QString &text) const {
    const QByteArray bytes = text.trimmed().toUtf8();
    if (bytes.isEmpty()) return {};
    QJsonParseError err{};
    // Wrapped in an array so that any JSON value (not only objects) is accepted.
    const QJsonDocument doc = QJsonDocument::fromJson("[" + bytes + "]", &err);
    if (err.error == QJsonParseError::NoError)
        return doc.array().size() == 1 ? QString() : QStringLiteral("one JSON value expected, found several");
    return QStringLiteral("%1 at character %2").arg(err.errorString()).arg(std::max(1, err.offset));
}

void NodeActions::copyText(const QString &text) const {
    if (QClipboard *c = QGuiApplication::clipboard()) c->setText(text);
}

}  // namespace dn
