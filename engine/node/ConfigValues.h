#pragma once
// Checks of the value kinds a config file and the command line share.
#include <QString>
#include <cstdint>
#include <optional>

namespace dn {

// Checks the shape of a TCP multiaddr (/ip4|ip6|dns|dns4|dns6/…/tcp/PORT
// with an optional /p2p/<peer id>); `requirePeer` demands the /p2p part.
// Returns an empty string when valid, else why not.
QString checkMultiaddr(const QString &addr, bool requirePeer);

// Parses a byte size: "1048576", "64 KiB", "500 MiB", "2 GiB" (also KB/MB/GB
// as powers of 1000). Returns nullopt when it is none of these.
std::optional<uint64_t> parseByteSize(const QString &text);

}  // namespace dn
