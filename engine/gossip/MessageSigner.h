#pragma once
// StrictSign for pubsub messages (libp2p pubsub spec, "Message Signing"):
// `from` is the author's peer id, `seqno` 8 bytes big endian, and `signature`
// an Ed25519 signature over "libp2p-pubsub:" followed by the Message protobuf
// without its signature and key fields. `key` is left out because an Ed25519
// peer id inlines the public key.
#include "crypto/Ed25519.h"

#include <QByteArray>

namespace deltanode::gossipsub { class Message; }

namespace dn {

// The exact bytes that are signed: the prefix, then fields 1-4 (from, data,
// seqno, topic) re-encoded in field order with their presence kept. js and go
// both re-encode these four fields when verifying, so unknown fields a relay
// keeps do not break the signature.
QByteArray gossipSigningBytes(const deltanode::gossipsub::Message &msg);

// Fills from (our peer id) and signature; data, seqno and topic must be set.
void signGossipMessage(deltanode::gossipsub::Message &msg, const Ed25519Key &key);

// True iff msg carries from, seqno and topic, its `from` is an Ed25519 peer id
// (any `key` field must be that same key) and the signature verifies.
bool verifyGossipMessage(const deltanode::gossipsub::Message &msg);

}  // namespace dn
