#include "Commands.h"

namespace dn::ctl {

const std::vector<Command> &commands() {
    static const std::vector<Command> table = {
        {{"status"}, {}, "peer id, p2p addresses, API URL, version, uptime, counts", {}, 0, 0, cmdStatus},
        {{"peers"}, {}, "connected peers", {}, 0, 0, cmdPeers},
        {{"peers", "disconnect"}, "PEER_ID", "close the connections to a peer (it may reconnect)", {}, 1, 1, cmdPeerDisconnect},
        {{"peers", "block"}, "PEER_ID", "disconnect a peer and refuse it until unblocked", {}, 1, 1, cmdPeerBlock},
        {{"peers", "unblock"}, "PEER_ID", "accept a blocked peer again (and redial it)", {}, 1, 1, cmdPeerUnblock},
        {{"app", "install"}, "FILE.wasm [--name N]", "install a WebAssembly application", {"name"}, 1, 1, cmdAppInstall},
        {{"app", "list"}, {}, "installed applications", {}, 0, 0, cmdAppList},
        {{"context", "create"}, "APP_ID [--name N] [--init-args JSON]", "create a context running an application",
         {"name", "init-args"}, 1, 1, cmdContextCreate},
        {{"context", "list"}, {}, "contexts of this node", {}, 0, 0, cmdContextList},
        {{"context", "invite"}, "CTX [--expires SECONDS] [--uses N]",
         "create an invitation to a context (admins only; default: one join within a day)", {"expires", "uses"}, 1, 1,
         cmdContextInvite},
        {{"context", "members"}, "CTX", "members of a context: peer id, role, online, added when and by whom", {}, 1, 1,
         cmdContextMembers},
        {{"context", "remove-member"}, "CTX PEER_ID", "remove a member (admins only); rotates the context key", {}, 2, 2,
         cmdContextRemoveMember},
        {{"context", "set-role"}, "CTX PEER_ID admin|member", "change a member's role (admins only)", {}, 3, 3, cmdContextSetRole},
        {{"context", "invites"}, "CTX", "invitations this node issued: id, state, uses, expiry", {}, 1, 1, cmdContextInvites},
        {{"context", "revoke-invite"}, "CTX INVITE_ID", "revoke an invitation (admins only)", {}, 2, 2, cmdContextRevokeInvite},
        {{"context", "join"}, "INVITATION", "join a context with an invitation", {}, 1, 1, cmdContextJoin},
        {{"context", "delete"}, "CTX", "delete a context from this node", {}, 1, 1, cmdContextDelete},
        {{"context", "prune"}, "CTX RETAIN [MIN_AGE_SECONDS]",
         "drop old history, keeping about RETAIN deltas behind the heads (and everything younger than MIN_AGE, default 300 s)",
         {}, 2, 3, cmdContextPrune},
        {{"call"}, "CTX METHOD [JSON_ARGS]", "call an application method (prints its output)", {}, 2, 3, cmdCall},
        {{"watch"}, "CTX [--count N]", "print state mutations as they happen (until Ctrl-C)", {"count"}, 1, 1, cmdWatch},
        {{"dag"}, "CTX", "DAG heads, counts and root hash", {}, 1, 1, cmdDag},
        {{"state"}, "CTX [--prefix P] [--limit N]", "state entries of a context", {"prefix", "limit"}, 1, 1, cmdState},
        {{"blob", "put"}, "FILE", "upload a file as a blob (chunked)", {}, 1, 1, cmdBlobPut},
        {{"blob", "get"}, "ID OUT", "download a blob into a file", {}, 2, 2, cmdBlobGet},
        {{"blob", "info"}, "ID", "size and chunk count of a blob", {}, 1, 1, cmdBlobInfo},
        {{"cache"}, {}, "blob cache statistics and entries", {}, 0, 0, cmdCache},
        {{"cache", "evict"}, "[ID]", "evict one blob, or run the three eviction phases now", {}, 0, 1, cmdCacheEvict},
        {{"metrics"}, {}, "Prometheus metrics (raw text)", {}, 0, 0, cmdMetrics},
    };
    return table;
}

const Command *findCommand(const QStringList &positional) {
    const Command *best = nullptr;
    for (const Command &c : commands()) {
        if (c.words.size() > positional.size()) continue;
        if (positional.mid(0, c.words.size()) != c.words) continue;
        if (!best || c.words.size() > best->words.size()) best = &c;
    }
    return best;
}

}  // namespace dn::ctl
