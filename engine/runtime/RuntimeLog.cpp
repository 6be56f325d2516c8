#include "runtime/RuntimeLog.h"

Q_LOGGING_CATEGORY(lcRuntime, "dn.runtime")
