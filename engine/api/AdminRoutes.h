#pragma once
// /admin-api/… routes for the node, applications, contexts and peers
// (docs/API.md). Engine calls that wait (state queries, deletion, module
// compilation) run on the offload pool; the node thread only routes.
#include "api/Router.h"
#include "crypto/Hash32.h"
#include <optional>

namespace dn {

class NodeServices;
class Offload;

// The first route parameter as a context this node has; answers 400/404
// itself otherwise (shared by the admin and member routes).
std::optional<Hash32> knownContextParam(NodeServices &node, const HttpRequest &req, const HttpReplyPtr &reply);

class AdminRoutes {
public:
    AdminRoutes(NodeServices &node, Offload &offload) : node_(node), offload_(offload) {}
    void install(Router &router);

private:
    void status(const HttpReplyPtr &reply);
    void listApps(const HttpReplyPtr &reply);
    void installApp(const HttpRequest &req, const HttpReplyPtr &reply);
    void listContexts(const HttpReplyPtr &reply);
    void createContext(const HttpRequest &req, const HttpReplyPtr &reply);
    void getContext(const HttpRequest &req, const HttpReplyPtr &reply);
    void deleteContext(const HttpRequest &req, const HttpReplyPtr &reply);
    void invite(const HttpRequest &req, const HttpReplyPtr &reply);
    void join(const HttpRequest &req, const HttpReplyPtr &reply);
    void dag(const HttpRequest &req, const HttpReplyPtr &reply);
    void state(const HttpRequest &req, const HttpReplyPtr &reply);
    void prune(const HttpRequest &req, const HttpReplyPtr &reply);
    // POST peers/{id}/disconnect, POST/DELETE peers/{id}/block.
    enum class PeerAction { Disconnect, Block, Unblock };
    void peerAction(const HttpRequest &req, const HttpReplyPtr &reply, PeerAction action);

    // The {id} of the route as a known context; answers 400/404 itself otherwise.
    std::optional<Hash32> contextParam(const HttpRequest &req, const HttpReplyPtr &reply) const;

    NodeServices &node_;
    Offload &offload_;
};

}  // namespace dn
