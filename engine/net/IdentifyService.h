#pragma once
// Identify (/ipfs/id/1.0.0) and Identify Push (/ipfs/id/push/1.0.0).
// Answers a peer's request with who we are (key, listen addresses, the
// address we see it at, our protocols); asks every newly connected peer the
// same, in both directions, and records the answer in the PeerStore. js
// peers rely on this: their gossipsub only talks to peers that list
// /meshsub/… in Identify. When our protocol set changes, connected peers get
// a push.
#include "net/IdentifyMessage.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace dn {

class Connection;
class Host;
class Stream;

class IdentifyService : public QObject {
    Q_OBJECT
public:
    static inline const QString kProtocol = QStringLiteral("/ipfs/id/1.0.0");
    static inline const QString kPushProtocol = QStringLiteral("/ipfs/id/push/1.0.0");

    explicit IdentifyService(Host *host);

    // Asks the peer on `conn` who it is.
    void identify(Connection *conn);
    // What we tell the peer on `conn`.
    IdentifyInfo localInfo(const Connection *conn) const;

private:
    void respond(Stream *s);
    void collect(Stream *s, bool push);
    void apply(Stream *s, const QByteArray &bytes, bool push);
    void pushToAll();

    Host *host_;
    QTimer pushTimer_;  // coalesces handler changes into one push
};

}  // namespace dn
