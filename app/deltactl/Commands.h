#pragma once
// The command table: which words select which command, its arguments, the
// options it accepts, and the function that runs it. One .cpp per group
// (node, app, context, call/watch, blob, cache) implements the functions.
#include <QString>
#include <QStringList>
#include <vector>

namespace dn::ctl {

class Session;

using CommandFn = int (*)(Session &, const QStringList &args);

struct Command {
    QStringList words;    // {"context", "create"}
    QString arguments;    // "APP_ID [--name N] [--init-args JSON]"
    QString summary;
    QStringList options;  // command-specific options it accepts
    int minArgs;
    int maxArgs;
    CommandFn run;
};

const std::vector<Command> &commands();

// The command whose words are the longest prefix of `positional`, or nullptr.
const Command *findCommand(const QStringList &positional);

// Node: status, peers, metrics.
int cmdStatus(Session &s, const QStringList &args);
int cmdPeers(Session &s, const QStringList &args);
int cmdMetrics(Session &s, const QStringList &args);
// Peers (PeerCommands.cpp).
int cmdPeerDisconnect(Session &s, const QStringList &args);
int cmdPeerBlock(Session &s, const QStringList &args);
int cmdPeerUnblock(Session &s, const QStringList &args);
int cmdContextPrune(Session &s, const QStringList &args);
// Applications.
int cmdAppInstall(Session &s, const QStringList &args);
int cmdAppList(Session &s, const QStringList &args);
// Contexts.
int cmdContextCreate(Session &s, const QStringList &args);
int cmdContextList(Session &s, const QStringList &args);
int cmdContextInvite(Session &s, const QStringList &args);
int cmdContextJoin(Session &s, const QStringList &args);
int cmdContextDelete(Session &s, const QStringList &args);
// Members and invitations (MemberCommands.cpp).
int cmdContextMembers(Session &s, const QStringList &args);
int cmdContextRemoveMember(Session &s, const QStringList &args);
int cmdContextSetRole(Session &s, const QStringList &args);
int cmdContextInvites(Session &s, const QStringList &args);
int cmdContextRevokeInvite(Session &s, const QStringList &args);
int cmdDag(Session &s, const QStringList &args);
int cmdState(Session &s, const QStringList &args);
// Calls and events.
int cmdCall(Session &s, const QStringList &args);
int cmdWatch(Session &s, const QStringList &args);
// Blobs and the blob cache.
int cmdBlobPut(Session &s, const QStringList &args);
int cmdBlobGet(Session &s, const QStringList &args);
int cmdBlobInfo(Session &s, const QStringList &args);
int cmdCache(Session &s, const QStringList &args);
int cmdCacheEvict(Session &s, const QStringList &args);

}  // namespace dn::ctl
