#pragma once
// The in-memory form of a delta and its parts (ARCHITECTURE §4, §5). The wire and
// storage forms are protobuf (deltanode.proto); codec/DeltaCodec converts.
#include "crypto/Hash32.h"
#include <QByteArray>
#include <cstdint>
#include <vector>

namespace dn {

// One CRDT operation. Every action of a delta carries the delta's HLC.
struct Action {
    enum class Kind : uint8_t { Put = 1, Remove = 2, CounterAdd = 3 };
    Kind kind = Kind::Put;
    QByteArray key;
    QByteArray value;     // Put only
    int64_t amount = 0;   // CounterAdd only

    static Action put(QByteArray k, QByteArray v) { return {Kind::Put, std::move(k), std::move(v), 0}; }
    static Action remove(QByteArray k) { return {Kind::Remove, std::move(k), {}, 0}; }
    static Action counterAdd(QByteArray k, int64_t a) { return {Kind::CounterAdd, std::move(k), {}, a}; }
    friend bool operator==(const Action &, const Action &) = default;
};

// An event emitted by an app. `handler` empty = no handler; otherwise the name
// of a method the *receiving* members run after the delta applies.
struct Event {
    QByteArray kind;
    QByteArray data;
    QByteArray handler;
    friend bool operator==(const Event &, const Event &) = default;
};

// Hybrid logical clock stamp (ARCHITECTURE §4): NTP-style 64-bit time whose low 16
// bits are a logical counter, with the author key as tie-break.
struct HlcStamp {
    uint64_t time = 0;
    Hash32 author;
    friend auto operator<=>(const HlcStamp &, const HlcStamp &) = default;
    friend bool operator==(const HlcStamp &, const HlcStamp &) = default;
};

struct DeltaBody {
    Hash32 contextId;
    std::vector<Hash32> parents;  // genesis: exactly { Hash32::zero() }
    std::vector<Action> actions;
    uint64_t hlc = 0;             // HlcStamp.time; the author is the tie-break
    Hash32 author;                // Ed25519 public key of the author node
    std::vector<Event> events;

    HlcStamp stamp() const { return {hlc, author}; }
    bool isGenesis() const { return parents.size() == 1 && parents[0].isZero(); }
    friend bool operator==(const DeltaBody &, const DeltaBody &) = default;
};

// A decoded, verified delta: the body plus the exact bytes its id hashes.
struct Delta {
    Hash32 id;           // SHA-256(bodyBytes)
    DeltaBody body;
    QByteArray bodyBytes;
};

}  // namespace dn
