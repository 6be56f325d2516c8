// Noise handshake messages (both roles) and the libp2p handshake payload.
#include "FuzzTarget.h"

#include "crypto/Ed25519.h"
#include "net/NoisePayload.h"
#include "net/NoiseSession.h"
#include "net/X25519.h"

#include <cstdlib>

using namespace dn;

namespace {

const Ed25519Key &identity() {
    static const Ed25519Key k = *Ed25519Key::fromSeed(QByteArray(32, '\x11'));
    return k;
}
const X25519Key &staticKey() {
    static const X25519Key k = *X25519Key::fromPrivate(QByteArray(32, '\x22'));
    return k;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    const QByteArrayView in(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    switch (data[0] % 3) {
    case 0: {  // we are the responder: message 1, then message 3
        NoiseSession s(false, identity(), {QStringLiteral("/yamux/1.0.0")});
        QByteArray out, plain;
        s.feed(in, out, plain);
        if (s.isEstablished()) std::abort();  // nobody can forge message 3 for a fresh ephemeral key
        if (s.pendingBytes() > NoiseSession::kMaxFrame + 2) std::abort();
        break;
    }
    case 1: {  // we are the initiator: message 2
        NoiseSession s(true, identity());
        QByteArray out = s.start(), plain;
        s.feed(in, out, plain);
        if (s.isEstablished()) std::abort();
        break;
    }
    default: {  // the payload decoder
        NoiseRemoteIdentity r;
        auto err = verifyNoisePayload(in, staticKey().publicKey(), r);
        if (!err && r.publicKey != identity().publicKey()) std::abort();  // only our seed signs correctly
        break;
    }
    }
    return 0;
}

std::vector<std::string> dnFuzzSeeds() {
    std::vector<std::string> seeds;
    // A real message 1 (framed) and what a responder answers.
    NoiseSession init(true, identity());
    const QByteArray m1 = init.start();
    seeds.push_back('\0' + m1.toStdString());
    NoiseSession resp(false, identity(), {QStringLiteral("/yamux/1.0.0")});
    QByteArray m2, plain;
    resp.feed(m1, m2, plain);
    seeds.push_back('\1' + m2.toStdString());
    QByteArray m3;
    init.feed(m2, m3, plain);
    seeds.push_back('\0' + m1.toStdString() + m3.toStdString());
    seeds.push_back('\2' + buildNoisePayload(identity(), staticKey().publicKey(), {QStringLiteral("/yamux/1.0.0")}).toStdString());
    return seeds;
}
