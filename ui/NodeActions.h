#pragma once
// What a person can do from the monitor (Contexts, Peers and Blob cache
// pages), as `Monitor.actions` in QML. Every call returns a request id at
// once and ends with finished(id, operation, ok, message, result); while
// requests run, `busy` is true and `busyText` says what is going on, so a
// page can show progress instead of freezing.
#include <QHash>
#include <QObject>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

namespace dn {

class NodeClient;
struct ClientReply;

class NodeActions : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Monitor.actions")
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(QString busyText READ busyText NOTIFY busyChanged)
    Q_PROPERTY(bool joining READ joining NOTIFY joinChanged)
    Q_PROPERTY(QString joinStage READ joinStage NOTIFY joinChanged)
    Q_PROPERTY(double joinProgress READ joinProgress NOTIFY joinChanged)
public:
    explicit NodeActions(NodeClient *client, QObject *parent = nullptr);

    // `app`: an installed app id, a bundled app name, or a .wasm path / file:// URL.
    Q_INVOKABLE int createContext(const QString &app, const QString &name, const QString &initArgs = {});
    // `expiresInSeconds` from now, admitting `uses` joins (1..10000).
    Q_INVOKABLE int invite(const QString &contextId, int expiresInSeconds = 7 * 24 * 3600, int uses = 1);
    // finished(..., result {members: [{peerId, role, self, online, addedBy, addedAt}], selfRole, epoch}).
    Q_INVOKABLE int members(const QString &contextId);
    Q_INVOKABLE int removeMember(const QString &contextId, const QString &peerId);
    Q_INVOKABLE int setRole(const QString &contextId, const QString &peerId, const QString &role);
    Q_INVOKABLE int join(const QString &invitation);
    Q_INVOKABLE int deleteContext(const QString &contextId);
    Q_INVOKABLE int call(const QString &contextId, const QString &method, const QString &argsJson);
    Q_INVOKABLE int evictBlob(const QString &blobId);
    Q_INVOKABLE int disconnectPeer(const QString &peerId);
    Q_INVOKABLE int blockPeer(const QString &peerId);

    // "" when `text` is valid JSON (empty counts as {}), else what is wrong and where.
    Q_INVOKABLE QString jsonError(const QString &text) const;
    Q_INVOKABLE void copyText(const QString &text) const;

    bool busy() const { return !running_.isEmpty(); }
    QString busyText() const;
    bool joining() const { return joinRequest_ != 0; }
    QString joinStage() const { return joinStage_; }
    double joinProgress() const { return joinProgress_; }

signals:
    void finished(int requestId, const QString &operation, bool ok, const QString &message, const QVariantMap &result);
    void busyChanged();
    void joinChanged();

private:
    struct Running {
        QString operation;  // what finished() reports
        int publicId = 0;   // the id the caller got (a create may run an install first)
        QString name, initArgs;
    };
    int start(quint64 requestId, const QString &operation, int publicId = 0);
    void onFinished(quint64 id, const ClientReply &reply);
    int fail(const QString &operation, const QString &message);

    NodeClient *client_;
    QHash<quint64, Running> running_;
    int nextLocalId_ = -1;  // ids of requests refused before reaching the node
    quint64 joinRequest_ = 0;
    QString joinStage_;
    double joinProgress_ = 0;
};

}  // namespace dn
