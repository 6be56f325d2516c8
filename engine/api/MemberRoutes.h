#pragma once
// /admin-api/contexts/{id}/members and …/invites (docs/API.md, ARCHITECTURE
// §15): who belongs to a context, removing members, roles, and the
// invitations this node issued. Changes are governance deltas: the answer
// comes once the delta is durable (its id in `deltaId`).
#include "api/Router.h"
#include "crypto/Hash32.h"
#include <optional>

namespace dn {

class NodeServices;
class Offload;

class MemberRoutes {
public:
    MemberRoutes(NodeServices &node, Offload &offload) : node_(node), offload_(offload) {}
    void install(Router &router);

private:
    void list(const HttpRequest &req, const HttpReplyPtr &reply);
    void remove(const HttpRequest &req, const HttpReplyPtr &reply);
    void setRole(const HttpRequest &req, const HttpReplyPtr &reply);
    void invites(const HttpRequest &req, const HttpReplyPtr &reply);
    void revoke(const HttpRequest &req, const HttpReplyPtr &reply);
    std::optional<Hash32> contextParam(const HttpRequest &req, const HttpReplyPtr &reply) const;
    std::optional<Hash32> memberParam(const HttpRequest &req, const HttpReplyPtr &reply) const;
    // Answers {"deltaId"} once a governance delta is durable, or its error.
    std::function<void(Result<Hash32>)> answerDelta(const HttpReplyPtr &reply);

    NodeServices &node_;
    Offload &offload_;
};

}  // namespace dn
