#pragma once
// Logging category of the scene-graph items ("dn.ui.items").
#include <QLoggingCategory>

namespace dn {
Q_DECLARE_LOGGING_CATEGORY(lcItems)
}  // namespace dn
