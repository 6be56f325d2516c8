#pragma once
// Helpers shared by the codec tests.
#include "codec/Delta.h"
#include "crypto/Ed25519.h"
#include "crypto/Random.h"

#include <string>

namespace dn::test {

inline Hash32 randomHash() { return *Hash32::fromBytes(randomBytes(32)); }

// A body using every kind of action and event, with two parents.
inline DeltaBody sampleBody(const Ed25519Key &author, const Hash32 &ctx) {
    DeltaBody b;
    b.contextId = ctx;
    b.parents = {randomHash(), randomHash()};
    b.actions = {Action::put("k1", "v1"), Action::remove("k2"), Action::counterAdd("c", -42)};
    b.hlc = 0x6512345600010002ull;
    b.author = author.publicKey();
    b.events = {Event{"Inserted", "{\"k\":1}", {}}, Event{"Posted", "x", "on_post"}};
    return b;
}

inline std::string str(const QByteArray &b) { return b.toStdString(); }

}  // namespace dn::test
