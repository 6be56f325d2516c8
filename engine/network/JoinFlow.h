#pragma once
// Joining a context from an invitation (ARCHITECTURE §4, §15), one step after
// the other on the node thread, each step logged:
//   1. dial the inviter (its addresses from the invitation, first that works)
//   2. prove the invitation's secret over /deltanode/join/1.0.0; the inviter
//      checks expiry, uses and revocation, writes our member.add and answers
//      with every epoch key sealed to us (or with why it refuses)
//   3. fetch the app module over /deltanode/blob/1.0.0 if it is not
//      installed, check it hashes to the app id, install it
//   4. Engine::joinContext (the record and the keys), subscribe to the topic
//   5. sync with the inviter (a snapshot when its history is long or pruned)
// Joining again later resumes: a context already here that does not list us
// as a member yet goes through 1, 2 and 5 again. `done` runs exactly once.
#include "codec/Invitation.h"
#include "context/Engine.h"
#include "sync/FramedStream.h"
#include "context/EngineTypes.h"
#include "crypto/PeerId.h"
#include "util/Result.h"
#include <QObject>
#include <functional>
#include <memory>

namespace dn {

class NetworkService;

class JoinFlow : public QObject {
    Q_OBJECT
public:
    JoinFlow(NetworkService &net, InvitationData invitation, std::function<void(Result<ContextInfo>)> done,
             QObject *parent = nullptr);
    void start();

private:
    void dialInviter(int index, const QString &lastError);
    void proveInvitation();
    void granted(const QByteArray &frame);
    void ensureApp();
    void joinLocally();
    void syncWithInviter();
    void succeed();
    void fail(ErrorCode code, const QString &message);

    NetworkService &net_;
    InvitationData inv_;
    std::function<void(Result<ContextInfo>)> done_;
    PeerId inviter_;  // the peer id of the invitation's verified signing key
    Engine::JoinGrant grant_;
    std::unique_ptr<FramedStream> joinIo_;
    bool finished_ = false;
    bool admitted_ = false;
};

}  // namespace dn
