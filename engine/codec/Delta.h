#pragma once
// The in-memory form of a delta and its parts (ARCHITECTURE §4, §5). The wire and
// storage forms are protobuf (deltanode.proto); codec/DeltaCodec converts.
#include "crypto/Hash32.h"
#include <QByteArray>
#include <cstdint>
#include <optional>
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

// Roles in a context (ARCHITECTURE §15), ordered: a lower role wins a tie.
enum class Role : uint8_t { None = 0, Member = 1, Admin = 2 };

// One member's copy of an epoch key, sealed to its X25519 key.
struct SealedKey {
    Hash32 member;       // Ed25519 public key
    QByteArray sealed;   // crypto_box_seal output (80 bytes)
    friend bool operator==(const SealedKey &, const SealedKey &) = default;
};

// The one action of a governance delta.
struct Governance {
    enum class Kind : uint8_t { None = 0, MemberAdd = 1, MemberRemove = 2, RoleSet = 3, InviteRevoke = 4 };
    Kind kind = Kind::None;
    Hash32 peer;                   // add, remove, role.set: the member's Ed25519 key
    QByteArray x25519;             // add: 32 bytes
    Role role = Role::None;        // add, role.set
    uint32_t nextEpoch = 0;        // remove
    std::vector<SealedKey> keys;   // remove: next epoch's key per remaining member
    QByteArray inviteId;           // invite.revoke
    QByteArray contextSignature;   // genesis add (64 bytes)
    friend bool operator==(const Governance &, const Governance &) = default;
};

struct DeltaBody {
    Hash32 contextId;
    std::vector<Hash32> parents;  // genesis: exactly { Hash32::zero() }
    std::vector<Action> actions;
    uint64_t hlc = 0;             // HlcStamp.time; the author is the tie-break
    Hash32 author;                // Ed25519 public key of the author node
    std::vector<Event> events;
    // Trust model (ARCHITECTURE §15); defaults on deltas written before it.
    std::optional<Governance> governance;
    uint32_t epoch = 0;
    std::vector<Hash32> govParents;   // the author's governance heads when it wrote this

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
