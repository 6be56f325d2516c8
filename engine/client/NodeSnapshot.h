#pragma once
// Plain values the desktop monitor receives through NodeClient (ARCHITECTURE §3,
// §13). They are copies made on the node thread and handed to the GUI thread
// in one batch, so they hold only Qt value types: ui/ and qml/ include this
// header and NodeClient.h, never an engine internal. Ids are base58 strings,
// as the API and deltactl show them.
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVariantMap>
#include <QVector>

namespace dn {

struct StatusView {
    QString peerId;
    QStringList addresses;
    QString apiUrl;
    QString version;
    QString dataDir;
    qint64 uptimeSeconds = 0;
    int contexts = 0;
    int apps = 0;
    int peers = 0;
    quint64 transactions = 0;     // cumulative; the GUI derives rates
    quint64 failedCalls = 0;
    quint64 deltasApplied = 0;
    quint64 deltasPending = 0;    // pending right now, over all contexts
    quint64 deltasDuplicate = 0;
    quint64 handlersRun = 0;
    // Set once the database failed (ARCHITECTURE "Fail-stop storage"): the
    // node stopped accepting changes and is shutting down. The GUI shows it.
    QString storageFailure;
    friend bool operator==(const StatusView &, const StatusView &) = default;
};

struct AppView {
    QString id;
    QString name;
    quint64 size = 0;
    QStringList methods;
    bool hasInit = false;
    friend bool operator==(const AppView &, const AppView &) = default;
};

struct ContextView {
    QString id;
    QString name;
    QString appId;
    QString appName;
    QStringList methods;  // the app's exports, for the call panel
    QStringList heads;
    QString rootHash;
    quint64 applied = 0;
    quint64 pending = 0;
    int members = 0;      // membership entries; 0 until first counted
    qint64 createdAtMs = 0;
    bool isOwner = false;
    friend bool operator==(const ContextView &, const ContextView &) = default;
};

struct PeerView {
    QString peerId;
    QString address;
    QString direction;    // "inbound" / "outbound"
    double rttMs = -1;    // -1: not measured yet
    QStringList protocols;
    QStringList topics;
    quint64 bytesIn = 0;
    quint64 bytesOut = 0;
    double score = 0;       // gossip peer score
    bool graylisted = false;
    QString scoreReason;    // why the score is negative
    QString lastDrop;       // why the node last dropped it
    friend bool operator==(const PeerView &, const PeerView &) = default;
};

struct BlobEntryView {
    QString id;
    quint64 size = 0;
    qint64 insertedAtMs = 0;
    qint64 lastAccessMs = 0;
    quint64 hits = 0;
    friend bool operator==(const BlobEntryView &, const BlobEntryView &) = default;
};

struct BlobCacheView {
    quint64 entries = 0;
    quint64 bytes = 0;
    quint64 hits = 0;
    quint64 misses = 0;
    quint64 evictedIdle = 0;
    quint64 evictedCount = 0;
    quint64 evictedBytes = 0;
    quint64 evictedManual = 0;
    quint64 evictionRuns = 0;
    QVector<BlobEntryView> items;  // most recently used first
    friend bool operator==(const BlobCacheView &, const BlobCacheView &) = default;
};

// One pipeline phase's latency histogram, cumulative since start. Bucket i
// counts samples ≤ NodeSnapshot::bucketBounds[i] µs (log scale).
struct HistogramView {
    QString phase;  // transaction, broadcast, reception, application, event_handlers, websocket, end_to_end
    QVector<quint64> buckets;
    quint64 count = 0;
    quint64 sumMicros = 0;
    friend bool operator==(const HistogramView &, const HistogramView &) = default;
};

struct LogLineView {
    enum Level { Debug = 0, Info = 1, Warning = 2, Critical = 3 };
    quint64 seq = 0;
    qint64 timeMs = 0;
    int level = Info;
    QString category;
    QString message;
    friend bool operator==(const LogLineView &, const LogLineView &) = default;
};

// An app event carried by a delta that was merged into a context.
struct EventView {
    quint64 seq = 0;
    qint64 timeMs = 0;
    QString contextId;
    QString deltaId;
    QString kind;
    QString data;
    friend bool operator==(const EventView &, const EventView &) = default;
};

// Everything the monitor shows, as of one moment. Logs and events are only
// the ones new since the previous snapshot; the rest is complete.
struct NodeSnapshot {
    quint64 serial = 0;
    qint64 takenAtMs = 0;
    StatusView status;
    QVector<AppView> apps;
    QVector<ContextView> contexts;
    QVector<PeerView> peers;
    BlobCacheView blobCache;
    QVector<HistogramView> phases;
    QVector<double> bucketBounds;  // µs, shared by every phase
    QVector<LogLineView> newLogLines;
    QVector<EventView> newEvents;
    quint64 droppedEvents = 0;     // events beyond the per-batch cap
    QVector<LogLineView> recentErrors;  // the last warnings/errors, newest last
};

// One delta for the DAG page (from Engine::deltas on a worker thread).
struct DagDeltaView {
    QString id;
    QStringList parents;
    QString author;        // base58 public key
    quint64 hlc = 0;
    bool applied = false;
    bool local = false;
    bool isHead = false;
    qint64 receivedAtMs = 0;
    QStringList actions;   // "put key = value", "remove key", "counter key += n"
    QStringList events;    // "Kind data"
    friend bool operator==(const DagDeltaView &, const DagDeltaView &) = default;
};

struct StateEntryView {
    QString key;
    QString value;
    bool isCounter = false;
    qint64 counter = 0;
    friend bool operator==(const StateEntryView &, const StateEntryView &) = default;
};

// The answer to one NodeClient request.
struct ClientReply {
    bool ok = false;
    QString code;     // machine-readable failure kind
    QString message;  // readable sentence (failures)
    QVariantMap data; // what the operation produced (plain values: QML reads it as is)
};

}  // namespace dn

Q_DECLARE_METATYPE(dn::NodeSnapshot)
Q_DECLARE_METATYPE(dn::ClientReply)
Q_DECLARE_METATYPE(dn::DagDeltaView)
Q_DECLARE_METATYPE(dn::StateEntryView)
