#pragma once
// Plain values the engine hands out: snapshots, safe to copy across threads.
#include "codec/Delta.h"
#include "crypto/Hash32.h"
#include "state/StateEntry.h"
#include <QByteArray>
#include <QString>
#include <QStringList>
#include <vector>

namespace dn {

struct AppRecord {
    Hash32 id;               // SHA-256 of the module bytes
    QString name;
    uint64_t size = 0;
    QStringList methods;     // exported `() -> ()` functions
    bool hasInit = false;
    int64_t installedAtMs = 0;
};

struct ContextInfo {
    Hash32 id;
    Hash32 appId;
    QString name;
    std::vector<Hash32> heads;
    Hash32 rootHash;
    uint64_t appliedCount = 0;
    size_t pendingCount = 0;
    int64_t createdAtMs = 0;
    bool isOwner = false;    // created here (holds the context secret)
    // Trust model (ARCHITECTURE §15), at the current heads.
    size_t memberCount = 0;
    uint32_t epoch = 0;
    bool isMember = false;   // this node
    bool isAdmin = false;
};

// What a method call produced. deltaId is empty for a call that changed nothing.
struct ExecuteResult {
    QByteArray output;
    QStringList logs;
    std::vector<Event> events;
    std::optional<Hash32> deltaId;
    Hash32 rootHash;
    int64_t elapsedUs = 0;
};

// What receiving one envelope did.
struct ReceiveResult {
    enum class Status { Applied, Pending, Duplicate } status = Status::Applied;
    std::vector<Hash32> applied;       // this delta and any pending children it released
    std::vector<Hash32> missingParents;
};

// One live state entry as an app sees it.
struct StateItem {
    QByteArray key;
    bool isCounter = false;
    QByteArray value;       // register value
    int64_t counter = 0;    // counter value
};

// One delta as the monitor and `deltactl dag` show it.
struct DeltaSummary {
    Hash32 id;
    std::vector<Hash32> parents;
    Hash32 author;
    uint64_t hlc = 0;
    bool applied = false;
    bool local = false;       // authored by this node
    int64_t receivedAtMs = 0;
    std::vector<Action> actions;
    std::vector<Event> events;
};

// Cross-check of what is on disk (used after crashes and by `deltactl dag`).
struct IntegrityReport {
    bool ok = false;
    std::vector<Hash32> storedHeads;    // from the context record
    std::vector<Hash32> computedHeads;  // applied deltas without applied children
    Hash32 storedRoot;
    Hash32 computedRoot;                // recomputed from every state entry
    uint64_t appliedDeltas = 0;
    QString problem;
};

// A page of history served to a peer (sync): the envelopes met walking back
// from the ids asked for, and what could not be served.
struct DeltaPage {
    std::vector<QByteArray> envelopes;  // newest first (breadth first from the ids)
    std::vector<Hash32> pruned;         // reached but pruned here: that history is gone
    std::vector<Hash32> unknown;        // asked for, and never seen here
    bool truncated = false;             // stopped at the count or byte bound
};

// A consistent copy of a context's state for a member that lacks the history
// (snapshot sync). Taken in one step on the context's worker, so `covered`
// names exactly the deltas whose effects `entries` hold.
struct ContextSnapshot {
    std::vector<StateEntry> entries;  // registers, tombstones, counters with their shares
    std::vector<Hash32> covered;      // every applied (or pruned) delta id
    std::vector<Hash32> heads;
    Hash32 rootHash;
    // Trust model (ARCHITECTURE §15): every governance envelope, parents
    // first, so the importer can judge the deltas that follow; the epoch;
    // the serving member's signature (snapshotMessage) when received.
    std::vector<QByteArray> governance;
    uint32_t epoch = 0;
    QByteArray signature;
    Hash32 servedBy;   // the member whose signature it carries
};

// An invitation this node issued, as `context invites` lists it.
struct IssuedInvite {
    QByteArray inviteId;
    uint64_t expiresAt = 0;   // unix seconds
    uint32_t uses = 0, used = 0;
    bool revoked = false;
    int64_t issuedAtMs = 0;
};

// What an inviter hands a joiner that proved its invitation.
struct JoinTicket {
    Hash32 appId;
    struct Key {
        uint32_t epoch = 0;
        Hash32 source;       // the removal that started the epoch (zero: epoch 0)
        QByteArray sealed;   // sealed to the joiner
    };
    std::vector<Key> sealedKeys;
    std::vector<Hash32> seedMembers, seedAdmins;              // migrated contexts only
    QByteArray memberDelta;                                   // the member.add envelope (empty if already a member)
};

}  // namespace dn
