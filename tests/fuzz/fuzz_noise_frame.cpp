// Noise transport frames: an established session fed raw or tampered frames.
#include "FuzzTarget.h"

#include "crypto/Ed25519.h"
#include "net/NoiseSession.h"

#include <cstdlib>

using namespace dn;

namespace {

struct Pair {
    NoiseSession a{true, *Ed25519Key::fromSeed(QByteArray(32, '\x01'))};
    NoiseSession b{false, *Ed25519Key::fromSeed(QByteArray(32, '\x02'))};
    Pair() {
        QByteArray m2, m3, plain;
        b.feed(a.start(), m2, plain);
        a.feed(m2, m3, plain);
        b.feed(m3, m2, plain);
        if (!a.isEstablished() || !b.isEstablished()) std::abort();
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 3) return 0;
    Pair p;  // fresh keys each time: a failed session stays failed
    const QByteArrayView body(reinterpret_cast<const char *>(data) + 3, qsizetype(size - 3));
    QByteArray wire, out, plain;
    if (data[0] & 1) {
        wire = body.toByteArray();  // raw bytes as frames
    } else {
        wire = p.a.encrypt(body);  // genuine frames …
        if ((data[0] & 2) && !wire.isEmpty()) {  // … with one byte changed
            const qsizetype at = ((qsizetype(data[1]) << 8) | data[2]) % wire.size();
            wire[at] = char(wire[at] ^ (data[0] | 1));
        }
    }
    const qsizetype chunk = 1 + (data[1] % 64) * 97;
    bool ok = true;
    for (qsizetype pos = 0; pos < wire.size() && ok; pos += chunk) ok = p.b.feed(wire.mid(pos, chunk), out, plain);
    if (!(data[0] & 3) && (!ok || plain != body.toByteArray())) std::abort();  // untouched frames decrypt
    if (!out.isEmpty()) std::abort();  // transport input never produces output
    return 0;
}

std::vector<std::string> dnFuzzSeeds() {
    return {std::string("\0\0\0hello", 8), std::string("\2\0\5", 3) + std::string(70000, 'a'),
            std::string("\1\3\0", 3) + std::string("\x00\x20", 2) + std::string(32, 'x')};
}
