#pragma once
// One CRDT entry of a context's state and its two byte forms:
//
//  * stored form (the LevelDB value; the app key lives in the LevelDB key):
//      register   0x01 ‖ hlc u64 BE ‖ author[32] ‖ value bytes (to the end)
//      tombstone  0x02 ‖ hlc u64 BE ‖ author[32]
//      counter    0x03 ‖ n × (author[32] ‖ pos u64 BE ‖ neg u64 BE), sorted by
//                 author, no author twice
//    Fixed-width fields instead of protobuf: decoding a register is two loads
//    and one copy, and the bytes are canonical by construction.
//
//  * hash form (what the root hash sums; see RootHash.h), length-prefixed so
//    that no two different entries share bytes:
//      register   'r' ‖ keyLen u32 BE ‖ key ‖ valueLen u32 BE ‖ value ‖ hlc u64 BE ‖ author
//      counter    'c' ‖ keyLen u32 BE ‖ key ‖ n u32 BE ‖ shares as stored
//    Tombstones contribute nothing, so they have no hash form.
#include "codec/Delta.h"
#include "crypto/Hash32.h"
#include <QByteArray>
#include <cstdint>
#include <optional>
#include <vector>

namespace dn {

// One author's share of a PN-counter. Totals only grow, so merging two copies
// of a counter is a per-author max, and applying a delta is a per-author add.
// Arithmetic is modulo 2^64 (deterministic on every replica).
struct CounterShare {
    Hash32 author;
    uint64_t pos = 0;  // sum of this author's positive amounts
    uint64_t neg = 0;  // sum of the magnitudes of its negative amounts
    friend bool operator==(const CounterShare &, const CounterShare &) = default;
};

struct StateEntry {
    enum class Kind : uint8_t { Register = 1, Tombstone = 2, Counter = 3 };
    Kind kind = Kind::Register;
    QByteArray key;                    // the app's key
    QByteArray value;                  // Register
    HlcStamp stamp;                    // Register, Tombstone
    std::vector<CounterShare> shares;  // Counter, sorted by author
    // Derived from kind and shares for readers (state browser, app scans);
    // set by decode() and by ContextState on every entry it hands out.
    bool isCounter = false;            // kind == Counter
    int64_t counter = 0;               // Counter: Σpos − Σneg

    bool isLive() const { return kind != Kind::Tombstone; }
    int64_t counterValue() const;      // Σpos − Σneg (mod 2^64), from shares
    friend bool operator==(const StateEntry &, const StateEntry &) = default;
};

namespace entry {

// Storage namespaces under s/<ctx>/: registers (and their tombstones) and
// counters never share a LevelDB key, even for the same app key.
constexpr char kRegisterTag = 'r';
constexpr char kCounterTag = 'c';

QByteArray encode(const StateEntry &e);  // stored form (without the key)
// Parses a stored value; nullopt if it is malformed. `counter` says which
// namespace it came from, so a value cannot change its kind by corruption.
std::optional<StateEntry> decode(QByteArray key, QByteArrayView stored, bool counter);
// SHA-256 of the hash form; zero for a tombstone.
Hash32 contribution(const StateEntry &e);

// Adds `amount` to `author`'s share, keeping shares sorted.
void addToCounter(std::vector<CounterShare> &shares, const Hash32 &author, int64_t amount);
// Sets the derived fields (isCounter, counter) from kind and shares.
void finish(StateEntry &e);
// Per-author max of two counters (the state-based join). Returns true if
// `into` changed.
bool joinCounters(std::vector<CounterShare> &into, const std::vector<CounterShare> &other);

}  // namespace entry
}  // namespace dn
