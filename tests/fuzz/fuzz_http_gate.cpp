// The API's request gate (api/HttpGate) on hostile bytes. The gate is fed
// the same bytes twice: in one call, and split at boundaries taken from the
// input (empty feeds included). A socket may deliver any split, so the two
// must agree: the same verdict, the same number of requests passed, the same
// refusal. A Refuse (and a Tunnel) is sticky: later bytes change nothing.
//
// Input: byte 0 picks the policy (small limits, public /metrics), byte 1
// seeds the split; the rest is what a client sent.
#include "FuzzTarget.h"

#include "api/HttpGate.h"

#include <cstdlib>

using namespace dn;

namespace {

HttpGatePolicy policy(uint8_t flags) {
    HttpGatePolicy p;
    p.allowedHosts = {QByteArrayLiteral("node.example")};
    p.allowedOrigins = {QByteArrayLiteral("http://localhost:8080")};
    p.metricsPublic = flags & 1;
    // Small limits let short inputs reach the 431 and 413 refusals.
    if (flags & 2) p.maxHeadBytes = 64 + (flags >> 4) * 16;
    if (flags & 4) p.maxRequestBytes = 512;
    p.authorized = [](const QByteArray &authorization, const QString &queryToken) {
        return authorization == "Bearer secret" || queryToken == QLatin1String("secret");
    };
    return p;
}

struct Outcome {
    HttpGate::Verdict verdict;
    quint64 passed;
    int status;
    ErrorCode code;
    bool inHead, inBody;
};

Outcome outcome(const HttpGate &g, HttpGate::Verdict v) {
    const bool refused = v == HttpGate::Verdict::Refuse;
    return {v, g.requestsPassed(), refused ? g.refusal().status : 0, refused ? g.refusal().code : ErrorCode{},
            g.inHead(), g.inBody()};
}

bool operator==(const Outcome &a, const Outcome &b) {
    return a.verdict == b.verdict && a.passed == b.passed && a.status == b.status && a.code == b.code &&
           a.inHead == b.inHead && a.inBody == b.inBody;
}

bool knownStatus(int s) {
    switch (s) {
    case 400: case 401: case 403: case 411: case 413: case 421: case 431: return true;
    default: return false;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    const HttpGatePolicy p = policy(data[0]);
    const QByteArrayView in(reinterpret_cast<const char *>(data) + 2, qsizetype(size - 2));

    HttpGate whole(&p);
    const Outcome w = outcome(whole, whole.feed(in));
    if (w.verdict == HttpGate::Verdict::Refuse && !knownStatus(w.status)) std::abort();

    HttpGate split(&p);
    HttpGate::Verdict v = split.feed({});  // nothing yet: nothing to refuse
    if (v != HttpGate::Verdict::Pass) std::abort();
    uint32_t rng = data[1] * 2654435761u + 1;
    const qsizetype maxChunk = 1 + data[1] % 64;
    quint64 passed = 0;
    for (qsizetype pos = 0; pos < in.size();) {
        rng = rng * 1103515245u + 12345u;
        const qsizetype n = std::min<qsizetype>(qsizetype((rng >> 16) % (maxChunk + 1)), in.size() - pos);
        const HttpGate::Verdict before = v;
        const int statusBefore = split.refusal().status;
        v = split.feed(in.sliced(pos, n));
        pos += n;
        // Sticky: once refused or tunnelled, always so, and the refusal stays.
        if (before == HttpGate::Verdict::Refuse && (v != before || split.refusal().status != statusBefore)) std::abort();
        if (before == HttpGate::Verdict::Tunnel && v != before) std::abort();
        if (split.requestsPassed() < passed) std::abort();
        passed = split.requestsPassed();
    }
    if (!(outcome(split, v) == w)) std::abort();  // the split does not matter

    // More bytes after a refusal change nothing.
    if (w.verdict == HttpGate::Verdict::Refuse) {
        if (whole.feed("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n") != HttpGate::Verdict::Refuse) std::abort();
        if (whole.requestsPassed() != w.passed || whole.refusal().status != w.status) std::abort();
    }
    return 0;
}

std::vector<std::string> dnFuzzSeeds() {
    auto seed = [](char flags, char split, const char *bytes) { return std::string{flags, split} + bytes; };
    return {
        seed(0, 7, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"),
        seed(0, 3, "POST /api/v1/contexts HTTP/1.1\r\nHost: 127.0.0.1:8421\r\nAuthorization: Bearer secret\r\n"
                   "Content-Length: 5\r\n\r\nhello"
                   "\r\nGET /api/v1/apps HTTP/1.1\r\nHost: [::1]:8421\r\nAuthorization: Bearer secret\r\n\r\n"),
        seed(0, 11, "GET /ws?token=secret HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Origin: http://localhost:8080\r\n\r\n\x81\x85garbage"),
        seed(0, 1, "POST /api/v1/blobs HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
        seed(0, 5, "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"),
        seed(0, 9, "GET /api/v1/apps HTTP/1.1\r\nHost: rebind.example\r\nAuthorization: Bearer secret\r\n\r\n"),
        seed(0, 2, "GET /api/v1/apps HTTP/1.1\r\nHost: node.example\r\nOrigin: http://evil.example\r\n\r\n"),
        seed(1, 13, "GET /metrics HTTP/1.0\r\n\r\nGET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n"),
        seed(6, 4, "POST /api/v1/x HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer secret\r\nContent-Length: 4096\r\n\r\n"),
        seed(2, 17, "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n"),
        seed(0, 6, "\r\n\r\nGET /health HTTP/1.1\r\nHost: localhost\r\n folded\r\n\r\n"),
        seed(0, 8, "GET /health HTTP/1.1\nHost: localhost\n\n"),
        seed(0, 10, "GET /api/v1/apps HTTP/1.1\r\nHost: localhost\r\n\r\n"),
    };
}
