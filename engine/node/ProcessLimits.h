#pragma once
// Limits of the process itself (DESIGN §16). The default soft limit of open
// files (1 024) is what a flood of idle API connections used to exhaust: the
// event loop then failed to create descriptors it needed and the node died.
// At start the node raises the soft limit to the hard one (systemd's units
// set LimitNOFILE=65536); the API takes at most a quarter of it, and the
// listeners keep a spare descriptor to shed newcomers at the limit.
#include <cstdint>

namespace dn {

struct FileLimit {
    uint64_t before = 0;  // soft limit found at start
    uint64_t soft = 0;    // soft limit now
    uint64_t hard = 0;
    bool raised() const { return soft > before; }
};

// Raises RLIMIT_NOFILE's soft limit to its hard limit (capped at 1 << 20, as
// a hard limit of "infinity" would make select()-based code and per-fd tables
// unbounded). Returns what it found and what it set.
FileLimit raiseFileLimit();

}  // namespace dn
