#include "ItemsLog.h"

namespace dn {
Q_LOGGING_CATEGORY(lcItems, "dn.ui.items")
}  // namespace dn
