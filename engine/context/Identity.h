#pragma once
// The node's identity: one Ed25519 key (libp2p peer id, delta author).
// Kept as a 32-byte seed in <data dir>/identity.key with mode 0600.
#include "crypto/Ed25519.h"
#include "crypto/PeerId.h"
#include "util/Result.h"
#include <QString>

namespace dn {

class Identity {
public:
    // Loads the key file, creating it on first start.
    static Result<Identity> loadOrCreate(const QString &dataDir);
    const Ed25519Key &key() const { return key_; }
    const Hash32 &publicKey() const { return key_.publicKey(); }
    PeerId peerId() const { return PeerId::fromPublicKey(publicKey()); }

private:
    explicit Identity(Ed25519Key key) : key_(std::move(key)) {}
    Ed25519Key key_;
};

}  // namespace dn
