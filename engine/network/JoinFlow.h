#pragma once
// Joining a context from an invitation (ARCHITECTURE §4), one step after the other
// on the node thread, each step logged:
//   1. dial the inviter (its addresses from the invitation, first that works)
//   2. fetch the app module over /deltanode/blob/1.0.0 if it is not
//      installed, check it hashes to the app id, install it
//   3. Engine::joinContext (the record and the key), subscribe to the topic
//   4. sync with the inviter (a snapshot when its history is long or pruned)
//   5. write our membership entry (\0members/<peer id>) as a node delta
// Joining again later resumes: a context already here whose membership entry
// is missing goes through 1, 4 and 5 again. `done` runs exactly once.
#include "codec/Invitation.h"
#include "context/EngineTypes.h"
#include "crypto/PeerId.h"
#include "util/Result.h"
#include <QObject>
#include <functional>

namespace dn {

class NetworkService;

class JoinFlow : public QObject {
    Q_OBJECT
public:
    JoinFlow(NetworkService &net, InvitationData invitation, std::function<void(Result<ContextInfo>)> done,
             QObject *parent = nullptr);
    void start();

private:
    void checkMembership();
    void dialInviter(int index, const QString &lastError);
    void ensureApp();
    void joinLocally();
    void syncWithInviter();
    void writeMembership();
    void succeed();
    void fail(ErrorCode code, const QString &message);
    QByteArray memberKey() const;

    NetworkService &net_;
    InvitationData inv_;
    std::function<void(Result<ContextInfo>)> done_;
    PeerId inviter_;  // the peer id of the invitation's verified signing key
    bool finished_ = false;
};

}  // namespace dn
