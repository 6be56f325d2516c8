// peers disconnect|block|unblock, context prune: admin actions on the
// network (used by partition tests and by people debugging a cluster).
#include "Commands.h"
#include "Output.h"
#include "Session.h"
#include "Validate.h"

#include <QJsonObject>
#include <QRegularExpression>

namespace dn::ctl {
namespace {

// libp2p Ed25519 peer ids: base58 of a 38-byte identity multihash, always
// "12D3KooW" + 44 more characters. Checked here so that nothing else ever
// lands in a URL path.
std::optional<QString> checkPeerId(const QString &text) {
    static const QRegularExpression re(QStringLiteral("^12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$"));
    if (re.match(text).hasMatch()) return std::nullopt;
    return QStringLiteral("'%1' is not a peer id (12D3KooW…)").arg(text);
}

int peerAction(Session &s, const QString &peer, const QByteArray &verb, const QString &rest, const QString &done) {
    if (auto bad = checkPeerId(peer)) return s.usage(*bad);
    const HttpReply r = s.http().send(verb, QStringLiteral("/admin-api/peers/") + peer + rest, "{}", "application/json");
    int rc = kOk;
    const auto o = s.object(r, &rc);
    if (!o) return rc;
    if (s.printRawJson(r)) return kOk;
    printOut(done.arg(peer));
    return kOk;
}

}  // namespace

int cmdPeerDisconnect(Session &s, const QStringList &args) {
    return peerAction(s, args[0], "POST", QStringLiteral("/disconnect"), QStringLiteral("disconnected %1"));
}

int cmdPeerBlock(Session &s, const QStringList &args) {
    return peerAction(s, args[0], "POST", QStringLiteral("/block"), QStringLiteral("blocked %1"));
}

int cmdPeerUnblock(Session &s, const QStringList &args) {
    return peerAction(s, args[0], "DELETE", QStringLiteral("/block"), QStringLiteral("unblocked %1"));
}

int cmdContextPrune(Session &s, const QStringList &args) {
    if (auto bad = checkId(QStringLiteral("context id"), args[0])) return s.usage(*bad);
    const auto retain = parseCount(args[1]);
    if (!retain) return s.usage(QStringLiteral("RETAIN is a number of deltas to keep"));
    QJsonObject body{{QStringLiteral("retain"), double(*retain)}};
    if (args.size() > 2) {
        const auto minAge = parseCount(args[2]);
        if (!minAge) return s.usage(QStringLiteral("MIN_AGE is a number of seconds"));
        body.insert(QStringLiteral("minAgeSeconds"), double(*minAge));
    }
    const HttpReply r = s.http().postJson(QStringLiteral("/admin-api/contexts/") + args[0] + QStringLiteral("/prune"), body);
    int rc = kOk;
    const auto o = s.object(r, &rc);
    if (!o) return rc;
    if (s.printRawJson(r)) return kOk;
    printOut(QStringLiteral("pruned %1 deltas").arg(jsonText(o->value(QLatin1String("pruned")))));
    return kOk;
}

}  // namespace dn::ctl
