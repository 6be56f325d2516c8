#include "client/NodeViews.h"
#include "crypto/PeerId.h"
#include <QStringDecoder>

namespace dn::views {

QString displayBytes(const QByteArray &bytes, int maxChars) {
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = utf8.decode(bytes);
    if (utf8.hasError()) text = QStringLiteral("base64:") + QString::fromLatin1(bytes.toBase64());
    if (text.size() > maxChars) text = text.left(maxChars) + QStringLiteral("…");
    return text;
}

QString describeAction(const Action &a) {
    switch (a.kind) {
    case Action::Kind::Put:
        return QStringLiteral("put %1 = %2").arg(displayBytes(a.key, 256), displayBytes(a.value, 256));
    case Action::Kind::Remove:
        return QStringLiteral("remove %1").arg(displayBytes(a.key, 256));
    case Action::Kind::CounterAdd:
        return QStringLiteral("counter %1 += %2").arg(displayBytes(a.key, 256)).arg(a.amount);
    }
    return {};
}

QString describeEvent(const Event &e) {
    QString s = QString::fromUtf8(e.kind) + QLatin1Char(' ') + displayBytes(e.data, 512);
    if (!e.handler.isEmpty()) s += QStringLiteral(" → ") + QString::fromUtf8(e.handler);
    return s;
}

DagDeltaView dagDelta(const DeltaSummary &d, const std::unordered_set<Hash32> &heads) {
    DagDeltaView v;
    v.id = d.id.toBase58();
    for (const auto &p : d.parents) v.parents << p.toBase58();
    v.author = peerIdFromPublicKey(d.author);
    v.hlc = d.hlc;
    v.applied = d.applied;
    v.local = d.local;
    v.isHead = heads.count(d.id) > 0;
    v.receivedAtMs = d.receivedAtMs;
    for (const auto &a : d.actions) v.actions << describeAction(a);
    for (const auto &e : d.events) v.events << describeEvent(e);
    return v;
}

StateEntryView stateEntry(const StateItem &item) {
    StateEntryView v;
    v.key = displayBytes(item.key, 1024);
    v.isCounter = item.isCounter;
    v.counter = item.counter;
    if (!item.isCounter) v.value = displayBytes(item.value);
    return v;
}

QVariantMap contextMap(const ContextInfo &c) {
    QStringList heads;
    for (const auto &h : c.heads) heads << h.toBase58();
    return {{QStringLiteral("contextId"), c.id.toBase58()},
            {QStringLiteral("applicationId"), c.appId.toBase58()},
            {QStringLiteral("name"), c.name},
            {QStringLiteral("heads"), heads},
            {QStringLiteral("rootHash"), c.rootHash.toBase58()},
            {QStringLiteral("appliedCount"), double(c.appliedCount)},
            {QStringLiteral("pendingCount"), double(c.pendingCount)},
            {QStringLiteral("isOwner"), c.isOwner}};
}

QVariantMap appMap(const AppRecord &a) {
    return {{QStringLiteral("applicationId"), a.id.toBase58()},
            {QStringLiteral("name"), a.name},
            {QStringLiteral("size"), double(a.size)},
            {QStringLiteral("methods"), a.methods},
            {QStringLiteral("hasInit"), a.hasInit}};
}

QVariantMap executeMap(const ExecuteResult &r) {
    QVariantList events;
    for (const auto &e : r.events)
        events << QVariantMap{{QStringLiteral("kind"), QString::fromUtf8(e.kind)}, {QStringLiteral("data"), displayBytes(e.data)}};
    QVariantMap o{{QStringLiteral("output"), displayBytes(r.output, 1 << 20)},
                  {QStringLiteral("logs"), r.logs},
                  {QStringLiteral("events"), events},
                  {QStringLiteral("rootHash"), r.rootHash.toBase58()},
                  {QStringLiteral("elapsedUs"), double(r.elapsedUs)}};
    if (r.deltaId) o.insert(QStringLiteral("deltaId"), r.deltaId->toBase58());
    return o;
}

PeerView peerView(const PeerInfo &p) {
    PeerView v;
    v.peerId = p.peerId.toBase58();
    v.address = p.address.isEmpty() && !p.addresses.isEmpty() ? p.addresses.first() : p.address;
    v.direction = p.direction;
    v.rttMs = p.rttMicros < 0 ? -1 : double(p.rttMicros) / 1000.0;
    v.protocols = p.protocols;
    v.topics = p.topics;
    v.bytesIn = p.bytesIn;
    v.bytesOut = p.bytesOut;
    v.score = p.gossipScore;
    v.graylisted = p.graylisted;
    v.scoreReason = p.scoreReason;
    v.lastDrop = p.lastDrop;
    return v;
}

}  // namespace dn::views
