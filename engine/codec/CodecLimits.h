#pragma once
// Upper bounds on everything a peer can make us decode. Checked before any
// allocation that depends on a peer-supplied size, so a hostile delta costs
// at most a bounded amount of memory and time. The defaults follow the WASM
// runtime's own limits (ARCHITECTURE §7: key ≤ 1 MiB, value ≤ 10 MiB, ≤ 100 events
// per call) so that anything an app can legally produce also decodes.
#include <QtGlobal>

namespace dn {

struct CodecLimits {
    qsizetype maxEnvelopeBytes = 16 * 1024 * 1024;  // whole DeltaEnvelope on the wire
    qsizetype maxBodyBytes = 16 * 1024 * 1024;      // decrypted DeltaBody
    int maxParents = 256;        // merges of many concurrent heads stay legal
    int maxActions = 100000;     // one transaction's writes
    int maxEvents = 100;         // per delta (= per method call)
    qsizetype maxKeyBytes = 1024 * 1024;
    qsizetype maxValueBytes = 10 * 1024 * 1024;
    qsizetype maxEventKindBytes = 100;
    qsizetype maxEventDataBytes = 16 * 1024;
    qsizetype maxHandlerNameBytes = 256;
};

}  // namespace dn
