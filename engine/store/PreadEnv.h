#pragma once
// A LevelDB Env that reads table files with pread() instead of mmap().
//
// LevelDB maps up to 1000 table files into memory on 64-bit systems. Every
// page touched then counts in the node's RSS until the kernel reclaims it, so
// streaming a 200 MiB blob out of the store looked like a 200 MiB footprint.
// With pread the data passes through the page cache (shared, reclaimable) and
// the block cache (bounded), and the node's own memory stays flat.
#include <leveldb/env.h>

namespace dn {

// Process-wide instance wrapping leveldb::Env::Default(); never destroyed.
leveldb::Env *preadEnv();

}  // namespace dn
