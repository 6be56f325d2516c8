#include "client/NodeClient.h"
#include "api/NodeServices.h"
#include "client/NodeClientBackend.h"
#include "client/NodeLogBuffer.h"
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QThread>

namespace dn {
namespace {

// The sample apps of resources/apps. The build tree's wasm dir also holds
// test modules, which are no apps to offer a person.
const QStringList &sampleApps() {
    static const QStringList names{QStringLiteral("kv_store"), QStringLiteral("counter"), QStringLiteral("chat")};
    return names;
}

void registerTypes() {
    qRegisterMetaType<dn::NodeSnapshot>();
    qRegisterMetaType<dn::ClientReply>();
    qRegisterMetaType<QVector<dn::DagDeltaView>>();
    qRegisterMetaType<QVector<dn::StateEntryView>>();
}

}  // namespace

NodeClient::NodeClient(NodeServices *node, Options options, QObject *parent)
    : QObject(parent), node_(node), options_(std::move(options)) {
    registerTypes();
    NodeLogBuffer::install();
    backend_ = new NodeClientBackend(node, options_.phaseHistograms);
    backend_->moveToThread(node->thread());
    // Queued even when the node shares our thread (tests), so answers never
    // arrive inside the call that asked.
    connect(backend_, &NodeClientBackend::snapshotReady, this, &NodeClient::onSnapshot, Qt::QueuedConnection);
    connect(backend_, &NodeClientBackend::finished, this, &NodeClient::finished, Qt::QueuedConnection);
    connect(backend_, &NodeClientBackend::progress, this, &NodeClient::progress, Qt::QueuedConnection);
    connect(backend_, &NodeClientBackend::dagReady, this, &NodeClient::dagReady, Qt::QueuedConnection);
    connect(backend_, &NodeClientBackend::stateReady, this, &NodeClient::stateReady, Qt::QueuedConnection);
    const int interval = std::max(options_.snapshotIntervalMs, 250);
    QMetaObject::invokeMethod(backend_, [b = backend_, interval] { b->start(interval); }, Qt::QueuedConnection);
}

NodeClient::~NodeClient() {
    // The backend belongs to the node thread: it is deleted there, after any
    // request already queued to it, and before we return, so nothing of it
    // outlives the client (the node outlives both, see the header). This is
    // the one place the GUI waits for the node thread: at shutdown.
    QThread *t = backend_->thread();
    if (!t || t == QThread::currentThread() || !t->isRunning()) delete backend_;
    else QMetaObject::invokeMethod(backend_, [b = backend_] { delete b; }, Qt::BlockingQueuedConnection);
}

template <typename F> quint64 NodeClient::post(F &&call) {
    const quint64 id = ++nextId_;
    QMetaObject::invokeMethod(backend_, [b = backend_, id, call = std::forward<F>(call)] { call(b, id); },
                              Qt::QueuedConnection);
    return id;
}

void NodeClient::onSnapshot(const NodeSnapshot &s) {
    snapshot_ = s;
    emit snapshotReady(snapshot_);
}

QStringList NodeClient::appSearchPaths() {
    QStringList dirs;
    if (const QByteArray env = qgetenv("DELTANODE_APPS_DIR"); !env.isEmpty()) dirs << QString::fromLocal8Bit(env);
    const QString exeDir = QCoreApplication::applicationDirPath();
    dirs << QDir(exeDir).filePath(QStringLiteral("../wasm"))            // build tree: build/app/deltanode
         << QDir(exeDir).filePath(QStringLiteral("../share/deltanode/apps"));  // installed: /usr/bin/deltanode
    for (const QString &d : QStandardPaths::standardLocations(QStandardPaths::GenericDataLocation))
        dirs << QDir(d).filePath(QStringLiteral("deltanode/apps"));
    return dirs;
}

QVector<QPair<QString, QString>> NodeClient::bundledApps() const {
    QVector<QPair<QString, QString>> out;
    QStringList seen;
    const QStringList dirs = options_.appDirs.isEmpty() ? appSearchPaths() : options_.appDirs;
    for (const QString &dir : dirs) {
        const QFileInfoList files = QDir(dir).entryInfoList({QStringLiteral("*.wasm")}, QDir::Files, QDir::Name);
        const bool buildTree = QFileInfo::exists(QDir(dir).filePath(QStringLiteral("trivial.wasm")));
        for (const QFileInfo &f : files) {
            const QString name = f.completeBaseName();
            if (seen.contains(name) || (buildTree && !sampleApps().contains(name))) continue;
            seen << name;
            out.push_back({name, f.absoluteFilePath()});
        }
    }
    return out;
}

quint64 NodeClient::installApp(const QString &wasmPath, const QString &name) {
    return post([wasmPath, name](NodeClientBackend *b, quint64 id) { b->installApp(id, wasmPath, name); });
}

quint64 NodeClient::createContext(const QString &appId, const QString &name, const QString &initArgsJson) {
    return post([=](NodeClientBackend *b, quint64 id) { b->createContext(id, appId, name, initArgsJson); });
}

quint64 NodeClient::invite(const QString &contextId, qint64 expiresInSeconds, int uses) {
    return post([=](NodeClientBackend *b, quint64 id) { b->invite(id, contextId, expiresInSeconds, uses); });
}

quint64 NodeClient::join(const QString &invitation) {
    return post([=](NodeClientBackend *b, quint64 id) { b->join(id, invitation); });
}

quint64 NodeClient::deleteContext(const QString &contextId) {
    return post([=](NodeClientBackend *b, quint64 id) { b->deleteContext(id, contextId); });
}

quint64 NodeClient::members(const QString &contextId) {
    return post([=](NodeClientBackend *b, quint64 id) { b->members(id, contextId); });
}

quint64 NodeClient::removeMember(const QString &contextId, const QString &peerId) {
    return post([=](NodeClientBackend *b, quint64 id) { b->removeMember(id, contextId, peerId); });
}

quint64 NodeClient::setRole(const QString &contextId, const QString &peerId, const QString &role) {
    return post([=](NodeClientBackend *b, quint64 id) { b->setRole(id, contextId, peerId, role); });
}

quint64 NodeClient::callMethod(const QString &contextId, const QString &method, const QString &argsJson) {
    return post([=](NodeClientBackend *b, quint64 id) { b->call(id, contextId, method, argsJson); });
}

quint64 NodeClient::fetchState(const QString &contextId, const QString &prefix, int limit) {
    return post([=](NodeClientBackend *b, quint64 id) { b->fetchState(id, contextId, prefix, limit); });
}

quint64 NodeClient::fetchDag(const QString &contextId, int limit) {
    return post([=](NodeClientBackend *b, quint64 id) { b->fetchDag(id, contextId, limit); });
}

quint64 NodeClient::disconnectPeer(const QString &peerId) {
    return post([=](NodeClientBackend *b, quint64 id) { b->peerAction(id, peerId, QStringLiteral("disconnect")); });
}

quint64 NodeClient::blockPeer(const QString &peerId) {
    return post([=](NodeClientBackend *b, quint64 id) { b->peerAction(id, peerId, QStringLiteral("block")); });
}

quint64 NodeClient::evictBlob(const QString &blobId) {
    return post([=](NodeClientBackend *b, quint64 id) { b->evictBlob(id, blobId); });
}

void NodeClient::refresh() {
    QMetaObject::invokeMethod(backend_, [b = backend_] { b->snapshotNow(); }, Qt::QueuedConnection);
}

}  // namespace dn
