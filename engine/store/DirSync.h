#pragma once
// Making a new file's name durable. fsync() on a file makes its bytes
// durable, but the directory entry that names it lives in the directory: a
// power loss right after creating the identity key, the API token or the
// config file could leave the file missing (or, after a rename, the old
// one) although its write was reported done. Sync the directory after.
#include "util/Result.h"
#include <QString>

namespace dn {

// fsync() of the directory `dir`.
Result<void> syncDirectory(const QString &dir);
// fsync() of the directory holding `file` (call after creating or renaming it).
Result<void> syncParentDirectory(const QString &file);

}  // namespace dn
