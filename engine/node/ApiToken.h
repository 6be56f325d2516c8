#pragma once
// The bearer token of the client API (ARCHITECTURE §12): 32 random bytes, hex, in
// <data dir>/api.token with mode 0600, created at first start and kept
// across restarts so that scripts and deltactl keep working.
#include "util/Result.h"
#include <QString>

namespace dn {

struct ApiToken {
    QString token;
    QString path;
    static Result<ApiToken> loadOrCreate(const QString &dataDir);
};

}  // namespace dn
